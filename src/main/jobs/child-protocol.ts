import type { ApiError } from '@shared/errors';

/**
 * Messages between a ProcessPool (jobs/pool.ts) and one of its job processes
 * (jobs/child-runtime.ts), over the child's IPC channel with `serialization: 'advanced'`:
 * typed arrays, Maps and Sets cross intact; functions and class instances do not.
 *
 * The handshake: the child sends `started` once its listener is up; the parent answers
 * `setup` (once) and then `run` for each job, one at a time.
 */
export type ToChild =
  /** Runs the child's setup(init) once: the child loads its models. */
  | { type: 'setup'; init: unknown }
  | { type: 'run'; id: number; input: unknown }
  /** Aborts the job's AbortSignal; a job that does not stop in time is killed. */
  | { type: 'cancel'; id: number }
  /** Exit now (the pool is closing, the child was idle too long, or it is retired). */
  | { type: 'stop' };

export type FromChild =
  | { type: 'started'; pid: number }
  /** setup(init) failed: the child takes no more work (a job waiting on it gets the error too). */
  | { type: 'setup-failed'; error: ApiError }
  | { type: 'progress'; id: number; done: number; total: number; message?: string }
  /** Streamed output (an LLM's description, token by token) before the result. */
  | { type: 'text'; id: number; delta: string }
  /** A checkpoint of a long job (where to resume it if this process dies). */
  | { type: 'checkpoint'; id: number; value: unknown }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ApiError };
