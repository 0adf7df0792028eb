import type { ApiError } from '@shared/errors';

/** Messages between the main thread and a job's worker thread. */
export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; done: number; total: number; message?: string }
  /** Streamed output (an LLM's description, token by token) before the result. */
  | { type: 'text'; delta: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: ApiError };
