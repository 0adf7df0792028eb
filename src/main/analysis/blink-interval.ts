import type { AuEvidence } from './au-rules';
import type { Intensity } from './au-table';

/**
 * A spotted interval that is a blink, not an expression. A blink's closing and reopening
 * move the lids far more than any expression, and their spill onto the brows, nose and
 * cheeks can rise above the face signal's share that spotting sets aside as spill; the
 * analysed flow then reads the blink itself (AU45) with the spill as faint brow and cheek
 * AUs (the fitting seeds 7100, 7500 and 7800 read 1B+2B+6A–B+9A+10A–B+12A beside AU45 C–D,
 * peaking on the spotted blink's apex, every time). Such an interval is the blink: it is
 * shown as one, never offered as an expression. An expression that merely coincides with a
 * blink moves its own AUs beyond the spill (above `SPILL_MAX`) or peaks elsewhere, and stays.
 */

/** The strongest intensity a blink's spill reads as on a non-blink AU (fitting seeds 7100, 7500, 7800: B). */
const SPILL_MAX: Intensity = 'B';
/** The weakest AU45 that makes an interval the blink (the same seeds read C–D; a half blink's trace stays with the expression). */
const BLINK_MIN: Intensity = 'C';
const ORDER: readonly Intensity[] = ['A', 'B', 'C', 'D', 'E'];
const atLeast = (i: Intensity, floor: Intensity): boolean => ORDER.indexOf(i) >= ORDER.indexOf(floor);

export interface EyeBlink {
  readonly apex: number;
}

/**
 * True when the interval's AU evidence is a blink's: AU45 at `BLINK_MIN` or more, every
 * other AU at spill strength, and a spotted blink peaking within half a lag of the
 * interval's apex (the lag is the spotting signal's, in frames).
 */
export function isBlinkInterval(aus: readonly AuEvidence[], apex: number, blinks: readonly EyeBlink[], lag: number): boolean {
  const blink = aus.some((a) => a.blink && atLeast(a.intensity, BLINK_MIN));
  if (!blink || aus.some((a) => !a.blink && atLeast(a.intensity, ORDER[ORDER.indexOf(SPILL_MAX) + 1] as Intensity))) return false;
  return blinks.some((b) => Math.abs(b.apex - apex) <= lag / 2);
}
