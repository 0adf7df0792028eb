import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { fillTextureless, textureStrength, type TexturelessFillOptions } from '../../src/main/inference/flow/textureless-fill';
import { displacements, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import { useTempDir } from '../helpers/tmp';

const W = 160;
const H = 120;
const OPTIONS: TexturelessFillOptions = { level: 0, half: 3, threshold: 1e-6, tile: 16, reach: 24, step: 2, rounds: 2, scale: 1, minSamples: 30 };

/** A real photo (MIT, shipped in @vladmandic/face-api), gray in [0, 1], W×H. */
async function photo(name: string): Promise<Float32Array> {
  const path = join(packageDir('@vladmandic/face-api') as string, 'demo', name);
  const { data } = await sharp(path).resize(W, H, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

/** A 2° rotation and 3 % zoom about the frame centre, plus a (4, −2) px translation. */
function affine(x: number, y: number): [number, number] {
  const [dx, dy] = [x - W / 2, y - H / 2];
  const [c, s, k] = [Math.cos((2 * Math.PI) / 180), Math.sin((2 * Math.PI) / 180), 1.03];
  return [k * (c * dx - s * dy) - dx + 4, k * (s * dx + c * dy) - dy - 2];
}

/** Inside the flat rectangle (with the structure window's margin: no gradient reaches it). */
const flat = (x: number, y: number) => x >= 50 && x < 110 && y >= 30 && y < 90;

let frame: Float32Array;
beforeAll(async () => {
  frame = await photo('sample2.jpg');
  for (let y = 0; y < H; y += 1) for (let x = 0; x < W; x += 1) if (flat(x, y)) frame[y * W + x] = 0.02;
});

describe('the textureless fill', () => {
  it('gives a flat region of a rotating layer the affine motion of the texture around it', () => {
    const plane = W * H;
    const flow = new Float32Array(2 * plane);
    // Textured pixels carry the true motion; the textureless ones a translation, as a
    // first-order smoothness leaves it where no data term holds the rotation.
    const strength = textureStrength(frame, W, H, OPTIONS.half);
    for (let y = 0; y < H; y += 1) {
      for (let x = 0; x < W; x += 1) {
        const [u, v] = (strength[y * W + x] as number) < OPTIONS.threshold ? [4, -2] : affine(x, y);
        flow[y * W + x] = u;
        flow[plane + y * W + x] = v;
      }
    }
    const error = (f: Float32Array) => {
      let sum = 0;
      let n = 0;
      for (let y = 34; y < 86; y += 1) {
        for (let x = 54; x < 106; x += 1) {
          const [u, v] = affine(x, y);
          sum += Math.hypot((f[y * W + x] as number) - u, (f[plane + y * W + x] as number) - v);
          n += 1;
        }
      }
      return sum / n;
    };
    const out = fillTextureless(frame, flow, W, H, OPTIONS);
    expect(error(flow)).toBeGreaterThan(0.9);
    expect(error(out)).toBeLessThan(0.05);
    // The photo's own textured pixels keep their flow.
    let changed = 0;
    for (let i = 0; i < plane; i += 1) if ((strength[i] as number) >= OPTIONS.threshold && (out[i] !== flow[i] || out[plane + i] !== flow[plane + i])) changed += 1;
    expect(changed).toBe(0);
  });

  it('leaves a textured frame and a flat frame alone', async () => {
    const textured = await photo('sample1.jpg');
    const flow = Float32Array.from({ length: 2 * W * H }, (_, i) => Math.sin(i / 97) * 3);
    const strength = textureStrength(textured, W, H, OPTIONS.half);
    const weak = strength.filter((s) => s < OPTIONS.threshold).length;
    const out = fillTextureless(textured, flow, W, H, OPTIONS);
    let changed = 0;
    for (let i = 0; i < W * H; i += 1) if (out[i] !== flow[i]) changed += 1;
    expect(changed).toBeLessThanOrEqual(weak);
    // No textured pixel to fit: nothing changes.
    expect(fillTextureless(new Float32Array(W * H).fill(0.5), flow, W, H, OPTIONS)).toEqual(flow);
  });

  it('rejects bad sizes and options with a typed error', () => {
    const flow = new Float32Array(2 * 16);
    const frame1 = new Float32Array(16);
    expect(() => fillTextureless(frame1, flow, 4, 4, OPTIONS)).not.toThrow();
    expect(() => fillTextureless(frame1, flow, 5, 4, OPTIONS)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => fillTextureless(frame1, flow.subarray(0, 8), 4, 4, OPTIONS)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    for (const bad of [{ half: 0 }, { threshold: 0 }, { tile: 2 }, { reach: 999 }, { rounds: 11 }, { scale: Number.NaN }, { minSamples: 3 }]) {
      expect(() => fillTextureless(frame1, flow, 4, 4, { ...OPTIONS, ...bad })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('accurate through the real ONNX flow', () => {
  const tempDir = useTempDir();
  const sessions = new SessionCache({ intraOpThreads: 1 });
  afterAll(() => sessions.dispose());

  // Measured: 0.16 px in the flat region with the fill, 0.44 without (the preset minus it).
  it('holds a rotation across a flat region of the photo', async () => {
    // 320×240: the photo with a flat 120×100 rectangle, rotated 3° about the frame centre.
    const [w, h] = [320, 240];
    const path = join(packageDir('@vladmandic/face-api') as string, 'demo', 'sample2.jpg');
    const { data } = await sharp(path).resize(w, h, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
    const inFlat = (x: number, y: number) => x >= 100 && x < 220 && y >= 70 && y < 170;
    for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) if (inFlat(x, y)) data[y * w + x] = 40;
    const frame1 = { width: w, height: h, channels: 1 as const, data: new Uint8Array(data) };
    const { frame2, truth } = warpedPair(frame1, displacements.rotation(3, w / 2, h / 2));
    const flatError = (flow: Float32Array) => {
      let sum = 0;
      let n = 0;
      for (let y = 80; y < 160; y += 1) {
        for (let x = 110; x < 210; x += 1) {
          const i = y * w + x;
          sum += Math.hypot((flow[i] as number) - (truth.data[i] as number), (flow[w * h + i] as number) - (truth.data[w * h + i] as number));
          n += 1;
        }
      }
      return sum / n;
    };
    const { textureless: _textureless, ...without } = FLOW_PRESETS.accurate;
    const filled = await new VariationalFlowModel(sessions, tempDir(), FLOW_PRESETS.accurate).estimate(frame1, frame2);
    const plain = await new VariationalFlowModel(sessions, tempDir(), without).estimate(frame1, frame2);
    const [withFill, withoutFill] = [flatError(filled.data), flatError(plain.data)];
    expect(withFill, `flat region: ${withFill.toFixed(3)} px with the fill, ${withoutFill.toFixed(3)} without`).toBeLessThan(0.5 * withoutFill);
  });
});
