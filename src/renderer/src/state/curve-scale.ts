/**
 * The timeline's motion-curve axis: the curve's largest value (or the spotting threshold,
 * when every peak stays under it) rounded up to a round step, so the axis reads a round
 * number and the highest peak reaches at least three quarters of the band's height.
 */

/** Round steps within a decade: consecutive steps differ by at most a third. */
const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] as const;

/** The smallest round step ≥ `value` (0 → 0). */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 0;
  const decade = 10 ** Math.floor(Math.log10(value));
  // Rounded to the decade's digits, so 0.1 × 1.2 reads 0.12, not 0.12000000000000001.
  const round = (step: number) => Number((step * decade).toPrecision(6));
  for (const step of STEPS) if (round(step) >= value * (1 - 1e-9)) return round(step);
  return round(10);
}

/**
 * The axis top for a curve: its largest finite value, or `threshold` when that is higher
 * (so a drawn threshold line stays on the axis), rounded up; 0 for a flat or empty curve
 * without a threshold.
 */
export function curveAxisTop(curve: readonly number[], threshold = 0): number {
  let top = Number.isFinite(threshold) && threshold > 0 ? threshold : 0;
  for (const v of curve) if (Number.isFinite(v) && v > top) top = v;
  return niceCeiling(top);
}

/** The axis value as written on it: at most two significant decimals, no trailing zeros. */
export function formatAxisValue(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
}
