/**
 * A batch analysis' outcome per clip: a batch runs one job per event, and a clip is done
 * when all its jobs are, failed when any failed (with the reasons), cancelled otherwise.
 */
export type JobEnd = 'done' | 'failed' | 'cancelled';

export interface BatchJob {
  readonly jobId: string;
  readonly clipId: number;
}

export interface ClipOutcome {
  readonly clipId: number;
  readonly state: JobEnd;
  /** The failed jobs' reasons, each once. */
  readonly reasons: readonly string[];
}

export function clipOutcomes(jobs: readonly BatchJob[], ends: ReadonlyMap<string, { state: JobEnd; reason?: string | undefined }>): ClipOutcome[] {
  const byClip = new Map<number, { states: Set<JobEnd>; reasons: Set<string> }>();
  for (const job of jobs) {
    const end = ends.get(job.jobId);
    const entry = byClip.get(job.clipId) ?? { states: new Set<JobEnd>(), reasons: new Set<string>() };
    entry.states.add(end?.state ?? 'cancelled');
    if (end?.state === 'failed' && end.reason) entry.reasons.add(end.reason);
    byClip.set(job.clipId, entry);
  }
  return [...byClip].map(([clipId, { states, reasons }]) => ({
    clipId,
    state: states.has('failed') ? 'failed' : states.has('cancelled') ? 'cancelled' : 'done',
    reasons: [...reasons],
  }));
}

/** Remaining seconds from the average time per finished job so far. */
export function etaSeconds(job: { started: number; done: number; total: number }, now: number): number | null {
  if (job.done <= 0 || job.total <= job.done) return null;
  return Math.round((((now - job.started) / job.done) * (job.total - job.done)) / 1000);
}
