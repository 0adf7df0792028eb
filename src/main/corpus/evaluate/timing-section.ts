import type { UnitCounts } from './bootstrap';
import type { SectionPlan } from './plan';
import type { ErrorHistogram, Estimate, EvaluationCase, QuantileFigure, TimingSection } from './types';

/** The histograms' reach in frames either side of 0 (bins of one frame; beyond, the end bins). */
export const HISTOGRAM_RANGE = 30;

/** Signed errors in frames binned one frame wide over ±`range` (rounded to a frame), outliers in the end bins; not-a-number skipped. */
export function errorHistogram(errors: readonly number[], range = HISTOGRAM_RANGE): ErrorHistogram {
  const counts = new Array<number>(2 * range + 1).fill(0);
  let below = 0;
  let above = 0;
  for (const error of errors) {
    if (Number.isNaN(error)) continue;
    const frames = Math.round(error);
    if (frames < -range) below += 1;
    else if (frames > range) above += 1;
    const bin = Math.min(Math.max(frames, -range), range) + range;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { from: -range, counts, below, above };
}

/** The numpy-style (linear) quantile of a histogram over ascending `values`. */
function histogramQuantile(counts: ArrayLike<number>, base: number, values: readonly number[], p: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i += 1) n += counts[base + i] as number;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const at = (rank: number): number => {
    let seen = 0;
    for (let i = 0; i < values.length; i += 1) {
      seen += counts[base + i] as number;
      if (seen > rank) return values[i] as number;
    }
    return values[values.length - 1] as number;
  };
  const low = at(lo);
  return h === lo ? low : low + (h - lo) * (at(lo + 1) - low);
}

/** Apex and onset error of spotting against the label, in frames and ms: median and p90 with intervals. */
export function timingSection(cases: readonly EvaluationCase[]): SectionPlan<TimingSection> {
  let givenFrames = 0;
  let notFound = 0;
  const apexSigned: number[] = [];
  const onsetSigned: number[] = [];
  // Per spotted event [apex, onset, apex ms, onset ms]; no apex error where the label gives no apex.
  const perCase: ((number | null)[] | null)[] = cases.map(({ label, prediction }) => {
    if (!prediction) return null;
    if (prediction.source === 'user') givenFrames += 1;
    else if (prediction.source === 'none' || prediction.apex === null || prediction.onset === null) notFound += 1;
    else {
      if (label.apex !== null) apexSigned.push(prediction.apex - label.apex);
      onsetSigned.push(prediction.onset - label.onset);
      const apex = label.apex === null ? null : Math.abs(prediction.apex - label.apex);
      const onset = Math.abs(prediction.onset - label.onset);
      return [apex, onset, apex === null ? null : (apex * 1000) / label.fps, (onset * 1000) / label.fps];
    }
    return null;
  });
  const errors = perCase.filter((e): e is (number | null)[] => e !== null);
  // Four histograms side by side, each over its own distinct values.
  const values = [0, 1, 2, 3].map((m) => [...new Set(errors.map((e) => e[m]).filter((x): x is number => x !== null && x !== undefined))].sort((a, b) => a - b));
  const bases = values.reduce<number[]>((acc, v, i) => [...acc, (acc[i] as number) + v.length], [0]);
  const index = values.map((v) => new Map(v.map((x, i) => [x, i])));
  const units = perCase.map((e): UnitCounts | null => (e ? { dims: e.flatMap((x, m) => (x === null ? [] : [(bases[m] as number) + (index[m]?.get(x) as number)])) } : null));
  const statistics = (sums: Float64Array): number[] =>
    values.flatMap((v, m) => [histogramQuantile(sums, bases[m] as number, v, 0.5), histogramQuantile(sums, bases[m] as number, v, 0.9)]);
  return {
    tasks: [{ units, size: bases[4] as number, statistics }],
    finish: ([figures = []]) => {
      const figure = (m: number): QuantileFigure => ({ n: errors.filter((e) => e[m] !== null).length, median: figures[2 * m] as Estimate, p90: figures[2 * m + 1] as Estimate });
      return { spotted: errors.length, givenFrames, notFound, apexFrames: figure(0), onsetFrames: figure(1), apexMs: figure(2), onsetMs: figure(3), apexHistogram: errorHistogram(apexSigned), onsetHistogram: errorHistogram(onsetSigned) };
    },
  };
}
