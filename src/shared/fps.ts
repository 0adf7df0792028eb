/**
 * Frame rates for people: the probe's measured rate (e.g. 30.00000697674581, a clip
 * whose timestamps drift by microseconds) is kept as measured wherever it is computed
 * with; shown, it is rounded to at most three decimals (30, 29.97, 199.999).
 */
export function formatFps(fps: number): string {
  if (!Number.isFinite(fps)) return String(fps);
  const rounded = Math.round(fps * 1000) / 1000;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
