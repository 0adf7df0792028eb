import { describe, expect, it } from 'vitest';
import { ROI_NAMES } from '@shared/rois';
import { proposeClipInterval, spot, type MotionSignal } from '../../src/main/analysis/spotting';
import { evaluateSpotting } from '../../src/main/corpus/evaluate/metrics';
import { gaussian } from '../../src/main/analysis/synth/random';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';

interface Event {
  onset: number;
  apex: number;
  offset: number;
  amplitude: number;
  rois: readonly string[];
}

/**
 * The signal the spotter expects: per ROI, |D(t) − D(t − lag)| where D is the ROI's
 * displacement from neutral, plus head drift/motion common to all ROIs and noise.
 */
function makeSignal(frames: number, lag: number, events: readonly Event[], opts: { noise?: number; drift?: number; head?: Event[]; seed?: number } = {}): MotionSignal {
  const rand = gaussian(opts.seed ?? 7);
  const displacement = (roi: string, t: number): number => {
    let d = (opts.drift ?? 0) * t;
    for (const e of events) if (e.rois.includes(roi)) d += e.amplitude * expressionProfile(t, e.onset, e.apex, e.offset);
    for (const h of opts.head ?? []) d += h.amplitude * expressionProfile(t, h.onset, h.apex, h.offset);
    return d;
  };
  const channels: Record<string, Float32Array> = {};
  for (const roi of ROI_NAMES) {
    const values = new Float32Array(frames);
    for (let t = lag; t < frames; t += 1) values[t] = Math.abs(displacement(roi, t) - displacement(roi, t - lag) + (opts.noise ?? 0.01) * rand());
    channels[roi] = values;
  }
  return { lag, channels };
}

const brows = ['Left Inner Eyebrow', 'Right Inner Eyebrow', 'Left Outer Eyebrow', 'Right Outer Eyebrow'];
const smile = ['Left Mouth Corner', 'Right Mouth Corner', 'Left Cheek', 'Right Cheek', 'Upper Lip Left', 'Upper Lip Right'];
const upperLids = ROI_NAMES.filter((n) => n.includes('Upper Eyelid'));

describe('spot', () => {
  const clipCases = [
    { name: 'micro at 200 fps, lag 60', fps: 200, lag: 60, event: { onset: 100, apex: 140, offset: 190, amplitude: 0.6, rois: brows }, kind: 'micro' },
    { name: 'micro at 200 fps, lag shorter than the ME', fps: 200, lag: 30, event: { onset: 80, apex: 110, offset: 170, amplitude: 0.5, rois: smile }, kind: 'micro' },
    { name: 'macro at 30 fps', fps: 30, lag: 15, event: { onset: 40, apex: 55, offset: 90, amplitude: 1.5, rois: smile }, kind: 'macro' },
  ] as const;
  it.each(clipCases)('$name: onset/apex/offset close to the truth', ({ fps, lag, event, kind }) => {
    const result = spot(makeSignal(event.offset + 3 * lag + 40, lag, [event]), fps);
    expect(result.intervals).toHaveLength(1);
    const [iv] = result.intervals;
    expect(iv?.kind).toBe(kind);
    expect(Math.abs((iv?.onset ?? -99) - event.onset)).toBeLessThanOrEqual(Math.ceil(0.3 * (event.apex - event.onset)));
    expect(Math.abs((iv?.apex ?? -99) - event.apex)).toBeLessThanOrEqual(3);
    expect(Math.abs((iv?.offset ?? -99) - event.offset)).toBeLessThanOrEqual(Math.ceil(0.3 * (event.offset - event.apex)));
    expect(evaluateSpotting(result.intervals, [event]).f1).toBe(1);
  });

  it('finds several MEs in a long video with slow head drift and noise, and sets blinks apart', () => {
    const fps = 100;
    const lag = 30;
    const mes: Event[] = [
      { onset: 200, apex: 220, offset: 245, amplitude: 0.5, rois: brows },
      { onset: 900, apex: 925, offset: 960, amplitude: 0.4, rois: smile },
      { onset: 1500, apex: 1525, offset: 1640, amplitude: 1, rois: smile },
    ];
    const blinks: Event[] = [
      { onset: 500, apex: 510, offset: 520, amplitude: 3, rois: upperLids },
      { onset: 1200, apex: 1208, offset: 1218, amplitude: 3, rois: upperLids },
      { onset: 1200, apex: 1208, offset: 1218, amplitude: 0.3, rois: ['Left Inner Eyebrow', 'Left Lower Eyelid Center'] },
    ];
    const signal = makeSignal(2000, lag, [...mes, ...blinks], { noise: 0.015, drift: 0.002, seed: 3 });
    const result = spot(signal, fps);
    const score = evaluateSpotting(result.intervals, mes);
    expect(score).toMatchObject({ truePositives: 3, falsePositives: 0, falseNegatives: 0, f1: 1 });
    expect(score.meanApexError).toBeLessThanOrEqual(3);
    expect(result.intervals.map((iv) => iv.kind)).toEqual(['micro', 'micro', 'macro']);
    expect(result.blinks.map((b) => b.apex)).toEqual([expect.closeTo(510, 0), expect.closeTo(1208, 0)]);
  });

  // A rise longer than the lag and a quick fall: a lag after the apex the reference frame
  // holds the whole expression and the current frame is neutral, so the echo peaks higher
  // than the expression did (its reference had already moved). Read there, the apex sits a
  // lag late and the offset, bounded by the rise, stretches a micro-expression into a macro.
  const slowRise = [
    { fps: 30, lag: 6, event: { onset: 60, apex: 68, offset: 74, amplitude: 0.5, rois: brows } },
    { fps: 200, lag: 40, event: { onset: 120, apex: 174, offset: 210, amplitude: 0.5, rois: brows } },
  ] as const;
  it.each(slowRise.flatMap((c) => [1, 2, 3].map((seed) => ({ ...c, seed }))))('a micro-expression whose echo outgrows it keeps its apex and its class ($fps fps, seed $seed)', ({ fps, lag, event, seed }) => {
    const result = spot(makeSignal(event.offset + 3 * lag + 30, lag, [event], { seed }), fps);
    expect(result.intervals).toHaveLength(1);
    const [iv] = result.intervals;
    expect(iv?.kind).toBe('micro');
    expect(iv?.apex).toBeLessThanOrEqual(event.apex + 1);
    expect(Math.abs((iv?.offset ?? -99) - event.offset)).toBeLessThanOrEqual(Math.ceil(0.3 * (event.offset - event.apex)));
  });

  it('keeps an ME that coincides with a blink', () => {
    const me: Event = { onset: 100, apex: 115, offset: 135, amplitude: 0.8, rois: brows };
    const blink: Event = { onset: 105, apex: 112, offset: 120, amplitude: 3, rois: upperLids };
    const result = spot(makeSignal(300, 30, [me, blink]), 100);
    expect(evaluateSpotting(result.intervals, [me]).f1).toBe(1);
    expect(result.blinks).toHaveLength(1);
  });

  it('ignores rigid head motion that moves every ROI alike', () => {
    const head: Event[] = [{ onset: 100, apex: 130, offset: 160, amplitude: 2, rois: [] }];
    const result = spot(makeSignal(400, 30, [], { head, noise: 0.01 }), 100);
    expect(result.intervals).toEqual([]);
  });

  it('finds nothing in noise alone', () => {
    expect(spot(makeSignal(1000, 30, [], { noise: 0.02, seed: 11 }), 100).intervals).toEqual([]);
    expect(proposeClipInterval(makeSignal(300, 30, [], { noise: 0.02 }), 200)).toBeNull();
  });

  it('proposes the strongest interval of a short clip', () => {
    const weak: Event = { onset: 40, apex: 60, offset: 80, amplitude: 0.3, rois: ['Chin'] };
    const strong: Event = { onset: 150, apex: 180, offset: 210, amplitude: 1, rois: brows };
    const iv = proposeClipInterval(makeSignal(320, 30, [weak, strong]), 200);
    expect(Math.abs((iv?.apex ?? 0) - 180)).toBeLessThanOrEqual(3);
  });

  it('on request proposes the strongest bump below the threshold (a dataset clip holds one expression)', () => {
    // A chin twitch of 0.06 % stays under the 0.1 floor: nothing by default, a weak candidate on request.
    const faint: Event = { onset: 20, apex: 26, offset: 34, amplitude: 0.06, rois: ['Chin', 'Lower Lip Center'] };
    const signal = makeSignal(60, 6, [faint], { noise: 0.002 });
    expect(spot(signal, 30).intervals).toEqual([]);
    const [iv, ...rest] = spot(signal, 30, { atLeastOne: true }).intervals;
    expect(rest).toEqual([]);
    expect(iv?.strength).toBeLessThan(1);
    expect(evaluateSpotting(iv ? [iv] : [], [faint]).f1).toBe(1);
    // Above the threshold nothing changes.
    const clear = makeSignal(60, 6, [{ ...faint, amplitude: 0.6 }], { noise: 0.002 });
    expect(spot(clear, 30, { atLeastOne: true }).intervals).toEqual(spot(clear, 30).intervals);
  });

  it('rejects inconsistent input', () => {
    expect(() => spot({ lag: 0, channels: {} }, 30)).toThrow(/lag/);
    expect(() => spot({ lag: 3, channels: { a: new Float32Array(5), b: new Float32Array(6) } }, 30)).toThrow(/same length/);
  });
});
