import { AppError } from '@shared/errors';

/**
 * Seeded percentile bootstrap over units (events, or clips for spotting). Every metric
 * here is a function of summed counts, so a unit is a sparse vector of counts and a
 * resample is the sum of the drawn units' vectors: 10,000 events × 1,000 resamples costs
 * a few tens of millions of additions, not 1,000 re-evaluations.
 */

/** One unit's counts: `dims[i]` grows by `values[i]` (defaults to 1). */
export interface UnitCounts {
  readonly dims: readonly number[];
  readonly values?: readonly number[];
}

export interface Interval95 {
  readonly low: number;
  readonly high: number;
}

/** Resamples beyond this are refused: the interval does not get better, only slower. */
export const MAX_RESAMPLES = 100_000;

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same intervals everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Linear-interpolated quantile (numpy's default) of ascending `sorted`; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
}

/**
 * The 95 % percentile interval of each statistic `statistics(sums)` returns, over
 * `resamples` draws of units with replacement. A statistic that is NaN on a resample (no
 * event of a class drawn) is left out of that statistic's interval; all NaN → null.
 */
export function bootstrapIntervals(
  units: readonly UnitCounts[],
  size: number,
  statistics: (sums: Float64Array) => readonly number[],
  options: BootstrapOptions,
): (Interval95 | null)[] {
  const { resamples, seed } = options;
  if (!Number.isInteger(resamples) || resamples < 0 || resamples > MAX_RESAMPLES) {
    throw new AppError('INVALID_INPUT', `The bootstrap takes 0 to ${MAX_RESAMPLES} resamples (got ${resamples}).`);
  }
  const n = units.length;
  if (n === 0 || resamples === 0) return statistics(new Float64Array(size)).map(() => null);
  // Flattened units: offsets into one dims/values pair, so a resample walks typed arrays.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i += 1) start[i + 1] = (start[i] as number) + (units[i] as UnitCounts).dims.length;
  const dims = new Int32Array(start[n] as number);
  const values = new Float64Array(start[n] as number);
  units.forEach((unit, i) => {
    unit.dims.forEach((d, k) => {
      dims[(start[i] as number) + k] = d;
      values[(start[i] as number) + k] = unit.values?.[k] ?? 1;
    });
  });
  const random = seededRandom(seed);
  const sums = new Float64Array(size);
  let draws: number[][] | null = null;
  for (let r = 0; r < resamples; r += 1) {
    sums.fill(0);
    for (let k = 0; k < n; k += 1) {
      const i = Math.floor(random() * n);
      for (let j = start[i] as number, end = start[i + 1] as number; j < end; j += 1) {
        const d = dims[j] as number;
        sums[d] = (sums[d] as number) + (values[j] as number);
      }
    }
    const stats = statistics(sums);
    draws ??= stats.map(() => []);
    stats.forEach((s, m) => {
      if (Number.isFinite(s)) (draws as number[][])[m]?.push(s);
    });
  }
  return (draws ?? []).map((d) => {
    if (d.length === 0) return null;
    const sorted = Float64Array.from(d).sort();
    return { low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
  });
}
