import type { AuEvidence } from './au-rules';

/**
 * An expression returns towards neutral; a step does not. An H.264 encoder that refreshes
 * a region once (its blocks then copied frame after frame), a change of lighting or of
 * posture all move the face and stay: the moving-reference spotting signal cannot tell
 * such a step from an expression and its echo, but the displacement from the onset can.
 * An AU still this strong (share of its apex evidence) where the face should be neutral
 * again did not come from an expression.
 */
export const PERSISTENT_RATIO = 0.95;

export interface ReturnCheck {
  readonly returned: AuEvidence[];
  readonly persistent: AuEvidence[];
}

/** Splits the apex AUs by their evidence at a frame where the expression is over (`atEnd`: AU → evidence). */
export function checkReturn(aus: readonly AuEvidence[], atEnd: ReadonlyMap<number, number>): ReturnCheck {
  const persistent = aus.filter((a) => !a.blink && (atEnd.get(a.au) ?? 0) >= PERSISTENT_RATIO * a.evidence);
  return { returned: aus.filter((a) => !persistent.includes(a)), persistent };
}
