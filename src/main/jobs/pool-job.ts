/** A job handed to the process pool: its caller's promise, its cancel state and its child. */
import { AppError } from '@shared/errors';
import type { Slot } from './pool-child';
import type { PoolRunOptions } from './pool-options';

export interface Pending {
  readonly id: number;
  readonly input: unknown;
  readonly options: PoolRunOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AppError) => void;
  readonly onAbort: () => void;
  slot: Slot | null;
  /** The run message went to the child. */
  sent: boolean;
  cancelling: boolean;
  graceTimer: NodeJS.Timeout | undefined;
  settled: boolean;
}

/** How a job ends when its caller or the pool stops it. */
export const cancelled = (message = 'Cancelled') => new AppError('CANCELLED', message);

/** Settles a job once: a late answer, exit or timer after that changes nothing. */
export function settleJob(job: Pending, settle: () => void): void {
  if (job.settled) return;
  job.settled = true;
  clearTimeout(job.graceTimer);
  job.options.signal?.removeEventListener('abort', job.onAbort);
  settle();
}

/** Runs a caller's callback: its exception is reported, and does not take down the pool's message handling. */
export function guard(name: string, callback: () => void): void {
  try {
    callback();
  } catch (error) {
    process.emitWarning(`A job's ${name} callback threw: ${error instanceof Error ? error.message : String(error)}`, { code: 'MELLM_POOL_CALLBACK' });
  }
}
