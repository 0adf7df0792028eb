/** What a process pool is configured with, what a job run is given, and what the pool reports. */
import type { JobScript } from './script';

export interface PoolOptions {
  /** The child entry (from jobScript()): a file that calls serveJobs(). */
  readonly script: JobScript;
  /** Number of child processes (>= 1): jobs beyond it wait, first in first out. */
  readonly size: number;
  /** Sent once to each child's setup (models dir, ORT threads…); structured-cloneable. */
  readonly init?: unknown;
  /** Memory limit per child (RLIMIT_DATA: committed memory, Linux only; why, in pool.ts); default 6144. */
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
