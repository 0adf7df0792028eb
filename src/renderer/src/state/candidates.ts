/**
 * The review queue of a long recording's spotted intervals: most likely first, each one
 * either still to review, accepted as an event, or dismissed. Pure, so the stepping the
 * keys do is testable without a browser.
 */
import type { Candidate } from '../api/analysis-types';

export type CandidateDecision = 'accepted' | 'dismissed';

/** A candidate's identity in one run: its onset and offset (two intervals never share both). */
export const candidateKey = (c: Pick<Candidate, 'onset' | 'offset'>): string => `${c.onset}-${c.offset}`;

/**
 * Most likely first (score: motion and AU evidence); equal scores by strength, then by
 * onset, so the order never depends on the stored order.
 */
export function candidateQueue(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => b.score - a.score || b.strength - a.strength || a.onset - b.onset);
}

/**
 * The next candidate still to review after (or before, `delta` −1) position `from`, wrapping
 * around; `from` null starts at the top (or bottom). Null when none is left to review.
 */
export function stepCandidate(queue: readonly Candidate[], decisions: ReadonlyMap<string, CandidateDecision>, from: number | null, delta: 1 | -1): number | null {
  const n = queue.length;
  if (n === 0) return null;
  const start = from === null ? (delta === 1 ? -1 : n) : from;
  for (let k = 1; k <= n; k += 1) {
    const i = (((start + delta * k) % n) + n) % n;
    if (!decisions.has(candidateKey(queue[i] as Candidate))) return i;
  }
  return null;
}

/** What a candidate needs of the clip's events: where each lies and who made it. */
export interface CandidateEventLike {
  readonly onset: number;
  readonly offset: number;
  readonly source: string;
}

/**
 * The clip's event a candidate stands for: the one on its onset (the run stores each
 * interval's event there). Not any overlapping one: a macro's event may span a weaker
 * micro interval, which is not that event.
 */
export function candidateEvent<E extends CandidateEventLike>(c: Pick<Candidate, 'onset'>, events: readonly E[]): E | undefined {
  return events.find((e) => e.onset === c.onset);
}

/**
 * The decisions the queue shows: what the workspace keeps, then this session's. An analysed
 * interval (its run stored an event for it) whose event is gone was dismissed: dismissing
 * deletes the event, so a false alarm is neither counted nor exported, and undo brings it
 * back. An interval on an event the user made was accepted. `events` null: not listed yet,
 * so nothing is read from them.
 */
export function candidateDecisions(
  queue: readonly Candidate[],
  events: readonly CandidateEventLike[] | null,
  session: ReadonlyMap<string, CandidateDecision>,
): Map<string, CandidateDecision> {
  const decisions = new Map<string, CandidateDecision>();
  for (const c of queue) {
    const key = candidateKey(c);
    const event = events ? candidateEvent(c, events) : undefined;
    const gone = events !== null && c.facs !== null && event === undefined;
    const decision: CandidateDecision | undefined = gone ? 'dismissed' : (session.get(key) ?? (event?.source === 'manual' ? 'accepted' : undefined));
    if (decision) decisions.set(key, decision);
  }
  return decisions;
}

/**
 * A frame's time in the recording at `fps`, as m:ss.s (h:mm:ss.s from an hour on): what a
 * clinician finds a moment of a session by. Frame 0 is 0:00.0.
 */
export function clockTime(frame: number, fps: number): string {
  const tenths = fps > 0 && Number.isFinite(frame) ? Math.round((Math.max(0, frame) / fps) * 10) : 0;
  const hours = Math.floor(tenths / 36_000);
  const minutes = Math.floor((tenths % 36_000) / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
