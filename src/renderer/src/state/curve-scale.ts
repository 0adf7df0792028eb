/**
 * The timeline's motion-curve axis: the curve's largest value rounded up to a 1-2-5 step,
 * so the axis reads a round number (the unit: % of the face height, the spotting signal's).
 */

/** The smallest 1-2-5 number ≥ `value` (0 → 0). */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 0;
  const decade = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * decade >= value * (1 - 1e-9)) return step * decade;
  return 10 * decade;
}

/** The axis top for a curve (its largest finite value, rounded up), or 0 for a flat or empty curve. */
export function curveAxisTop(curve: readonly number[]): number {
  let top = 0;
  for (const v of curve) if (Number.isFinite(v) && v > top) top = v;
  return niceCeiling(top);
}

/** The axis value as written on it: at most two significant decimals, no trailing zeros. */
export function formatAxisValue(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
}
