import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { coarseMatch } from '../../src/main/inference/flow/coarse-match';
import type { FlowField } from '../../src/main/inference/flow/types';
import { VariationalFlowModel, optionsForSize } from '../../src/main/inference/flow/variational';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import type { GrayImage } from '../../src/main/media/image';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const sessions = new SessionCache({ intraOpThreads: 1 });
afterAll(() => sessions.dispose());

const W = 320;
const H = 240;
/** A real photo (MIT, shipped in @vladmandic/face-api), gray, W×H. */
async function photo(name: string): Promise<GrayImage> {
  const path = join(packageDir('@vladmandic/face-api') as string, 'demo', name);
  const { data, info } = await sharp(path).resize(W, H, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
}

// A disc of one photo (radius 40 px) moving by (36, 20) px over another photo that stays
// still: the large motion of a small layer, the case coarse-to-fine warping loses once the
// pyramid has blurred the disc into its background.
const MOTION = [36, 20] as const;
const CENTRE = [120, 100] as const;
const RADIUS = 40;
let frame1: GrayImage;
let frame2: GrayImage;
beforeAll(async () => {
  const [background, layer] = await Promise.all([photo('sample1.jpg'), photo('sample4.jpg')]);
  const disc = (cx: number, cy: number) => {
    const frame = { ...background, data: Uint8Array.from(background.data) };
    for (let y = 0; y < H; y += 1) {
      for (let x = 0; x < W; x += 1) {
        // The disc's texture travels with it: frame-2 pixel (x, y) shows layer pixel (x − m, y − m).
        const [lx, ly] = [x - (cx - CENTRE[0]), y - (cy - CENTRE[1])];
        if (Math.hypot(lx - CENTRE[0], ly - CENTRE[1]) <= RADIUS) frame.data[y * W + x] = layer.data[ly * W + lx] as number;
      }
    }
    return frame;
  };
  frame1 = disc(CENTRE[0], CENTRE[1]);
  frame2 = disc(CENTRE[0] + MOTION[0], CENTRE[1] + MOTION[1]);
});

/** Mean end-point error over the disc's interior (10 px in from its edge) against MOTION. */
function discError(flow: FlowField): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      if (Math.hypot(x - CENTRE[0], y - CENTRE[1]) > RADIUS - 10) continue;
      const i = y * W + x;
      sum += Math.hypot((flow.data[i] as number) - MOTION[0], (flow.data[W * H + i] as number) - MOTION[1]);
      n += 1;
    }
  }
  return sum / n;
}

describe('coarse block matching', () => {
  it('finds an integer shift of a textured plane and refines a sub-pixel one', () => {
    const [w, h] = [48, 40];
    // Smooth random-phase texture: exact values at any sub-pixel position.
    const texture = (x: number, y: number) => Math.sin(0.5 * x + 0.2 * y) + Math.cos(0.23 * x - 0.41 * y) + 0.7 * Math.sin(0.13 * x + 0.37 * y);
    const plane = (dx: number, dy: number) => Float32Array.from({ length: w * h }, (_, i) => texture((i % w) - dx, Math.floor(i / w) - dy));
    const options = { level: 0, radius: 6, half: 3, penalty: 0 };
    const integer = coarseMatch(plane(0, 0), plane(5, -3), w, h, options);
    const subPixel = coarseMatch(plane(0, 0), plane(2.4, 1.7), w, h, options);
    // Interior pixels: 8 px from the border, beyond the clamped reads of a 6 px search.
    let [sumX, sumY] = [0, 0];
    let n = 0;
    for (let y = 8; y < h - 8; y += 1) {
      for (let x = 8; x < w - 8; x += 1) {
        // The parabola through the neighbouring costs moves an exact match by up to about a tenth.
        expect(Math.abs((integer[y * w + x] as number) - 5)).toBeLessThan(0.15);
        expect(Math.abs((integer[w * h + y * w + x] as number) + 3)).toBeLessThan(0.15);
        // Never the wrong integer: within 0.6 of the truth.
        const [ex, ey] = [Math.abs((subPixel[y * w + x] as number) - 2.4), Math.abs((subPixel[w * h + y * w + x] as number) - 1.7)];
        expect(Math.max(ex, ey)).toBeLessThan(0.6);
        sumX += ex;
        sumY += ey;
        n += 1;
      }
    }
    // On average the parabola gets well below the rounding error of 0.4 and 0.3 (measured
    // 0.08 and 0.12: biased towards the integer, the "pixel locking" of block matching).
    expect(sumX / n).toBeLessThan(0.15);
    expect(sumY / n).toBeLessThan(0.18);
  });

  it('keeps zero motion on a flat image once displacement costs something', () => {
    const flat = new Float32Array(20 * 16).fill(0.5);
    const flow = coarseMatch(flat, flat, 20, 16, { level: 0, radius: 4, half: 1, penalty: 1e-4 });
    expect(flow.every((v) => v === 0)).toBe(true);
  });

  it('refuses options and sizes that would make an unbounded cost volume, with a typed error', () => {
    const frame = new Float32Array(16);
    expect(() => coarseMatch(frame, frame, 4, 4, { level: 0, radius: 0, half: 1, penalty: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => coarseMatch(frame, frame, 4, 4, { level: 0, radius: 99, half: 1, penalty: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => coarseMatch(frame, frame, 5, 4, { level: 0, radius: 2, half: 1, penalty: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => coarseMatch(frame, frame, 4, 4, { level: 0, radius: 2, half: 1, penalty: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('moves to a coarser level when its level is too big to match, and is left out of frames too small for it', () => {
    // Level 3 at scale 0.6: 139×104 pixels at 640×480, 415×233 at 1920×1080.
    const match = { level: 3, radius: 8, half: 2, penalty: 1e-4 };
    const options = { ...FLOW_PRESETS.accurate, match };
    expect(optionsForSize(options, 640, 480).match).toEqual(match);
    expect(optionsForSize(options, 1920, 1080).match?.level).toBe(4);
    expect(optionsForSize({ ...options, match: { ...match, level: 6 } }, 64, 48).match).toBeUndefined();
  });

  it('recovers a small layer moving 41 px that the preset without matching loses (real ONNX flow; measured 0.80 vs 34.7 px)', async () => {
    const withMatch = discError(await new VariationalFlowModel(sessions, tempDir(), 'accurate').estimate(frame1, frame2));
    const { match: _match, ...withoutMatchOptions } = FLOW_PRESETS.accurate;
    const withoutMatch = discError(await new VariationalFlowModel(sessions, tempDir(), withoutMatchOptions).estimate(frame1, frame2));
    expect(FLOW_PRESETS.accurate.match).toBeDefined();
    expect(withoutMatch, `without matching: ${withoutMatch.toFixed(2)} px`).toBeGreaterThan(5);
    expect(withMatch, `with matching: ${withMatch.toFixed(2)} px`).toBeLessThan(1.5);
  });
});
