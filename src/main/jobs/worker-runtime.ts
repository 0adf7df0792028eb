import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '@shared/errors';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface TaskContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
  /** Streams part of the output (e.g. LLM tokens) to whoever runs the job. */
  text(delta: string): void;
}

/**
 * The body of a worker file: runs `task` on the worker's input once, reports progress,
 * honours cancellation, and sends back the result or a typed error.
 */
export function serveTask<I, O>(task: (input: I, context: TaskContext) => Promise<O>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTask() must run inside a worker thread');
  const controller = new AbortController();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') controller.abort();
  });
  const post = (message: FromWorker) => port.postMessage(message);
  const context: TaskContext = {
    signal: controller.signal,
    progress: (done, total, message) => post({ type: 'progress', done, total, ...(message ? { message } : {}) }),
    text: (delta) => post({ type: 'text', delta }),
  };
  task(workerData as I, context).then(
    (value) => {
      post({ type: 'result', value });
      port.close();
    },
    (error: unknown) => {
      const appError = controller.signal.aborted ? new AppError('CANCELLED', 'Cancelled') : AppError.from(error);
      post({ type: 'error', error: appError.toJSON() });
      port.close();
    },
  );
}

/** Throws CANCELLED when the job was cancelled; call between steps of long loops. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError('CANCELLED', 'Cancelled');
}
