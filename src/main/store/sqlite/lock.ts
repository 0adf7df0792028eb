import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { AppError } from '@shared/errors';
import { fromSystemError } from '../../util/system-errors';

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
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      publish(path, JSON.stringify(owner));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new AppError('WORKSPACE_READONLY', `${workspacePath} is in a read-only folder; copy it somewhere writable to edit it`, {
          cause: error,
        });
      }
      if (code !== 'EEXIST') throw fromSystemError(error);
      const holder = readOwner(path);
      if (holder && isAlive(holder)) {
        const who = holder.pid === process.pid ? 'this app' : `another MELLM Workstation (process ${holder.pid} on ${holder.host})`;
        // A lock from another computer cannot be checked for liveness: say how to clear it.
        const remote = holder.host === hostname() ? '' : `, or delete ${path} if that computer crashed`;
        throw new AppError('WORKSPACE_LOCKED', `${workspacePath} is already open in ${who}; close it there first${remote}`);
      }
      rmSync(path, { force: true }); // stale: its process is gone, or it is not a lock we wrote
      continue;
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

/**
 * Creates `path` with `content` or fails with EEXIST, never leaving it empty: the owner
 * is written to a private file first and hard-linked into place (atomic), so a process
 * killed mid-way cannot leave a half-written lock that looks held. File systems without
 * hard links (FAT, exFAT) fall back to an exclusive create.
 */
function publish(path: string, content: string): void {
  // Per process, so a file stranded by a kill right here is reused, not piled up.
  const temp = `${path}.${process.pid}`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  } finally {
    rmSync(temp, { force: true });
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null; // unreadable or not ours: stale
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
