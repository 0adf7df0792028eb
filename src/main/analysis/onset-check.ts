import type { AuEvidence } from './au-rules';

/**
 * An expression starts from a neutral face; talking does not stop for the onset. When a
 * spotted onset falls mid-syllable the jaw is open there, and the flow from that onset to a
 * closed mouth reads the closing as a chin raise (AU17) or a lip press (AU24), the opening as
 * parted lips (AU25) or a raised upper lip (AU10). The lips and jaw are therefore read again
 * from frames before the onset: an AU of theirs that mostly vanishes from one of them to the apex
 * was the onset's own displacement, not the expression's. An expression spotted late in its
 * rise only grows from an earlier frame.
 */

/** The AUs read from the lips and chin alone: the ones talking makes. */
export const LIP_JAW_AUS: ReadonlySet<number> = new Set([10, 17, 24, 25]);

/**
 * An AU whose evidence from the frame before the onset is below this share of its onset →
 * apex evidence moved at the onset already. On the fitting seeds' talking that opens a clip
 * (7600 `speech_me_000`, `speech_me_003`, `speech_still_1`) the jaw's closing read as AU17B
 * and from frame 0 it is gone; a lip-and-jaw ME after talking keeps at least its own
 * evidence there (the jaw's last closing adds to AU24 and AU17).
 */
export const ONSET_NEUTRAL_SHARE = 0.5;

export interface OnsetCheck {
  readonly kept: AuEvidence[];
  /** Lip and jaw AUs that were the onset's displacement (talking mid-syllable), not the apex's. */
  readonly fromMovingOnset: AuEvidence[];
}

/** Syllables come 4–5 a second, about one a lag: frames this many thirds of a lag apart see every phase of the jaw's cycle. */
export const ONSET_REFERENCES = 3;

/**
 * The frames a spotted onset's lip and jaw AUs are read again from: a lag before the onset
 * in thirds (clamped at frame 0, distinct). Talking opens and closes the jaw about once a
 * lag, so one of them finds the mouth nearer closed than at a mid-syllable onset.
 */
export function framesBeforeOnset(onset: number, lag: number): number[] {
  const frames = new Set<number>();
  for (let k = 1; k <= ONSET_REFERENCES; k += 1) {
    const t = Math.max(0, onset - Math.max(1, Math.round((k * lag) / ONSET_REFERENCES)));
    if (t < onset) frames.add(t);
  }
  return [...frames];
}

/** Whether an onset → apex reading has an AU worth reading again from before the onset. */
export const needsOnsetCheck = (aus: readonly AuEvidence[]): boolean => aus.some((a) => !a.blink && LIP_JAW_AUS.has(a.au));

/** Splits the apex AUs by their evidence from a frame before the onset to the apex (`fromBefore`: AU → evidence). */
export function checkOnset(aus: readonly AuEvidence[], fromBefore: ReadonlyMap<number, number>): OnsetCheck {
  const fromMovingOnset = aus.filter((a) => !a.blink && LIP_JAW_AUS.has(a.au) && (fromBefore.get(a.au) ?? 0) < ONSET_NEUTRAL_SHARE * a.evidence);
  return { kept: aus.filter((a) => !fromMovingOnset.includes(a)), fromMovingOnset };
}
