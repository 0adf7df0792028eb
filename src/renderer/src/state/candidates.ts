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
