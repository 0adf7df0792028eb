import { AppError } from '@shared/errors';
import type { FromChild, ToChild } from './child-protocol';

/** What a job sees of the pool: its AbortSignal, progress, streamed text and checkpoints. */
export interface TaskContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
  /** Streams part of the output (e.g. LLM tokens) to whoever runs the job. */
  text(delta: string): void;
  /** Hands out where a long job stands, so a retry after a crash can resume from there. */
  checkpoint(value: unknown): void;
}

/** Runs one job in a job process; the context carries its AbortSignal, progress and streamed text. */
export type JobHandler<I, O> = (input: I, context: TaskContext) => Promise<O>;

const cancelled = () => new AppError('CANCELLED', 'Cancelled');

/** `promise`, or a CANCELLED rejection as soon as `signal` aborts (the promise carries on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The body of a job process (a child of ProcessPool, jobs/pool.ts): runs `setup(init)` once
 * (where the process loads its models), then runs the jobs the pool sends, one at a time,
 * until it is told to stop or the pool goes away. Progress and streamed text go back as
 * they come; a typed error thrown by a job goes back unchanged and the process stays up
 * for the next job. A setup that fails fails the job waiting on it, and the pool replaces
 * the process.
 */
export function serveJobs<I, O, Init = unknown>(setup: (init: Init) => Promise<JobHandler<I, O>>): void {
  if (!process.send || !process.connected) throw new Error('serveJobs() must run in a job process started by ProcessPool');
  let handler: Promise<JobHandler<I, O>> | undefined;
  const jobs = new Map<number, AbortController>();

  /** Sends a message; a parent that went away ends this process (see 'disconnect'). */
  const post = (message: FromChild): void => {
    if (!process.connected || !process.send) return;
    try {
      process.send(message, undefined, {}, (error: Error | null) => {
        if (error && !process.connected) process.exit(0);
      });
    } catch (error) {
      // The value could not be serialised (a function, a class instance with native state…):
      // the job fails with a readable error instead of the process dying.
      if (message.type !== 'result') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      post({ type: 'error', id: message.id, error: new AppError('INTERNAL', `The job's result cannot be sent back: ${reason}`).toJSON() });
    }
  };

  const run = async (id: number, input: I): Promise<void> => {
    const controller = new AbortController();
    jobs.set(id, controller);
    const context: TaskContext = {
      signal: controller.signal,
      progress: (done, total, message) => post({ type: 'progress', id, done, total, ...(message !== undefined ? { message } : {}) }),
      text: (delta) => post({ type: 'text', id, delta }),
      checkpoint: (value) => post({ type: 'checkpoint', id, value }),
    };
    try {
      if (!handler) throw new AppError('INTERNAL', 'The job process got a job before its setup');
      // Cancelling while the models load answers at once; the setup carries on for the next job.
      const task = await untilAborted(handler, controller.signal);
      if (controller.signal.aborted) throw cancelled();
      const value = await task(input, context);
      jobs.delete(id);
      post({ type: 'result', id, value });
    } catch (error) {
      jobs.delete(id);
      const failure = controller.signal.aborted ? cancelled() : AppError.from(error);
      post({ type: 'error', id, error: failure.toJSON() });
    }
  };

  process.on('message', (message: ToChild) => {
    switch (message.type) {
      case 'setup':
        if (handler) return;
        handler = Promise.resolve().then(() => setup(message.init as Init));
        handler.catch((error: unknown) => post({ type: 'setup-failed', error: AppError.from(error).toJSON() }));
        return;
      case 'run':
        void run(message.id, message.input as I);
        return;
      case 'cancel':
        jobs.get(message.id)?.abort();
        return;
      case 'stop':
        process.exit(0);
    }
  });
  // The pool (or the whole app) went away: nobody is waiting for results any more.
  process.on('disconnect', () => process.exit(0));
  post({ type: 'started', pid: process.pid });
}

/** Throws CANCELLED when the job was cancelled; call between steps of long loops. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelled();
}
