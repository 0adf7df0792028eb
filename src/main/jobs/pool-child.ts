/**
 * One job process of the pool: spawned in its own process group under the heap and memory
 * limits, its stderr's tail kept to classify a crash, its exit reported once stderr is
 * drained (or after a short wait), and killed with whatever it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { FromChild, ToChild } from './child-protocol';
import type { Pending } from './pool-job';
import { jobCommand, type JobScript } from './script';

/** How long to wait, after a child exits, for the rest of its stderr. */
const STDERR_DRAIN_MS = 500;
const STDERR_TAIL = 8192;
const detached = process.platform !== 'win32';

/** A child process as the pool tracks it: its state and the job it runs. */
export interface Slot {
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

/** What a child's process reports to its pool. */
export interface ChildEvents {
  message(message: FromChild): void;
  /** Called once stderr is drained (or after STDERR_DRAIN_MS); `spawnError` when it never started. */
  exit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void;
}

export interface ChildLimits {
  readonly heapMb: number;
  /** RLIMIT_DATA in MB where `prlimit` is present, else null. */
  readonly memoryMb: number | null;
  readonly env?: Record<string, string>;
}

export function spawnChild(script: JobScript, limits: ChildLimits, events: ChildEvents): Slot {
  const { command, args, env, limited } = jobCommand(script, limits);
  // Own process group (POSIX): killing the group also ends what the job started (ffmpeg).
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', env, detached, windowsHide: true });

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

  proc.stdout?.resume();
  proc.stdout?.on('error', () => undefined);
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    slot.jobStderr = (slot.jobStderr + chunk).slice(-STDERR_TAIL);
  });
  proc.stderr?.on('error', () => undefined);
  proc.on('message', (message: FromChild) => events.message(message));
  proc.on('error', (error: Error) => {
    // Spawning failed (no 'exit' follows); later errors are failed sends, handled on exit.
    if (proc.pid === undefined) events.exit(null, null, `The job's process could not start: ${error.message}`);
  });
  proc.on('exit', (code, signal) => {
    killChildGroup(slot);
    // 'close' follows once stderr is drained; do not wait for it forever.
    const drained = setTimeout(() => events.exit(code, signal), STDERR_DRAIN_MS);
    proc.once('close', () => {
      clearTimeout(drained);
      events.exit(code, signal);
    });
  });
  return slot;
}

/** Sends a message; returns the error when it could not even be serialised. A closed channel is left to the exit handler. */
export function sendToChild(slot: Slot, message: ToChild): Error | null {
  if (!slot.proc.connected) return null;
  try {
    slot.proc.send(message, undefined, {}, () => undefined);
    return null;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** SIGKILLs the child's process group (POSIX): the child and whatever it started. */
export function killChildGroup(slot: Slot): boolean {
  if (!detached || slot.pid === undefined) return false;
  try {
    process.kill(-slot.pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the child with its group, or alone where there are no process groups. */
export function killChildProcess(slot: Slot): void {
  if (killChildGroup(slot)) return;
  try {
    slot.proc.kill('SIGKILL');
  } catch {
    // already gone
  }
}

/** A busy child keeps the app (or a CLI run) alive; an idle one exits with its parent. */
export function setChildRef(slot: Slot, ref: boolean): void {
  const handles = [slot.proc, slot.proc.channel, slot.proc.stdout, slot.proc.stderr] as Array<{ ref?(): void; unref?(): void } | null | undefined>;
  for (const handle of handles) {
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
}
