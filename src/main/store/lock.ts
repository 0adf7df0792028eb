import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { AppError } from '@shared/errors';
import { fromSystemError } from '../util/system-errors';

/**
 * One writer per workspace: an exclusive sidecar file `<workspace>-lock` holding the
 * owner's pid and host. A lock whose process is gone (killed, crashed) is stale and is
 * taken over, so a SIGKILL never leaves a workspace unopenable.
 */
export interface WorkspaceLock {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

export function lockPathFor(workspacePath: string): string {
  return `${workspacePath}-lock`;
}

export function acquireWorkspaceLock(workspacePath: string): WorkspaceLock {
  const path = lockPathFor(workspacePath);
  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new AppError('WORKSPACE_READONLY', `${workspacePath} is in a read-only folder; copy it somewhere writable to edit it`, {
          cause: error,
        });
      }
      if (code !== 'EEXIST') throw fromSystemError(error);
      const owner = readOwner(path);
      if (!owner && isFresh(path)) {
        throw new AppError('WORKSPACE_LOCKED', `${workspacePath} is being opened by another process at the same time; try again`);
      }
      if (owner && isAlive(owner)) {
        const who = owner.pid === process.pid ? 'this app' : `another MELLM Workstation (process ${owner.pid} on ${owner.host})`;
        throw new AppError('WORKSPACE_LOCKED', `${workspacePath} is already open in ${who}; close it there first`);
      }
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() } satisfies LockOwner));
    } catch (error) {
      rmSync(path, { force: true });
      throw fromSystemError(error); // a full disk: an empty lock would look stale anyway
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        // Only remove the lock if it is still ours (a stale-lock takeover may have replaced it).
        if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new AppError('WORKSPACE_LOCKED', `${workspacePath} is being opened by another process at the same time; try again`);
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null; // unreadable or half-written by a killed process: stale
  }
}

/** An empty lock younger than a second is another opener between create and write. */
function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 1000;
  } catch {
    return false;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (shared drive) cannot be checked: respect it.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
