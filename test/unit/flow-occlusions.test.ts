import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { extrapolateBorders, leavingFrame } from '../../src/main/inference/flow/border-extrapolation';
import { renderLayeredPair, type LayeredPair, type LayeredScene, type Texture } from '../../src/main/inference/flow/layered-pairs';
import { dilate, fillOccludedGeodesic } from '../../src/main/inference/flow/occlusion-fill';
import { OcclusionScratch, coveredPixels, handleOcclusions, warpedResidual } from '../../src/main/inference/flow/occlusions';
import type { FlowField } from '../../src/main/inference/flow/types';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const sessions = new SessionCache({ intraOpThreads: 1 });
afterAll(() => sessions.dispose());

const invalid = expect.objectContaining({ code: 'INVALID_INPUT' });

describe('border extrapolation', () => {
  // A zoom about the centre: the flow grows linearly towards the border, so pixels near
  // the border leave the frame.
  const [w, h] = [64, 48];
  const zoom = (x: number, y: number): [number, number] => [0.1 * (x - 31.5), 0.1 * (y - 23.5)];
  const field = () => {
    const flow = new Float32Array(2 * w * h);
    for (let i = 0; i < w * h; i += 1) [flow[i], flow[w * h + i]] = zoom(i % w, Math.floor(i / w));
    return flow;
  };

  it('recovers an affine field on the pixels leaving the frame and leaves the others untouched', () => {
    const truth = field();
    const leaving = leavingFrame(truth, w, h);
    const count = leaving.reduce((s, v) => s + v, 0);
    expect(count).toBeGreaterThan(200);
    // What the smoothness term leaves there: the motion of the last visible pixel, grown by
    // half so that the pixel still leaves the frame.
    const damaged = Float32Array.from(truth, (v, i) => (leaving[i % (w * h)] ? v * 1.5 : v));
    const repaired = extrapolateBorders(damaged, w, h, { tile: 16, reach: 16, step: 1, rounds: 2, scale: 1 });
    let worst = 0;
    for (let i = 0; i < 2 * w * h; i += 1) {
      if (leaving[i % (w * h)]) worst = Math.max(worst, Math.abs((repaired[i] as number) - (truth[i] as number)));
      else expect(repaired[i]).toBe(damaged[i]);
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('gives in place what it gives on a copy, and leaves its input alone otherwise', () => {
    const leaving = leavingFrame(field(), w, h);
    const damaged = Float32Array.from(field(), (v, i) => (leaving[i % (w * h)] ? v * 1.5 : v));
    const options = { tile: 16, reach: 16, step: 1, rounds: 2, scale: 1 };
    const input = damaged.slice();
    const copied = extrapolateBorders(input, w, h, options);
    expect(Array.from(input)).toEqual(Array.from(damaged));
    const inPlace = extrapolateBorders(input, w, h, options, true);
    expect(inPlace).toBe(input);
    expect(Array.from(inPlace)).toEqual(Array.from(copied));
  });

  it('refuses unbounded options with a typed error', () => {
    const flow = field();
    expect(() => extrapolateBorders(flow, w, h, { tile: 2, reach: 16, step: 1, rounds: 2, scale: 1 })).toThrow(invalid);
    expect(() => extrapolateBorders(flow, w, h, { tile: 16, reach: 999, step: 1, rounds: 2, scale: 1 })).toThrow(invalid);
    expect(() => extrapolateBorders(flow, w, h, { tile: 16, reach: 16, step: 1, rounds: 2, scale: 0 })).toThrow(invalid);
    expect(() => extrapolateBorders(flow.subarray(1), w, h, { tile: 16, reach: 16, step: 1, rounds: 2, scale: 1 })).toThrow(invalid);
  });
});

describe('the cover test and the edge-aware fill', () => {
  it('marks the pixel that matches worse where two pixels land on one', () => {
    // 4×1 frame: pixels 0, 1 and 2 land on pixel 2; 1 matches exactly, 0 does not, 2 is
    // within the threshold; pixel 3 matches badly but nothing else lands where it does.
    const flow = Float32Array.of(2, 1, 0, 0, 0, 0, 0, 0);
    const residual = Float32Array.of(0.2, 0, 0.005, 0.3);
    expect(Array.from(coveredPixels(residual, flow, 4, 1, { threshold: 0.01, ratio: 1.5 }))).toEqual([1, 0, 0, 0]);
    // Below the threshold nothing is covered, whatever else lands there.
    expect(Array.from(coveredPixels(residual, flow, 4, 1, { threshold: 0.25, ratio: 1.5 }))).toEqual([0, 0, 0, 0]);
    expect(() => coveredPixels(residual, flow, 4, 1, { threshold: 0.01, ratio: 0.5 })).toThrow(invalid);
  });

  it('fills along the image rather than across an edge, and keeps visible pixels', () => {
    // 8×1: left part (intensity 0.2, flow 1) | edge | right part (intensity 0.8, flow 5).
    // Pixels 2–4 are occluded (flow 9); pixel 2 is next to the left part but looks like the right.
    const frame = Float32Array.of(0.2, 0.2, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8);
    const flow = Float32Array.of(1, 1, 9, 9, 9, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0);
    const occluded = Uint8Array.of(0, 0, 1, 1, 1, 0, 0, 0);
    const alongImage = fillOccludedGeodesic(flow, occluded, frame, 8, 1, { edge: 100, passes: 2 });
    expect(Array.from(alongImage.subarray(0, 8))).toEqual([1, 1, 5, 5, 5, 5, 5, 5]);
    // Without the edge cost the nearest visible pixel wins.
    const nearest = fillOccludedGeodesic(flow, occluded, frame, 8, 1, { edge: 0, passes: 2 });
    expect(Array.from(nearest.subarray(0, 8))).toEqual([1, 1, 1, 1, 5, 5, 5, 5]);
    expect(() => fillOccludedGeodesic(flow, occluded, frame, 8, 1, { edge: -1, passes: 2 })).toThrow(invalid);
    expect(Array.from(dilate(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0), 8, 1, 2))).toEqual([0, 1, 1, 1, 1, 1, 0, 0]);
    expect(() => dilate(occluded, 8, 1, 99)).toThrow(invalid);
  });

  it('fills in place what it fills on a copy, and grows masks as the definition does up to the frame edges', () => {
    const next = (() => {
      let state = 5;
      return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    })();
    const [w, h] = [23, 17];
    const frame = Float32Array.from({ length: w * h }, next);
    const flow = Float32Array.from({ length: 2 * w * h }, () => next() * 4);
    const occluded = Uint8Array.from({ length: w * h }, () => (next() < 0.2 ? 1 : 0));
    const copied = fillOccludedGeodesic(flow, occluded, frame, w, h, { edge: 100, passes: 2 });
    const input = flow.slice();
    const inPlace = fillOccludedGeodesic(input, occluded, frame, w, h, { edge: 100, passes: 2 }, true);
    expect(inPlace).toBe(input);
    expect(Array.from(inPlace)).toEqual(Array.from(copied));
    for (const radius of [1, 2, 5]) {
      const mask = Uint8Array.from({ length: w * h }, () => (next() < 0.03 ? 1 : 0));
      mask[0] = 1;
      mask[w * h - 1] = 1;
      const grown = (i: number) => {
        const [x, y] = [i % w, Math.floor(i / w)];
        for (let yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius); yy += 1) {
          for (let xx = Math.max(0, x - radius); xx <= Math.min(w - 1, x + radius); xx += 1) if (mask[yy * w + xx]) return 1;
        }
        return 0;
      };
      expect(Array.from(dilate(mask, w, h, radius))).toEqual(Array.from({ length: w * h }, (_, i) => grown(i)));
    }
  });

  it('computes the warped residual and refuses mismatched sizes', () => {
    const frame1 = Float32Array.of(0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5);
    // frame2 = frame1 shifted right by one pixel (per row): a flow of +1 matches exactly.
    const frame2 = Float32Array.of(0.5, 0, 0.5, 1, 0.5, 0, 0.5, 1);
    const flow = Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    const residual = warpedResidual(frame1, frame2, flow, 4, 2);
    // Columns 0–2 match; column 3 leaves the frame (0); the 3×3 mean spreads nothing else.
    expect(Array.from(residual)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => warpedResidual(frame1, frame2.subarray(1), flow, 4, 2)).toThrow(invalid);
    expect(() => handleOcclusions(frame1, flow, 4, 2, {}, 0, 0)).toThrow(invalid);
  });
});

// A real-photo layered scene with exact truth (layered-pairs.ts): the background zooms by
// 6 % and shifts (2, 1) px, a 50×45 px elliptic layer of another photo moves (20, 4) px.
// Background pixels ahead of the layer are covered in frame 2; pixels near the border
// leave the frame.
const [W, H, MARGIN] = [320, 240, 40];
let pair: LayeredPair;
beforeAll(async () => {
  const texture = async (name: string): Promise<Texture> => {
    const path = join(packageDir('@vladmandic/face-api') as string, 'demo', name);
    const { data } = await sharp(path).resize(W + 2 * MARGIN, H + 2 * MARGIN, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
    return { width: W + 2 * MARGIN, height: H + 2 * MARGIN, data: Float32Array.from(data) };
  };
  const still = { amplitude: 0, wavelength: 100, phase: 0 };
  const scene: LayeredScene = {
    width: W,
    height: H,
    margin: MARGIN,
    background: { texture: 0, motion: { linear: [1.06, 0, 0, 1.06], translation: [2, 1], wave: still } },
    foreground: [{ shape: { cx: 130, cy: 120, rx: 50, ry: 45, angle: 0 }, texture: 1, motion: { linear: [1, 0, 0, 1], translation: [20, 4], wave: still } }],
    photometric: { gain: 1, offset: 0, ramp: 0, noise: 0, seed: 1 },
  };
  pair = renderLayeredPair(scene, [await texture('sample1.jpg'), await texture('sample4.jpg')]);
});

/** Mean EPE over visible, covered and leaving pixels (by the truth). */
function errors(flow: FlowField): { visible: number; covered: number; leaving: number } {
  const plane = W * H;
  const sums = [0, 0, 0];
  const counts = [0, 0, 0];
  for (let i = 0; i < plane; i += 1) {
    const [tu, tv] = [pair.truth.data[i] as number, pair.truth.data[plane + i] as number];
    const [x, y] = [(i % W) + tu, Math.floor(i / W) + tv];
    const kind = !pair.occluded[i] ? 0 : x < 0 || y < 0 || x > W - 1 || y > H - 1 ? 2 : 1;
    sums[kind]! += Math.hypot((flow.data[i] as number) - tu, (flow.data[plane + i] as number) - tv);
    counts[kind]! += 1;
  }
  return { visible: sums[0]! / counts[0]!, covered: sums[1]! / counts[1]!, leaving: sums[2]! / counts[2]! };
}

describe('occlusion handling in the variational flow (real ONNX Runtime sessions)', () => {
  for (const preset of ['fast', 'accurate'] as const) {
    it(`${preset}: the background's flow comes back where it is covered or leaves the frame (measured: covered 4.68 vs 11.7 px fast, 4.80 vs 12.6 accurate; leaving 0.30 vs 0.77, 0.43 vs 0.85)`, async () => {
      const image = (data: Uint8Array) => ({ width: W, height: H, channels: 1 as const, data });
      const { occlusions, ...without } = FLOW_PRESETS[preset];
      expect(occlusions).toBeDefined();
      const handled = errors(await new VariationalFlowModel(sessions, tempDir(), preset).estimate(image(pair.frame1), image(pair.frame2)));
      const plain = errors(await new VariationalFlowModel(sessions, tempDir(), without).estimate(image(pair.frame1), image(pair.frame2)));
      const report = `${preset}: with ${JSON.stringify(handled)}, without ${JSON.stringify(plain)}`;
      // Without it the covered band takes the layer's motion (≈ 20 px off); the leaving
      // pixels keep the edge's motion where the zoom keeps growing.
      expect(plain.covered, report).toBeGreaterThan(9);
      expect(handled.covered, report).toBeLessThan(0.85 * plain.covered);
      expect(handled.leaving, report).toBeLessThan(0.7 * plain.leaving);
      expect(handled.visible, report).toBeLessThan(plain.visible + 0.02);
    });
  }
});

describe('occlusion handling with its working planes kept from call to call', () => {
  it('gives in place with a scratch reused across sizes what it gives on a copy without one', () => {
    // The truth moved off by a smooth error: covered pixels and pixels leaving the frame both
    // occur, so the cover test, the dilation, the fill and the border extrapolation all write.
    const crop = (w: number, h: number) => {
      const frames = new Float32Array(2 * w * h);
      const flow = new Float32Array(2 * w * h);
      for (let y = 0; y < h; y += 1) {
        for (let x = 0; x < w; x += 1) {
          const [i, j] = [y * w + x, y * W + x];
          frames[i] = (pair.frame1[j] as number) / 255;
          frames[w * h + i] = (pair.frame2[j] as number) / 255;
          flow[i] = (pair.truth.data[j] as number) + Math.sin(x / 9);
          flow[w * h + i] = (pair.truth.data[W * H + j] as number) + Math.cos(y / 7);
        }
      }
      return { frames, flow };
    };
    const { occlusions } = FLOW_PRESETS.fast;
    const options = { border: { ...occlusions?.border, level: 0 }, cover: { ...occlusions?.cover, level: 0 } } as typeof occlusions & object;
    const scratch = new OcclusionScratch();
    // Larger, smaller, then the larger again: a plane left over from another size or a slot
    // shared by two steps would change the result.
    for (const [w, h] of [[W, H], [200, 150], [W, H]] as const) {
      const { frames, flow } = crop(w, h);
      const expected = handleOcclusions(frames, flow, w, h, options, 0, 0);
      expect(expected.some((v, i) => v !== flow[i])).toBe(true);
      const own = flow.slice();
      const result = handleOcclusions(frames, own, w, h, options, 0, 0, true, scratch);
      expect(result).toBe(own);
      expect(Array.from(result)).toEqual(Array.from(expected));
    }
  });
});

describe('covered pixels handled on several levels', () => {
  it('runs the cover test and fill on each listed level and on no other', () => {
    // The truth moved off by a smooth error, as above, so that the cover test finds pixels.
    const plane = W * H;
    const frames = new Float32Array(2 * plane);
    const flow = new Float32Array(2 * plane);
    for (let i = 0; i < plane; i += 1) {
      frames[i] = (pair.frame1[i] as number) / 255;
      frames[plane + i] = (pair.frame2[i] as number) / 255;
      flow[i] = (pair.truth.data[i] as number) + Math.sin((i % W) / 9);
      flow[plane + i] = (pair.truth.data[plane + i] as number) + Math.cos(Math.floor(i / W) / 7);
    }
    const { cover } = FLOW_PRESETS.fast.occlusions ?? {};
    if (!cover) throw new Error('fast handles covered pixels');
    const onLevel = (level: number) => handleOcclusions(frames, flow, W, H, { cover: { ...cover, level } }, level, 0);
    const listed = (level: number) => handleOcclusions(frames, flow, W, H, { cover: { ...cover, level: [2, 1] } }, level, 0);
    for (const level of [2, 1]) {
      const expected = onLevel(level);
      expect(expected.some((v, i) => v !== flow[i]), `level ${level} fills something`).toBe(true);
      expect(Array.from(listed(level))).toEqual(Array.from(expected));
    }
    for (const level of [3, 0]) expect(Array.from(listed(level))).toEqual(Array.from(flow));
    // A listed level finer than the finest solved one runs on the finest, once.
    const clamped = handleOcclusions(frames, flow, W, H, { cover: { ...cover, level: [2, 1] } }, 2, 2);
    expect(Array.from(clamped)).toEqual(Array.from(onLevel(2)));
  });
});
