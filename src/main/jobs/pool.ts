import { spawn, type ChildProcess } from 'node:child_process';
import { AppError, type ApiError } from '@shared/errors';
import type { FromChild, ToChild } from './child-protocol';
import { classifyCrash, JobCrashError, OUT_OF_MEMORY } from './crash';
import { jobCommand, prlimitPath, type JobScript } from './script';

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

export interface PoolOptions {
  /** The child entry (from jobScript()): a file that calls serveJobs(). */
  readonly script: JobScript;
  /** Number of child processes (>= 1): jobs beyond it wait, first in first out. */
  readonly size: number;
  /** Sent once to each child's setup (models dir, ORT threads…); structured-cloneable. */
  readonly init?: unknown;
  /** Memory limit per child (RLIMIT_DATA: committed memory, Linux only, see above); default 6144. */
  readonly maxMemoryMb?: number;
  /** V8 heap limit per child (--max-old-space-size); default 4096. */
  readonly maxHeapMb?: number;
  /** A child idle this long is stopped (the next job starts a fresh one); default 120 s, Infinity keeps it. */
  readonly idleMs?: number;
  /** Added to the children's environment. */
  readonly env?: Record<string, string>;
}

export interface PoolRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, message?: string) => void;
  readonly onText?: (delta: string) => void;
  /** A checkpoint the job handed out (a long scan's state), for resuming it after a crash. */
  readonly onCheckpoint?: (value: unknown) => void;
  /** How long a cancelled job may take to stop before its process is killed; default 2000. */
  readonly cancelGraceMs?: number;
}

export interface PoolStats {
  /** Child processes alive (starting, idle, busy or stopping). */
  readonly children: number;
  /** Jobs handed to a child. */
  readonly busy: number;
  /** Jobs waiting for a child. */
  readonly queued: number;
  /** Processes started so far. */
  readonly started: number;
}

const DEFAULT_MAX_MEMORY_MB = 6144;
const DEFAULT_MAX_HEAP_MB = 4096;
const DEFAULT_IDLE_MS = 120_000;
const DEFAULT_CANCEL_GRACE_MS = 2000;
/** How long a child told to stop may take before it is killed. */
const STOP_GRACE_MS = 2000;
/** How long to wait, after a child exits, for the rest of its stderr. */
const STDERR_DRAIN_MS = 500;
const STDERR_TAIL = 8192;

interface Pending {
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

interface Slot {
  readonly proc: ChildProcess;
  readonly pid: number | undefined;
  /** Spawned under the memory limit. */
  readonly limited: boolean;
  /** The child's runtime is up (it sent `started`). */
  started: boolean;
  /** Told to stop or killed: takes no more work. */
  stopping: boolean;
  /** Takes no more work once its job is done (its setup failed, or it ran out of memory). */
  retiring: boolean;
  job: Pending | null;
  /** The last 8 KB of stderr since the current job was handed over (classifies its crash). */
  jobStderr: string;
  idleTimer: NodeJS.Timeout | undefined;
  killTimer: NodeJS.Timeout | undefined;
  done: boolean;
  readonly exited: Promise<void>;
  readonly markExited: () => void;
}

const cancelled = (message = 'Cancelled') => new AppError('CANCELLED', message);
const detached = process.platform !== 'win32';


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
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(cancelled('The job pool was closed')));
    for (const slot of this.#slots) {
      const job = slot.job;
      if (job) {
        slot.job = null;
        this.#settle(job, () => job.reject(cancelled('The job pool was closed')));
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
          this.#settle(job, () => job.reject(new JobCrashError('exit', `The job's process could not start: ${message}`)));
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
    this.#setRef(slot, true);
    if (slot.started) this.#startJob(slot, job);
  }

  #startJob(slot: Slot, job: Pending): void {
    job.sent = true;
    const failure = this.#send(slot, { type: 'run', id: job.id, input: job.input });
    if (failure) {
      // Nothing reached the child (the input could not be serialised): it is still free.
      slot.job = null;
      this.#settle(job, () => job.reject(new AppError('INVALID_INPUT', `The job's input cannot be sent to its process: ${failure.message}`)));
      this.#idle(slot);
    }
  }

  /** Sends a message; returns the error when it could not even be serialised. A closed channel is left to the exit handler. */
  #send(slot: Slot, message: ToChild): Error | null {
    if (!slot.proc.connected) return null;
    try {
      slot.proc.send(message, undefined, {}, () => undefined);
      return null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  #spawn(): Slot {
    const { command, args, env, limited } = jobCommand(this.#options.script, { heapMb: this.#heapMb, memoryMb: this.#memoryMb, env: this.#options.env });
    // Own process group (POSIX): killing the group also ends what the job started (ffmpeg).
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', env, detached, windowsHide: true });
    this.#started += 1;

    let markExited!: () => void;
    const slot: Slot = {
      proc,
      pid: proc.pid,
      limited,
      started: false,
      stopping: false,
      retiring: false,
      job: null,
      jobStderr: '',
      idleTimer: undefined,
      killTimer: undefined,
      done: false,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      markExited: () => markExited(),
    };
    this.#slots.push(slot);

    proc.stdout?.resume();
    proc.stdout?.on('error', () => undefined);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      slot.jobStderr = (slot.jobStderr + chunk).slice(-STDERR_TAIL);
    });
    proc.stderr?.on('error', () => undefined);
    proc.on('message', (message: FromChild) => this.#onMessage(slot, message));
    proc.on('error', (error: Error) => {
      // Spawning failed (no 'exit' follows); later errors are failed sends, handled on exit.
      if (proc.pid === undefined) this.#onExit(slot, null, null, `The job's process could not start: ${error.message}`);
    });
    proc.on('exit', (code, signal) => {
      this.#killGroup(slot);
      // 'close' follows once stderr is drained; do not wait for it forever.
      const drained = setTimeout(() => this.#onExit(slot, code, signal), STDERR_DRAIN_MS);
      proc.once('close', () => {
        clearTimeout(drained);
        this.#onExit(slot, code, signal);
      });
    });
    return slot;
  }

  #onMessage(slot: Slot, message: FromChild): void {
    if (slot.done) return;
    if (message.type === 'started') {
      slot.started = true;
      // A stop sent before the child listened may have gone unheard.
      if (slot.stopping) {
        this.#send(slot, { type: 'stop' });
        return;
      }
      const failure = this.#send(slot, { type: 'setup', init: this.#options.init });
      if (failure) {
        // The pool's init cannot cross to a child: no child of this pool can work.
        const job = slot.job;
        slot.job = null;
        if (job) this.#settle(job, () => job.reject(new AppError('INVALID_INPUT', `The job pool's init cannot be sent to its process: ${failure.message}`)));
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
    this.#settle(job, settle);
    if (slot.retiring || this.#closed) this.#stop(slot);
    else this.#idle(slot);
    this.#dispatch();
  }

  #settle(job: Pending, settle: () => void): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.graceTimer);
    job.options.signal?.removeEventListener('abort', job.onAbort);
    settle();
  }

  #idle(slot: Slot): void {
    if (slot.stopping) return;
    clearTimeout(slot.idleTimer);
    const idleMs = this.#options.idleMs ?? DEFAULT_IDLE_MS;
    if (Number.isFinite(idleMs)) slot.idleTimer = setTimeout(() => this.#stop(slot), Math.max(0, idleMs)).unref();
    // An idle child does not keep the app (or a CLI run) alive; it exits with its parent.
    this.#setRef(slot, false);
  }

  #cancel(job: Pending): void {
    if (job.settled) return;
    const slot = job.slot;
    if (!slot) {
      const index = this.#queue.indexOf(job);
      if (index >= 0) this.#queue.splice(index, 1);
      this.#settle(job, () => job.reject(cancelled()));
      return;
    }
    if (!job.sent) {
      // Its child is still starting: it stays, set up, for the next job.
      slot.job = null;
      this.#settle(job, () => job.reject(cancelled()));
      this.#dispatch();
      return;
    }
    job.cancelling = true;
    this.#send(slot, { type: 'cancel', id: job.id });
    job.graceTimer = setTimeout(() => {
      if (job.settled) return;
      slot.job = null;
      this.#settle(job, () => job.reject(cancelled()));
      this.#kill(slot);
      this.#dispatch();
    }, job.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
  }

  /** Asks a child to exit; kills it if it has not after a grace period. */
  #stop(slot: Slot): void {
    if (slot.stopping || slot.done) return;
    slot.stopping = true;
    clearTimeout(slot.idleTimer);
    this.#send(slot, { type: 'stop' });
    slot.killTimer = setTimeout(() => this.#kill(slot), STOP_GRACE_MS);
  }

  #kill(slot: Slot): void {
    slot.stopping = true;
    clearTimeout(slot.idleTimer);
    if (slot.done) return;
    if (!this.#killGroup(slot)) {
      try {
        slot.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** SIGKILLs the child's process group (POSIX): the child and whatever it started. */
  #killGroup(slot: Slot): boolean {
    if (!detached || slot.pid === undefined) return false;
    try {
      process.kill(-slot.pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  }

  #setRef(slot: Slot, ref: boolean): void {
    const handles = [slot.proc, slot.proc.channel, slot.proc.stdout, slot.proc.stderr] as Array<{ ref?(): void; unref?(): void } | null | undefined>;
    for (const handle of handles) {
      if (ref) handle?.ref?.();
      else handle?.unref?.();
    }
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
        this.#settle(job, () => job.reject(cancelled()));
      } else {
        this.#settle(job, () => job.reject(crash));
      }
    }
    this.#dispatch();
  }
}

/** Runs a caller's callback: its exception is reported, and does not take down the pool's message handling. */
function guard(name: string, callback: () => void): void {
  try {
    callback();
  } catch (error) {
    process.emitWarning(`A job's ${name} callback threw: ${error instanceof Error ? error.message : String(error)}`, { code: 'MELLM_POOL_CALLBACK' });
  }
}
