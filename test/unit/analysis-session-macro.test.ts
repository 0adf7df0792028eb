import { describe, expect, it } from 'vitest';
import { ROI_NAMES } from '@shared/rois';
import { runningMean, sustainedIntervals, withSustained, type SustainedInterval } from '../../src/main/analysis/session-macro';
import { channelDeviations, mostDeviant } from '../../src/main/analysis/session-rule';
import { classifyInterval } from '../../src/main/analysis/spotting';
import { evaluateSpotting } from '../../src/main/corpus/evaluate/metrics';
import { gaussian } from '../../src/main/analysis/synth/random';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';

/**
 * The session rule's macro path: motion sustained over several lags. Per ROI, |D(t) − D(t − lag)|
 * plus jitter (the lips and chin several times the rest), read with no absolute floor, as in a
 * recording whose ROIs all jitter above it.
 */
interface Bump {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly amplitude: number;
  readonly rois: readonly string[];
}

const FPS = 30;
const LAG = 6;
const FRAMES = 60 * FPS;
const FLOOR = 1e-4;
const faceRois = ROI_NAMES.filter((n) => !n.includes('Upper Eyelid'));
const mouth = faceRois.filter((n) => /Lip|Chin|Mouth/.test(n));
const brows = faceRois.filter((n) => n.includes('Eyebrow'));

function channels(bumps: readonly Bump[], seed: number): Float32Array[] {
  const rand = gaussian(seed);
  return faceRois.map((roi) => {
    const noise = mouth.includes(roi) ? 0.12 : 0.03;
    const d = (t: number): number => bumps.reduce((sum, b) => sum + (b.rois.includes(roi) ? b.amplitude * expressionProfile(t, b.onset, b.apex, b.offset) : 0), 0);
    const values = new Float32Array(FRAMES);
    for (let t = LAG; t < FRAMES; t += 1) values[t] = Math.abs(d(t) - d(t - LAG) + noise * rand());
    return values;
  });
}

function read(bumps: readonly Bump[], seed: number): { sustained: SustainedInterval[]; laggedPeak: (from: number, to: number) => number } {
  const c = channels(bumps, seed);
  const busy = new Uint8Array(FRAMES);
  const lagged = channelDeviations(c, LAG, FPS, busy, FLOOR);
  const face = mostDeviant(lagged, FRAMES);
  return { sustained: sustainedIntervals(c, lagged, LAG, FPS, busy, FLOOR), laggedPeak: (from, to) => Math.max(...face.subarray(from, to + 1)) };
}

/** The macro-length sustained intervals around frame 900 (iid jitter read with no floor at all also makes a few weak ones elsewhere). */
const macroOnly = (ivs: readonly SustainedInterval[]): SustainedInterval[] =>
  ivs.filter((iv) => iv.offset >= 800 && iv.onset <= 1100 && classifyInterval({ ...iv, offsetUnclear: false }, FPS).kind === 'macro');

describe('the sustained-motion path of a session', () => {
  // A 1.5-s brow raise that falls twice as slowly as it rose: its lagged signal holds the rise
  // strongly and the fall at half that, which a run of the lagged signal ends early; the brows'
  // mean over several lags holds both, and the interval is the raise's whole course.
  const slow: Bump = { onset: 900, apex: 915, offset: 945, amplitude: 0.3, rois: brows };
  it.each([1, 2, 3, 4, 5, 6])('reads a slow macro-expression over its rise and fall (seed %i)', (seed) => {
    const found = macroOnly(read([slow], seed).sustained);
    expect(found).toHaveLength(1);
    expect(evaluateSpotting(found, [slow]).truePositives).toBe(1);
    expect(found[0]?.offset).toBeGreaterThan(slow.apex + 10);
  });

  // A 400-ms brow raise: its mean over several lags spans the window, but its own course is
  // no longer than a micro-expression's, so the path offers nothing there (the lagged rule's).
  it.each([1, 2, 3, 4, 5, 6])('offers no macro-expression for a micro-expression (seed %i)', (seed) => {
    const micro: Bump = { onset: 900, apex: 905, offset: 912, amplitude: 0.45, rois: brows };
    const { sustained, laggedPeak } = read([micro], seed);
    expect(laggedPeak(micro.onset, micro.offset + LAG)).toBeGreaterThan(6);
    expect(macroOnly(sustained)).toEqual([]);
    expect(sustained.some((iv) => iv.onset <= micro.offset && micro.onset <= iv.offset)).toBe(true);
  });

  it('the running mean matches a window summed frame by frame, the recording ends included', () => {
    const rand = gaussian(8);
    const values = Float32Array.from({ length: 41 }, () => rand());
    for (const width of [1, 2, 5, 21, 41, 60]) {
      const w = Math.min(values.length, width);
      const half = Math.floor(w / 2);
      const mean = runningMean(values, width);
      values.forEach((_, t) => {
        const window = Array.from(values.subarray(Math.max(0, t - half), Math.min(values.length, t - half + w)));
        expect(mean[t]).toBeCloseTo(window.reduce((a, b) => a + b, 0) / window.length, 5);
      });
    }
    expect(Array.from(runningMean(new Float32Array(0), 3))).toEqual([]);
  });
});

describe('the sustained intervals joined with the lagged ones', () => {
  const iv = (onset: number, offset: number, kind: 'micro' | 'macro') => ({ onset, offset, kind });
  const macro = (s: SustainedInterval) => iv(s.onset, s.offset, 'macro');
  const s = (onset: number, offset: number): SustainedInterval => ({ onset, apex: onset + 5, offset, strength: 1.5 });
  it('replaces the rise or fall read alone as a micro-expression, and a shorter macro-expression', () => {
    expect(withSustained([iv(100, 110, 'micro'), iv(300, 320, 'macro')], [s(98, 160), s(290, 360)], macro)).toEqual([iv(98, 160, 'macro'), iv(290, 360, 'macro')]);
  });
  it('joins where nothing was read, and leaves a macro-expression as long or longer', () => {
    expect(withSustained([iv(300, 380, 'macro')], [s(100, 160), s(290, 360)], macro)).toEqual([iv(100, 160, 'macro'), iv(300, 380, 'macro')]);
  });
  it('leaves everything when the sustained interval is no macro-expression', () => {
    expect(withSustained([iv(100, 110, 'micro')], [s(98, 112)], () => null)).toEqual([iv(100, 110, 'micro')]);
  });
});
