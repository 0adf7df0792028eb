import { bootstrapIntervals, type BootstrapOptions, type UnitCounts } from './bootstrap';
import type { Estimate } from './types';

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * Point values and 95 % intervals of statistics of summed unit counts: the point value is
 * the statistic on every unit once, the interval the bootstrap's, so both come from the
 * same function.
 */
export function estimates(units: readonly UnitCounts[], size: number, statistics: (sums: Float64Array) => readonly number[], options: BootstrapOptions): Estimate[] {
  const all = new Float64Array(size);
  for (const unit of units) unit.dims.forEach((d, k) => (all[d] = (all[d] as number) + (unit.values?.[k] ?? 1)));
  const values = statistics(all);
  const intervals = bootstrapIntervals(units, size, statistics, options);
  return values.map((v, i) => {
    const value = finite(v);
    const interval = value === null ? null : intervals[i];
    return { value, low: interval?.low ?? null, high: interval?.high ?? null };
  });
}
