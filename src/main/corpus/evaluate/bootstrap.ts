import { AppError } from '@shared/errors';
import { mulberry32 } from '../../util/random';
import type { Estimate } from './types';
import { quantileSorted } from '../../util/quantile';

/**
 * Seeded percentile bootstrap. Events are drawn with replacement once per resample and
 * every figure is recomputed on the same draw, as if the corpus had been labelled again.
 * Each figure is a function of summed counts, so an event contributes a sparse count
 * vector to each figure that scores it and a resample is a sum of the drawn events'
 * vectors: 10,000 events × 1,000 resamples costs tens of millions of additions, not 1,000
 * re-evaluations. The draws come from util/random's mulberry32: one seed, the same
 * intervals everywhere.
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

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
}

/** Figures computed from the sums of the units' counts over one population. */
export interface BootstrapTask {
  /** Per member of the population (its index), its counts, or null when this task does not score it. */
  readonly units: readonly (UnitCounts | null)[];
  readonly size: number;
  readonly statistics: (sums: Float64Array) => readonly number[];
}

/** Resamples beyond this are refused: the interval does not get better, only slower. */
export const MAX_RESAMPLES = 100_000;

/**
 * Every task's units as one set of flat arrays (offsets per population member, each task's
 * dimensions at its own offset), so a resample walks the drawn members once for all tasks.
 */
class FlatTasks {
  readonly start: Int32Array;
  readonly dims: Int32Array;
  readonly values: Float64Array;
  readonly sums: Float64Array;
  readonly views: Float64Array[];

  constructor(readonly tasks: readonly BootstrapTask[], population: number) {
    const offsets = tasks.reduce<number[]>((acc, task, t) => [...acc, (acc[t] as number) + task.size], [0]);
    this.start = new Int32Array(population + 1);
    for (let i = 0; i < population; i += 1) {
      let length = 0;
      for (const task of tasks) length += task.units[i]?.dims.length ?? 0;
      this.start[i + 1] = (this.start[i] as number) + length;
    }
    this.dims = new Int32Array(this.start[population] as number);
    this.values = new Float64Array(this.start[population] as number);
    for (let i = 0; i < population; i += 1) {
      let at = this.start[i] as number;
      tasks.forEach((task, t) => {
        const unit = task.units[i];
        unit?.dims.forEach((d, k) => {
          this.dims[at] = (offsets[t] as number) + d;
          this.values[at] = unit.values?.[k] ?? 1;
          at += 1;
        });
      });
    }
    this.sums = new Float64Array(offsets[tasks.length] as number);
    this.views = tasks.map((task, t) => this.sums.subarray(offsets[t] as number, (offsets[t] as number) + task.size));
  }

  /** Every task's statistics on the members drawn (`drawn`: population indices, repeats allowed). */
  evaluate(drawn: Int32Array): (readonly number[])[] {
    const { start, dims, values, sums } = this;
    sums.fill(0);
    for (let k = 0; k < drawn.length; k += 1) {
      const i = drawn[k] as number;
      for (let j = start[i] as number, end = start[i + 1] as number; j < end; j += 1) {
        const d = dims[j] as number;
        sums[d] = (sums[d] as number) + (values[j] as number);
      }
    }
    return this.tasks.map((task, t) => task.statistics(this.views[t] as Float64Array));
  }
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * Point values and 95 % percentile intervals of every task's statistics over one
 * population of `population` members. The point value is the statistic on every member
 * once; a statistic that is NaN on a resample (no event of a class drawn) is left out of
 * that statistic's interval.
 */
export function bootstrapEstimates(population: number, tasks: readonly BootstrapTask[], options: BootstrapOptions): Estimate[][] {
  const { resamples, seed } = options;
  if (!Number.isInteger(resamples) || resamples < 0 || resamples > MAX_RESAMPLES) {
    throw new AppError('INVALID_INPUT', `The bootstrap takes 0 to ${MAX_RESAMPLES} resamples (got ${resamples}).`);
  }
  for (const task of tasks) {
    if (task.units.length !== population) throw new AppError('INTERNAL', `A bootstrap task covers ${task.units.length} of ${population} members.`);
  }
  const flat = new FlatTasks(tasks, population);
  const points = flat.evaluate(Int32Array.from({ length: population }, (_, i) => i));
  const draws = points.map((p) => p.map((): number[] => []));
  if (population > 0) {
    const next = mulberry32(seed);
    const drawn = new Int32Array(population);
    for (let r = 0; r < resamples; r += 1) {
      for (let k = 0; k < population; k += 1) drawn[k] = Math.floor((next() / 4294967296) * population);
      flat.evaluate(drawn).forEach((stats, t) =>
        stats.forEach((s, m) => {
          if (Number.isFinite(s)) draws[t]?.[m]?.push(s);
        }),
      );
    }
  }
  return points.map((stats, t) =>
    stats.map((v, m) => {
      const value = finite(v);
      const d = draws[t]?.[m] as number[];
      if (value === null || d.length === 0) return { value, low: null, high: null };
      const sorted = Float64Array.from(d).sort();
      return { value, low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
    }),
  );
}
