import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '@shared/errors';
import { isPidRunning, processStart, processStartedAt } from '../../util/process-identity';
import { fromSystemError } from '../../util/system-errors';
import { createExclusive, LOCK_FILE_PREFIX, readExclusive, removeIfPresent, type SeenFile } from './lock-file';

/**
 * One writer per workspace: an exclusive sidecar file `<workspace>-lock` naming its
 * owner (PID, host, the process' start, a nonce). A lock whose process is gone (killed,
 * crashed, or its PID now used by another program) is stale and is taken over, so a
 * SIGKILL never leaves a workspace unopenable.
 *
 * Taking over is the one racy step: several processes may find the same stale lock at
 * once, and a plain "remove, then create" lets a late remover delete the lock an early
 * one has just created. So a stale lock is removed only by the holder of its takeover
 * claim, an exclusive file named after that very lock file (`SeenFile.key`), after
 * checking that the same file is still in place: a compare-and-swap. A taker killed
 * while holding a claim leaves a stale claim, removed the same way one level up.
 */
export interface WorkspaceLock {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  at: string;
  nonce?: string;
  /** The owner's process start (`processStart`); absent where the system does not tell, and in older locks. */
  start?: string;
}

const ATTEMPTS = 200;
const CLAIM_DEPTH = 3;
/** Slack between a lock file's time and its writer's start time (clock ticks, file system time granularity). */
const START_SLACK_MS = 2000;

export function lockPathFor(workspacePath: string): string {
  return `${workspacePath}-lock`;
}

function ownRecord(): string {
  const start = processStart(process.pid);
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString(), nonce: randomBytes(16).toString('hex'), ...(start ? { start } : {}) };
  return JSON.stringify(owner);
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const owner = JSON.parse(raw) as Partial<LockOwner> | null;
    if (typeof owner?.pid !== 'number' || typeof owner.host !== 'string') return null;
    return owner.start === undefined || typeof owner.start === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote `seen` may still run; false only on evidence that it does not. */
function ownerRunning(owner: LockOwner | null, seen: SeenFile): boolean {
  if (!owner) return false; // empty, garbage, a link or a folder: not a lock we wrote
  // A lock from another host (shared drive) cannot be checked: respect it.
  if (owner.host !== hostname()) return true;
  if (!isPidRunning(owner.pid)) return false;
  const start = processStart(owner.pid);
  if (owner.start !== undefined) return start === null || start === owner.start;
  // An older lock without a start: a process started after the lock was written is not its owner.
  const startedAt = processStartedAt(owner.pid);
  return startedAt === null || startedAt <= seen.mtimeMs + START_SLACK_MS;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const jitter = () => 1 + Math.random() * 3;

/**
 * Removes the stale file `seen` found at `path`, unless something else has replaced it
 * meanwhile. Returns without removing when another process is doing the same right now.
 */
function removeStale(path: string, seen: SeenFile, depth: number): void {
  const claim = join(dirname(path), `${LOCK_FILE_PREFIX}takeover-${seen.key}`);
  if (!createExclusive(claim, ownRecord())) {
    const other = readExclusive(claim);
    if (other && depth < CLAIM_DEPTH && !ownerRunning(parseOwner(other.raw), other)) removeStale(claim, other, depth + 1);
    else sleep(jitter());
    return;
  }
  try {
    // Only claim holders remove a stale file, and this claim is ours: what is still found
    // here with the same key is the stale file itself, and no one else can remove it now.
    if (readExclusive(path)?.key === seen.key) removeIfPresent(path);
  } finally {
    removeIfPresent(claim);
  }
}

/**
 * Removes what crashed takers left beside the lock: temporary files and claims whose
 * writer is gone. Run after a stale lock was taken over, the one sign that something crashed.
 */
function sweep(lockPath: string): void {
  let names: string[];
  try {
    names = readdirSync(dirname(lockPath));
  } catch {
    return;
  }
  for (const name of names) {
    const kind = /^\.mellm-(takeover-[0-9a-f]{32}|lock-[0-9a-f]{24})$/.exec(name)?.[1];
    if (!kind) continue;
    const path = join(dirname(lockPath), name);
    const seen = readExclusive(path);
    const owner = seen && parseOwner(seen.raw);
    if (!seen || !owner || ownerRunning(owner, seen)) continue; // not ours, or its writer still runs
    if (kind.startsWith('takeover-')) removeStale(path, seen, 1);
    else removeIfPresent(path); // a private temporary name: no one else uses it
  }
}

function lockedError(workspacePath: string, path: string, owner: LockOwner): AppError {
  if (owner.pid === process.pid && owner.host === hostname()) {
    return new AppError('WORKSPACE_LOCKED', `${workspacePath} is already open in this app; close it there first`);
  }
  const who = `another MELLM Workstation (process ${owner.pid} on ${owner.host})`;
  const clear =
    owner.host === hostname()
      ? `. Only if no MELLM Workstation has it open (that process ended, or the number now belongs to another program), delete ${path} to clear the lock`
      : `, or delete ${path} if that computer crashed (only if no MELLM Workstation there has it open)`;
  return new AppError('WORKSPACE_LOCKED', `${workspacePath} is already open in ${who}; close it there first${clear}`);
}

function writeError(workspacePath: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new AppError('WORKSPACE_READONLY', `${workspacePath} is in a read-only folder; copy it somewhere writable to edit it`, { cause: error });
  }
  if (code === 'ENAMETOOLONG') {
    return new AppError('INVALID_INPUT', `${workspacePath}: the name is too long for this file system to keep a lock beside it; choose a shorter name`, {
      cause: error,
    });
  }
  return fromSystemError(error);
}

export function acquireWorkspaceLock(workspacePath: string): WorkspaceLock {
  try {
    return acquire(workspacePath);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw writeError(workspacePath, error);
  }
}

function acquire(workspacePath: string): WorkspaceLock {
  const path = lockPathFor(workspacePath);
  const record = ownRecord();
  let tookOver = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Re-checked after the write: what is at the name now must be this very record.
    if (createExclusive(path, record) && readExclusive(path)?.raw === record) {
      if (tookOver) sweep(path);
      return heldLock(path, record);
    }
    const seen = readExclusive(path);
    if (!seen) continue; // released meanwhile: try again
    const owner = parseOwner(seen.raw);
    if (owner && ownerRunning(owner, seen)) throw lockedError(workspacePath, path, owner);
    removeStale(path, seen, 0);
    tookOver = true;
  }
  throw new AppError(
    'WORKSPACE_LOCKED',
    `${workspacePath} is being opened by another process at the same time; try again (if this persists and no MELLM Workstation has it open, delete ${path} and the files starting with ${LOCK_FILE_PREFIX}takeover- beside it)`,
  );
}

function heldLock(path: string, record: string): WorkspaceLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only remove the lock if it is still this one.
      if (readExclusive(path)?.raw === record) removeIfPresent(path);
    },
  };
}
