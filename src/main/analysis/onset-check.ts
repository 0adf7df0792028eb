import type { AuEvidence } from './au-rules';

/**
 * An expression starts from a neutral face; talking does not stop for the onset. When a
 * spotted onset falls mid-syllable the jaw is open there, and the flow from that onset to a
 * closed mouth reads the closing as a chin raise (AU17) or a lip press (AU24), the opening as
 * parted lips (AU25) or a raised upper lip (AU10). Such an AU is the mouth going back to
 * where it was before the onset: the flow from the onset back to an earlier frame reads it
 * too. An expression's onset is neutral, so from it back to an earlier neutral frame nothing
 * moves (noise or flicker there weakens a reading, it does not make one); an onset spotted
 * late in the rise reads the reverse motion back there, not the AU.
 */

/** The AUs read from the lips and chin alone: the ones talking makes. */
export const LIP_JAW_AUS: ReadonlySet<number> = new Set([10, 17, 24, 25]);

/**
 * An AU that the flow from the onset back to an earlier frame reads with at least this share
 * of its onset → apex evidence was the onset's displacement. On the fitting seeds' talking
 * that cancels in the lagged signal (7600 `speech_still_1`, `speech_me_000`, `speech_me_003`,
 * 7700 `speech_me_004`) the jaw's closing after a mid-syllable onset read as AU17B.
 */
export const ONSET_DISPLACED_SHARE = 0.5;

/** Syllables come 4–5 a second, about one a lag: frames a third of a lag apart see every phase of the jaw's cycle. */
export const ONSET_REFERENCES = 3;

/**
 * The earlier frames a spotted onset is compared with: a lag before the onset in thirds
 * (clamped at frame 0, distinct). Talking opens and closes the jaw about once a lag, so one
 * of them finds the mouth nearer closed than at a mid-syllable onset.
 */
export function framesBeforeOnset(onset: number, lag: number): number[] {
  const frames = new Set<number>();
  for (let k = 1; k <= ONSET_REFERENCES; k += 1) {
    const t = Math.max(0, onset - Math.max(1, Math.round((k * lag) / ONSET_REFERENCES)));
    if (t < onset) frames.add(t);
  }
  return [...frames];
}

export interface OnsetCheck {
  readonly kept: AuEvidence[];
  /** Lip and jaw AUs that were the onset's displacement (talking mid-syllable), not the apex's. */
  readonly fromDisplacedOnset: AuEvidence[];
}

/** Whether an onset → apex reading has an AU worth comparing with the frames before the onset. */
export const needsOnsetCheck = (aus: readonly AuEvidence[]): boolean => aus.some((a) => !a.blink && LIP_JAW_AUS.has(a.au));

/** Splits the apex AUs by their evidence in the flow from the onset back to an earlier frame (`backToBefore`: AU → evidence). */
export function checkOnset(aus: readonly AuEvidence[], backToBefore: ReadonlyMap<number, number>): OnsetCheck {
  const fromDisplacedOnset = aus.filter((a) => !a.blink && LIP_JAW_AUS.has(a.au) && (backToBefore.get(a.au) ?? 0) >= ONSET_DISPLACED_SHARE * a.evidence);
  return { kept: aus.filter((a) => !fromDisplacedOnset.includes(a)), fromDisplacedOnset };
}
