import type { ExpressionReport } from '@shared/api/analysis';

/**
 * Which of a clip's analysed intervals the report leads with. The spotting signal's
 * strongest interval can be a blink whose reopening spills onto the brows and cheeks: its
 * motion outranks a faint chin raise beside it, yet it is no expression. The lead is the
 * best expression candidate: one offered as an expression (non-blink AU evidence) before
 * one that is not, one without a blink (AU45) in its evidence before one with, then the
 * higher interval score (motion and AU confidence, the review queue's order); ties keep
 * the spotting order.
 */
export interface Candidate {
  readonly report: ExpressionReport;
  /** The interval's score, 0–1 (spotting.ts `intervalScore`). */
  readonly score: number;
}

const BLINK_AU = 'AU45';

function rank(c: Candidate): [number, number, number] {
  const offered = c.report.kind ? 1 : 0;
  const noBlink = c.report.aus.some((a) => a.code === BLINK_AU) ? 0 : 1;
  return [offered, noBlink, c.score];
}

/** `a` leads before `b` (ties keep the earlier: false). */
function leadsBefore(a: Candidate, b: Candidate): boolean {
  const [x, y] = [rank(a), rank(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] > y[2];
}

/** The candidates with the lead first, the others in their given order after it. */
export function leadFirst(candidates: readonly Candidate[]): ExpressionReport[] {
  let best = -1;
  for (let i = 0; i < candidates.length; i += 1) {
    if (best < 0 || leadsBefore(candidates[i] as Candidate, candidates[best] as Candidate)) best = i;
  }
  if (best <= 0) return candidates.map((c) => c.report);
  return [(candidates[best] as Candidate).report, ...candidates.filter((_, i) => i !== best).map((c) => c.report)];
}

/**
 * Keeps what goes with the lead so far (its flow and onset crop, for the overlay) as the
 * candidates are offered one by one, and lets the others' go: a recording's analysis holds
 * one interval's flow, not every interval's until it ends. It ends on `leadFirst`'s lead.
 */
export class LeadKeeper<T> {
  #lead: { readonly candidate: Candidate; readonly value: T } | null = null;

  offer(candidate: Candidate, value: T): void {
    if (!this.#lead || leadsBefore(candidate, this.#lead.candidate)) this.#lead = { candidate, value };
  }

  get value(): T | null {
    return this.#lead?.value ?? null;
  }
}
