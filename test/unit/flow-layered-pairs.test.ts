import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { inverseMove, moveBy, randomScene, renderLayeredPair, type LayeredPair, type LayeredScene, type Texture } from '../../src/main/inference/flow/layered-pairs';
import { bilinearAt } from '../../src/main/inference/flow/sample';

// Two real photos (MIT, shipped in @vladmandic/face-api) at 320×240 plus a 40-pixel
// margin, blurred (σ 1.5) so bilinear resampling itself adds little error and a wrong
// truth stands out; the benchmark uses the same photos unblurred at 640×480.
const W = 320;
const H = 240;
const MARGIN = 40;
let textures: Texture[];
beforeAll(async () => {
  textures = await Promise.all(
    [2, 4].map(async (i) => {
      const photo = join(packageDir('@vladmandic/face-api') as string, 'demo', `sample${i}.jpg`);
      const { data, info } = await sharp(photo).resize(W + 2 * MARGIN, H + 2 * MARGIN, { fit: 'cover' }).grayscale().blur(1.5).raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data: Float32Array.from(data) };
    }),
  );
});

/** Photometrically clean scene (no gain, offset, ramp or noise) so frame 2 is pure motion. */
function cleanScene(band: 'small' | 'medium', seed: number): LayeredScene {
  const scene = randomScene(band, seed, 2, W, H, MARGIN);
  return { ...scene, photometric: { gain: 1, offset: 0, ramp: 0, noise: 0, seed: 1 } };
}

/**
 * Frame 1 against frame 2 sampled at x + w(x) (bilinear), over non-occluded pixels whose
 * 2×2 sampling footprint in frame 2 lies on the same layer (elsewhere bilinear reads mix
 * two layers, which says nothing about the truth).
 */
function warpResidual(pair: LayeredPair, shift = 0): { mean: number; count: number } {
  const plane = W * H;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      const i = y * W + x;
      if (pair.occluded[i]) continue;
      const tx = x + (pair.truth.data[i] as number) + shift;
      const ty = y + (pair.truth.data[plane + i] as number);
      const x0 = Math.floor(tx);
      const y0 = Math.floor(ty);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= W || y0 + 1 >= H) continue;
      const layers = [pair.layer2[y0 * W + x0], pair.layer2[y0 * W + x0 + 1], pair.layer2[(y0 + 1) * W + x0], pair.layer2[(y0 + 1) * W + x0 + 1]];
      if (layers.some((l) => l !== pair.layer1[i])) continue;
      sum += Math.abs(bilinearAt(pair.frame2, 0, W, H, tx, ty) - (pair.frame1[i] as number));
      count += 1;
    }
  }
  return { mean: sum / count, count };
}

describe('layered hard flow pairs (real photos, occluding layers, exact truth)', () => {
  it('inverts every layer motion to 1e-4 px', () => {
    const scene = randomScene('large', 7, 2);
    for (const motion of [scene.background.motion, ...scene.foreground.map((f) => f.motion)]) {
      for (const [px, py] of [[0, 0], [320.5, 240.25], [639, 479], [100, 400]] as const) {
        const [x, y] = inverseMove(motion, 640, 480, px, py);
        const [fx, fy] = moveBy(motion, 640, 480, x, y);
        expect(Math.hypot(fx - px, fy - py)).toBeLessThan(1e-4);
      }
    }
  });

  it('frame 1 warped by the truth flow matches frame 2 on non-occluded pixels', () => {
    for (const [band, seed] of [['small', 3], ['medium', 11]] as const) {
      const pair = renderLayeredPair(cleanScene(band, seed), textures);
      const exact = warpResidual(pair);
      const offByOne = warpResidual(pair, 1);
      // The residual left is bilinear resampling of an 8-bit photo (frame 2 is itself a
      // resampled, rounded render): measured 0.8 grey levels; a truth one pixel off gives 5.4.
      expect(exact.count, `${band}: visible pixels`).toBeGreaterThan(0.7 * W * H);
      expect(exact.mean, `${band}: residual ${exact.mean.toFixed(2)} grey levels`).toBeLessThan(1.2);
      expect(offByOne.mean, `${band}: residual with truth shifted 1 px ${offByOne.mean.toFixed(2)}`).toBeGreaterThan(4 * exact.mean);
    }
  });

  it('marks as occluded exactly the pixels that leave the frame or land on another layer', () => {
    const pair = renderLayeredPair(cleanScene('medium', 11), textures);
    const plane = W * H;
    let occluded = 0;
    let mismatched = 0;
    for (let i = 0; i < plane; i += 1) {
      const tx = Math.round((i % W) + (pair.truth.data[i] as number));
      const ty = Math.round(Math.floor(i / W) + (pair.truth.data[plane + i] as number));
      const inFrame = tx >= 0 && ty >= 0 && tx < W && ty < H;
      const sameLayer = inFrame && pair.layer2[ty * W + tx] === pair.layer1[i];
      occluded += pair.occluded[i] as number;
      // Rounding to the nearest frame-2 pixel disagrees only on layer edges.
      if (Boolean(pair.occluded[i]) === sameLayer) mismatched += 1;
    }
    expect(occluded, 'the scene has occlusions').toBeGreaterThan(0.005 * plane);
    expect(mismatched / plane).toBeLessThan(0.01);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = renderLayeredPair(randomScene('small', 5, 2, W, H, MARGIN), textures);
    const b = renderLayeredPair(randomScene('small', 5, 2, W, H, MARGIN), textures);
    const c = renderLayeredPair(randomScene('small', 6, 2, W, H, MARGIN), textures);
    expect(Buffer.from(a.frame2).equals(Buffer.from(b.frame2))).toBe(true);
    expect(Buffer.from(a.truth.data.buffer).equals(Buffer.from(b.truth.data.buffer))).toBe(true);
    expect(Buffer.from(a.frame2).equals(Buffer.from(c.frame2))).toBe(false);
  });

  it('rejects a texture smaller than the frame plus its margin', () => {
    const scene = randomScene('small', 1, 2, W, H, MARGIN);
    const small = { width: W, height: H, data: new Float32Array(W * H) };
    expect(() => renderLayeredPair(scene, [small, small])).toThrow(/smaller than the frame/);
  });
});
