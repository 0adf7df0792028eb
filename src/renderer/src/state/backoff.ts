/**
 * How long a save waits before it is tried again after a transient failure (the bridge
 * unreachable, the database busy): doubling from half a second, never more than 30 s, so
 * a short hiccup heals at once and a long outage costs one request per half minute.
 */
export const RETRY_FIRST_MS = 500;
export const RETRY_MAX_MS = 30_000;

/** The wait before retry number `attempt` (1 = the first retry). */
export function retryDelayMs(attempt: number): number {
  const doublings = Math.min(Math.max(Math.floor(attempt) - 1, 0), 16);
  return Math.min(RETRY_FIRST_MS * 2 ** doublings, RETRY_MAX_MS);
}
