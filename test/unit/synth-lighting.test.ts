import { describe, expect, it } from 'vitest';
import { applyLighting, frameLighting, hasLighting } from '../../src/main/analysis/synth/lighting';
import type { RgbImage } from '../../src/main/media/image';

const W = 40;
const H = 120;
const grey = (level: number): RgbImage => ({ width: W, height: H, channels: 3, data: new Uint8Array(W * H * 3).fill(level) });
const rowMean = (image: RgbImage, y: number, c = 1): number => {
  let sum = 0;
  for (let x = 0; x < W; x += 1) sum += image.data[(y * W + x) * 3 + c] as number;
  return sum / W;
};

describe('lighting: a pure per-frame intensity transform', () => {
  it('draws 100 Hz bands whose phase rolls by 100/30 of a cycle per frame at 30 fps', () => {
    const o = { mains: 50 as const, banding: 0.1, rowTime: 1 / 30 / H };
    const rows0 = frameLighting(o, 0, 30, H).rows;
    const rows1 = frameLighting(o, 1, 30, H).rows;
    // Row y of frame t sees the lamp at t/30 + y/(30·H) s: frame 1 row 0 is a third of a 100 Hz cycle on.
    const expected = (t: number, y: number) => 1 + 0.1 * Math.cos(2 * Math.PI * 100 * (t / 30 + y / (30 * H)));
    for (const y of [0, 17, 60, 119]) {
      expect(rows0[y]).toBeCloseTo(expected(0, y), 5);
      expect(rows1[y]).toBeCloseTo(expected(1, y), 5);
    }
    // The frame spans 100/30 cycles: 3 bright bands and a bit.
    const peaks = Array.from(rows0).filter((v, y, a) => y > 0 && y < H - 1 && v > (a[y - 1] as number) && v >= (a[y + 1] as number)).length;
    expect(peaks).toBe(3);
    expect(Math.max(...Array.from(rows0)) - Math.min(...Array.from(rows0))).toBeGreaterThan(0.19);
  });

  it('global flicker scales every row alike; 60 Hz mains pulses at 120 Hz', () => {
    const o = { mains: 60 as const, flicker: 0.05 };
    const rows = frameLighting(o, 1, 200, H).rows;
    expect(Math.max(...Array.from(rows)) - Math.min(...Array.from(rows))).toBeLessThan(1e-6);
    expect(rows[0]).toBeCloseTo(1 + 0.05 * Math.cos(2 * Math.PI * 120 * (1 / 200)), 6);
  });

  it('exposure and white balance drift slowly: red and blue move apart, the input stays as it was', () => {
    const o = { exposureDrift: 0.1, whiteBalanceDrift: 0.05, driftPeriod: 4 };
    const image = grey(100);
    const later = applyLighting(image, o, 30, 30); // 1 s in: a quarter of the exposure cycle
    const { gain } = frameLighting(o, 30, 30, H);
    expect(gain[1]).toBeCloseTo(1.1, 6);
    expect(rowMean(later, 5, 1)).toBe(Math.round(100 * gain[1]));
    expect(rowMean(later, 5, 0)).toBe(Math.round(100 * gain[0]));
    expect(rowMean(later, 5, 2)).toBe(Math.round(100 * gain[2]));
    expect(gain[0]).not.toBeCloseTo(gain[2], 3);
    expect(image.data.every((v) => v === 100)).toBe(true);
    // Frame to frame the drift is small (slow, unlike flicker).
    const next = frameLighting(o, 31, 30, H).gain[1];
    expect(Math.abs(next - gain[1])).toBeLessThan(0.01);
  });

  it('is the identity without lighting and clamps to 8 bits', () => {
    const image = grey(250);
    expect(hasLighting({})).toBe(false);
    expect(Array.from(applyLighting(image, {}, 3, 30).data)).toEqual(Array.from(image.data));
    expect(applyLighting(image, { exposureDrift: 0.5, driftPeriod: 4 }, 30, 30).data.every((v) => v === 255)).toBe(true);
  });

  it('refuses depths outside 0–0.5, other mains and a bad frame rate', () => {
    expect(() => frameLighting({ banding: 0.8 }, 0, 30, H)).toThrow(/banding must be 0–0.5/);
    expect(() => frameLighting({ mains: 55 as 50 }, 0, 30, H)).toThrow(/50 or 60 Hz/);
    expect(() => frameLighting({ flicker: Number.NaN }, 0, 30, H)).toThrow(/flicker/);
    expect(() => frameLighting({}, 0, 0, H)).toThrow(/fps > 0/);
  });
});
