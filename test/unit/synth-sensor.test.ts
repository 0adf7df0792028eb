import { describe, expect, it } from 'vitest';
import { quantizeFrame, roundByte } from '../../src/main/analysis/synth/sensor';
import { uniform } from '../../src/main/analysis/synth/random';

const reference = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

describe('sensor: rounding frames to bytes', () => {
  it('roundByte is Math.round clamped to 0–255 on ties, near-ties and out-of-range values', () => {
    const below = (x: number): number => x - 2 ** -52 * Math.max(1, Math.abs(x));
    const tricky = [0.49999999999999994, 0.5, -0.5, -0.49999999999999994, 1.5, 2.5, 127.5, 254.5, 255.5, 255.49999999999997, 1e-300, -1e-300, -0, 0, 300, -7, Infinity, -Infinity];
    for (let n = 0; n <= 256; n += 1) tricky.push(n - 0.5, below(n - 0.5), n + 0.5, below(n + 0.5), n);
    for (const v of tricky) expect(roundByte(v), `v = ${v}`).toBe(reference(v));
    // A byte store of NaN gives 0, as the clamped Math.round's NaN does.
    expect(roundByte(Number.NaN)).toBe(0);
  });

  it('roundByte agrees with Math.round on a million seeded values across and beyond the byte range', () => {
    const rand = uniform(11);
    let differing = 0;
    for (let i = 0; i < 1_000_000; i += 1) {
      const v = (rand() - 0.05) * 280;
      if (roundByte(v) !== reference(v)) differing += 1;
    }
    expect(differing).toBe(0);
  });

  it('quantizeFrame adds bank noise from the shift, fresh noise in pixel order, or none', () => {
    const rgb = Float32Array.from([0.2, 10.4, 254.8, 100.5, 3, 200]);
    const plane = Float32Array.from([9, 9, 9, 1, -1, 2, 0.5, -3, 4]);
    const out = new Uint8Array(6);
    quantizeFrame(rgb, 2, null, { kind: 'bank', level: 0.5, plane, shift: 3 }, out);
    expect([...out]).toEqual([1, 10, 255, 101, 2, 202]);
    const draws = [1, -2, 0.25, 0, 4, -1];
    let k = 0;
    quantizeFrame(rgb, 2, null, { kind: 'fresh', level: 2, normal: () => draws[k++] as number }, out);
    expect([...out]).toEqual([2, 6, 255, 101, 11, 198]);
    quantizeFrame(rgb, 2, null, { kind: 'none' }, out);
    expect([...out]).toEqual([0, 10, 255, 101, 3, 200]);
  });

  it('quantizeFrame lights row by row, per channel, capped at 255 before the noise', () => {
    // Two rows of one pixel: row gains 1.1 and 0.5, channel gains 1, 2, 0.5.
    const rgb = Float32Array.from([100, 100, 100, 200, 200, 200]);
    const out = new Uint8Array(6);
    quantizeFrame(rgb, 1, { rows: Float32Array.from([1.1, 0.5]), gain: [1, 2, 0.5] }, { kind: 'bank', level: 1, plane: Float32Array.from([0, 0, 0, 0, 0, 10]), shift: 0 }, out);
    // 110, 220, 55 | 100, 200, 50 + 10: the cap applies to the light (220 < 255), the noise may still clamp.
    expect([...out]).toEqual([110, 220, 55, 100, 200, 60]);
    const bright = Float32Array.from([200, 200, 200]);
    quantizeFrame(bright, 1, { rows: Float32Array.from([1]), gain: [1.5, 1, 1] }, { kind: 'bank', level: 1, plane: Float32Array.from([-10, 0, 0]), shift: 0 }, out.subarray(0, 3));
    // 300 is capped at 255 by the light, then the noise takes 10 off: 245, not 255.
    expect([...out.subarray(0, 3)]).toEqual([245, 200, 200]);
  });
});
