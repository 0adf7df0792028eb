/**
 * The go-to-frame field: what may be typed into it and where Enter takes the clip. A
 * number outside the clip is clamped to its first or last frame (and the field says
 * so) rather than refused, so Enter always moves somewhere sensible.
 */

/** The longest frame number the field takes (a 9-hour clip at 300 fps has 7 digits). */
export const GOTO_DIGITS = 7;

/** Keeps digits only, at most GOTO_DIGITS of them: the field never holds a value Enter cannot use. */
export function gotoInput(typed: string): string {
  return typed.replace(/\D+/g, '').slice(0, GOTO_DIGITS);
}

export interface GotoTarget {
  readonly frame: number;
  /** True when the typed number lay outside the clip and `frame` is its nearest end. */
  readonly clamped: boolean;
}

/** The frame Enter goes to, or null when nothing usable was typed (or the clip has no frames). */
export function gotoTarget(text: string, frames: number): GotoTarget | null {
  const digits = gotoInput(text);
  if (digits === '' || !Number.isInteger(frames) || frames <= 0) return null;
  const typed = Number(digits);
  const frame = Math.min(typed, frames - 1);
  return { frame, clamped: frame !== typed };
}
