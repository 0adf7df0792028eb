import { AppError, type ApiError } from '@shared/errors';
import type { FromChild } from './child-protocol';
import { classifyCrash, JobCrashError, OUT_OF_MEMORY } from './crash';
import { cancelled, guard, settleJob, type Pending } from './pool-job';
import { killChildProcess, sendToChild, setChildRef, spawnChild, type Slot } from './pool-child';
import type { PoolOptions, PoolRunOptions, PoolStats } from './pool-options';
import { prlimitPath } from './script';

export type { PoolOptions, PoolRunOptions, PoolStats } from './pool-options';

/**
 * A pool of long-lived job processes (children running jobs/child-runtime.ts): a V8 fatal
 * error, an out-of-memory or a native crash in a job costs that job, never the app.
 *
 * Each child runs with a V8 heap limit (--max-old-space-size) and, on Linux, a memory
 * limit set by util-linux `prlimit` (which execs the runtime in place: the pid and the IPC
 * channel stay the child's). The limit is RLIMIT_DATA, the memory a process has committed,
 * not RLIMIT_AS: V8, WebAssembly and Electron's V8 sandbox reserve gigabytes of address
 * space they never use, so an address-space limit either stops node from starting or
 * stops jobs long before they use much (measurements in docs/architecture.md). Where
 * `prlimit` is missing (macOS, Windows) only the heap limit applies.
 */

const DEFAULT_MAX_MEMORY_MB = 6144;
const DEFAULT_MAX_HEAP_MB = 4096;
const DEFAULT_IDLE_MS = 120_000;
const DEFAULT_CANCEL_GRACE_MS = 2000;
/** How long a child told to stop may take before it is killed. */
const STOP_GRACE_MS = 2000;

/**
 * Long-lived job processes: each runs its setup once, then takes jobs one at a time;
 * jobs beyond the pool's size wait in order. A child that crashes, runs out of memory or
 * ignores a cancel is replaced for the next job; the other children and the queue carry on.
 */
export class ProcessPool {
  readonly #options: PoolOptions;
  readonly #heapMb: number;
  /** The memory limit of the children (MB), null when none applies. */
  readonly #memoryMb: number | null;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #started = 0;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(options: PoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new AppError('INVALID_INPUT', `A process pool needs a size of at least 1 (got ${options.size})`);
    this.#options = options;
    this.#heapMb = options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB;
    this.#memoryMb = prlimitPath() ? (options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB) : null;
  }

  get size(): number {
    return this.#options.size;
  }

  /** The memory limit of the children (MB), null where none applies (no prlimit). */
  get memoryLimitMb(): number | null {
    return this.#memoryMb;
  }

  stats(): PoolStats {
    return {
      children: this.#slots.length,
      busy: this.#slots.filter((slot) => slot.job).length,
      queued: this.#queue.length,
      started: this.#started,
    };
  }

  /**
   * Runs one job in a child. Resolves with its result; rejects with the job's own typed
   * error, CANCELLED, or a JobCrashError when its process died or ran out of memory.
   */
  run<O>(input: unknown, options: PoolRunOptions = {}): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.#closed) return reject(cancelled('The job pool is closed'));
      if (options.signal?.aborted) return reject(cancelled());
      const job: Pending = {
        id: this.#nextId++,
        input,
        options,
        resolve: resolve as (value: unknown) => void,
        reject,
        onAbort: () => this.#cancel(job),
        slot: null,
        sent: false,
        cancelling: false,
        graceTimer: undefined,
        settled: false,
      };
      options.signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Stops every child (killed after a grace period); queued and running jobs reject CANCELLED. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) settleJob(job, () => job.reject(cancelled('The job pool was closed')));
    for (const slot of this.#slots) {
      const job = slot.job;
      if (job) {
        slot.job = null;
        settleJob(job, () => job.reject(cancelled('The job pool was closed')));
      }
      this.#stop(slot);
    }
    this.#closing = Promise.all(this.#slots.map((slot) => slot.exited)).then(() => undefined);
    return this.#closing;
  }

  #dispatch(): void {
    if (this.#closed) return;
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.stopping && !s.retiring && !s.job);
      if (!slot) {
        if (this.#slots.filter((s) => !s.stopping).length >= this.#options.size) return;
        try {
          slot = this.#spawn();
        } catch (error) {
          const job = this.#queue.shift() as Pending;
          const message = error instanceof Error ? error.message : String(error);
          settleJob(job, () => job.reject(new JobCrashError('exit', `The job's process could not start: ${message}`)));
          continue;
        }
      }
      this.#assign(slot, this.#queue.shift() as Pending);
    }
  }

  #assign(slot: Slot, job: Pending): void {
    clearTimeout(slot.idleTimer);
    slot.job = job;
    slot.jobStderr = '';
    job.slot = slot;
    setChildRef(slot, true);
    if (slot.started) this.#startJob(slot, job);
  }

  #startJob(slot: Slot, job: Pending): void {
    job.sent = true;
    const failure = sendToChild(slot, { type: 'run', id: job.id, input: job.input });
    if (failure) {
      // Nothing reached the child (the input could not be serialised): it is still free.
      slot.job = null;
      settleJob(job, () => job.reject(new AppError('INVALID_INPUT', `The job's input cannot be sent to its process: ${failure.message}`)));
      this.#idle(slot);
    }
  }

  #spawn(): Slot {
    const limits = { heapMb: this.#heapMb, memoryMb: this.#memoryMb, env: this.#options.env };
    const slot: Slot = spawnChild(this.#options.script, limits, {
      message: (message) => this.#onMessage(slot, message),
      exit: (code, signal, spawnError) => this.#onExit(slot, code, signal, spawnError),
    });
    this.#started += 1;
    this.#slots.push(slot);
    return slot;
  }

  #onMessage(slot: Slot, message: FromChild): void {
    if (slot.done) return;
    if (message.type === 'started') {
      slot.started = true;
      // A stop sent before the child listened may have gone unheard.
      if (slot.stopping) {
        sendToChild(slot, { type: 'stop' });
        return;
      }
      const failure = sendToChild(slot, { type: 'setup', init: this.#options.init });
      if (failure) {
        // The pool's init cannot cross to a child: no child of this pool can work.
        const job = slot.job;
        slot.job = null;
        if (job) settleJob(job, () => job.reject(new AppError('INVALID_INPUT', `The job pool's init cannot be sent to its process: ${failure.message}`)));
        this.#stop(slot);
        this.#dispatch();
        return;
      }
      if (slot.job) this.#startJob(slot, slot.job);
      else this.#idle(slot);
      return;
    }
    if (message.type === 'setup-failed') {
      slot.retiring = true;
      if (!slot.job) this.#stop(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== message.id || job.settled) return;
    const { onProgress, onText, onCheckpoint } = job.options;
    switch (message.type) {
      case 'progress':
        guard('onProgress', () => onProgress?.(message.done, message.total, message.message));
        return;
      case 'text':
        guard('onText', () => onText?.(message.delta));
        return;
      case 'checkpoint':
        guard('onCheckpoint', () => onCheckpoint?.(message.value));
        return;
      case 'result':
        this.#finish(slot, job, () => (job.cancelling || job.options.signal?.aborted ? job.reject(cancelled()) : job.resolve(message.value)));
        return;
      case 'error': {
        const error = this.#jobError(slot, job, message.error);
        this.#finish(slot, job, () => job.reject(error));
        return;
      }
    }
  }

  /** The error a job reported, as it goes to the caller. */
  #jobError(slot: Slot, job: Pending, error: ApiError): AppError {
    if (job.cancelling || job.options.signal?.aborted) return cancelled();
    // An allocation that failed under the limits surfaces as an ordinary exception
    // (RangeError, ORT's "Failed to allocate memory"): a memory failure all the same, and
    // the process that had it is not trusted with another job.
    if (error.code !== 'CANCELLED' && error.code !== 'INSUFFICIENT_MEMORY' && OUT_OF_MEMORY.test(error.message)) {
      slot.retiring = true;
      return new JobCrashError('memory', `The job ran out of memory: ${error.message}`, { stderr: slot.jobStderr });
    }
    return new AppError(error.code, error.message, error.issues ? { issues: error.issues } : {});
  }

  /** Settles a job its child answered, and frees (or retires) the child. */
  #finish(slot: Slot, job: Pending, settle: () => void): void {
    slot.job = null;
    settleJob(job, settle);
    if (slot.retiring || this.#closed) this.#stop(slot);
    else this.#idle(slot);
    this.#dispatch();
  }

  #idle(slot: Slot): void {
    if (slot.stopping) return;
    clearTimeout(slot.idleTimer);
    const idleMs = this.#options.idleMs ?? DEFAULT_IDLE_MS;
    if (Number.isFinite(idleMs)) slot.idleTimer = setTimeout(() => this.#stop(slot), Math.max(0, idleMs)).unref();
    // An idle child does not keep the app (or a CLI run) alive; it exits with its parent.
    setChildRef(slot, false);
  }

  #cancel(job: Pending): void {
    if (job.settled) return;
    const slot = job.slot;
    if (!slot) {
      const index = this.#queue.indexOf(job);
      if (index >= 0) this.#queue.splice(index, 1);
      settleJob(job, () => job.reject(cancelled()));
      return;
    }
    if (!job.sent) {
      // Its child is still starting: it stays, set up, for the next job.
      slot.job = null;
      settleJob(job, () => job.reject(cancelled()));
      this.#dispatch();
      return;
    }
    job.cancelling = true;
    sendToChild(slot, { type: 'cancel', id: job.id });
    job.graceTimer = setTimeout(() => {
      if (job.settled) return;
      slot.job = null;
      settleJob(job, () => job.reject(cancelled()));
      this.#kill(slot);
      this.#dispatch();
    }, job.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
  }

  /** Asks a child to exit; kills it if it has not after a grace period. */
  #stop(slot: Slot): void {
    if (slot.stopping || slot.done) return;
    slot.stopping = true;
    clearTimeout(slot.idleTimer);
    sendToChild(slot, { type: 'stop' });
    slot.killTimer = setTimeout(() => this.#kill(slot), STOP_GRACE_MS);
  }

  #kill(slot: Slot): void {
    slot.stopping = true;
    clearTimeout(slot.idleTimer);
    if (!slot.done) killChildProcess(slot);
  }

  #onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    if (slot.done) return;
    slot.done = true;
    slot.stopping = true;
    clearTimeout(slot.idleTimer);
    clearTimeout(slot.killTimer);
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    slot.markExited();
    const crash = spawnError
      ? new JobCrashError('exit', spawnError, { stderr: slot.jobStderr })
      : classifyCrash({ code, signal, stderr: slot.jobStderr }, { heapMb: this.#heapMb, memoryMb: slot.limited ? this.#memoryMb : null });
    const job = slot.job;
    slot.job = null;
    if (job && !job.settled) {
      if (job.cancelling || job.options.signal?.aborted || this.#closed) {
        settleJob(job, () => job.reject(cancelled()));
      } else {
        settleJob(job, () => job.reject(crash));
      }
    }
    this.#dispatch();
  }
}

