import { randomUUID } from 'node:crypto';
import type { EventName, EventPayload, Job } from '@shared/api';
import { AppError } from '@shared/errors';

/** Where the queue announces progress and completion (the app's event hub). */
export interface JobEvents {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
}

export interface JobHandle<T> {
  readonly jobId: string;
  /** Settles with the job's result; rejects with its typed error (CANCELLED when cancelled). */
  readonly result: Promise<T>;
}

interface Entry {
  job: Job;
  /** Counts towards the concurrency limit (false for `unlimited` jobs). */
  counted: boolean;
  controller: AbortController;
  start: () => void;
  reject: (error: AppError) => void;
}

/**
 * Background work with a concurrency limit, progress and cancellation. A failing job
 * fails alone: the queue carries on. Progress and completion go out as events.
 */
export class JobQueue {
  readonly #events: JobEvents;
  readonly #concurrency: number;
  readonly #entries = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  #running = 0;
  /** Finished jobs kept for jobs.list; older ones are forgotten. */
  readonly #keepFinished = 200;

  constructor(events: JobEvents, concurrency = 1) {
    this.#events = events;
    this.#concurrency = Math.max(1, concurrency);
  }

  /**
   * Queues `run`. An `unlimited` job starts at once outside the concurrency limit: for
   * long, low-priority background work (a display proxy) that must not hold up analysis.
   * `subject` names the clip (and event) it works on, for windows that look for it later.
   */
  add<T>(kind: string, label: string, run: (context: JobContext) => Promise<T>, options: { unlimited?: boolean; subject?: Job['subject'] } = {}): JobHandle<T> {
    const jobId = randomUUID();
    const controller = new AbortController();
    let resolve!: (value: T) => void;
    let reject!: (error: AppError) => void;
    const result = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = { jobId, kind, label, state: 'queued', done: 0, total: 0, startedAt: null, finishedAt: null, ...(options.subject ? { subject: options.subject } : {}) };
    const entry: Entry = {
      job,
      controller,
      reject,
      counted: !options.unlimited,
      start: () => {
        if (entry.counted) this.#running += 1;
        entry.job = { ...entry.job, state: 'running', startedAt: Date.now() };
        const context: JobContext = {
          jobId,
          signal: controller.signal,
          progress: (done, total, message) => {
            entry.job = { ...entry.job, done, total, ...(message ? { message } : {}) };
            this.#events.emit('job.progress', { jobId, kind, done, total, ...(message ? { message } : {}) });
          },
        };
        run(context).then(
          (value) => {
            this.#finish(entry, 'done');
            resolve(value);
          },
          (error: unknown) => {
            const appError = controller.signal.aborted ? new AppError('CANCELLED', 'Cancelled') : AppError.from(error);
            this.#finish(entry, appError.code === 'CANCELLED' ? 'cancelled' : 'failed', appError);
            reject(appError);
          },
        );
      },
    };
    // Callers that only watch events must not trigger unhandled-rejection warnings.
    result.catch(() => undefined);
    this.#entries.set(jobId, entry);
    if (entry.counted) this.#waiting.push(entry);
    else entry.start();
    this.#pump();
    return { jobId, result };
  }

  /** How many counted jobs run at once. */
  get concurrency(): number {
    return this.#concurrency;
  }

  cancel(jobId: string): boolean {
    const entry = this.#entries.get(jobId);
    if (!entry || ['done', 'failed', 'cancelled'].includes(entry.job.state)) return false;
    entry.controller.abort();
    const queued = this.#waiting.indexOf(entry);
    if (queued >= 0) {
      this.#waiting.splice(queued, 1);
      const error = new AppError('CANCELLED', 'Cancelled');
      this.#finish(entry, 'cancelled', error, false);
      entry.reject(error);
    }
    return true;
  }

  list(): Job[] {
    return [...this.#entries.values()].map((entry) => entry.job);
  }

  #finish(entry: Entry, state: Job['state'], error?: AppError, wasRunning = true): void {
    if (wasRunning && entry.counted) this.#running -= 1;
    entry.job = { ...entry.job, state, finishedAt: Date.now(), ...(error ? { error: error.toJSON() } : {}) };
    this.#events.emit('job.finished', entry.job);
    this.#forgetOld();
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#waiting.length) this.#waiting.shift()?.start();
  }

  #forgetOld(): void {
    const finished = [...this.#entries.values()].filter((e) => e.job.finishedAt !== null);
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) {
      this.#entries.delete(entry.job.jobId);
    }
  }
}
