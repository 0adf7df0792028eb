/**
 * Linear-interpolated quantile (numpy's default) of ascending `sorted`, `p` in [0, 1];
 * `empty` when there is nothing to take it of.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number, empty = Number.NaN): number {
  const n = sorted.length;
  if (n === 0) return empty;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}
