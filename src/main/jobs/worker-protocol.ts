import type { ApiError } from '@shared/errors';

/** Messages between the main thread and a job's worker thread. */
export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; done: number; total: number; message?: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: ApiError };
