import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { RecentWorkspaces, type RecentWorkspace } from './recent';
import { createWorkspace, openWorkspace } from './index';
import type { WorkspaceStore } from './interface';
import { isServerLocation, redactLocation } from './location';

/** Holds the one open workspace of this process and remembers recently opened ones. */
export class WorkspaceService {
  readonly recentList: RecentWorkspaces;
  #current: WorkspaceStore | null = null;

  constructor(userDataDir: string) {
    this.recentList = new RecentWorkspaces(userDataDir);
  }

  get current(): WorkspaceStore | null {
    return this.#current;
  }

  /** The open workspace, or a clear error telling the user to open one. */
  require(): WorkspaceStore {
    if (!this.#current?.isOpen) throw new AppError('NOT_FOUND', 'No workspace is open: create or open one first');
    this.#current.assertPresent();
    return this.#current;
  }

  /** `location`: a file path or a server URL (its password is used to connect, never remembered). */
  async create(location: string): Promise<WorkspaceInfo> {
    return this.#adopt(await createWorkspace(location));
  }

  async open(location: string): Promise<WorkspaceInfo> {
    if (this.#current?.isOpen && sameWorkspace(this.#current.location, location)) return this.#current.info();
    return this.#adopt(await openWorkspace(location));
  }

  async close(): Promise<boolean> {
    const was = this.#current?.isOpen ?? false;
    const closing = this.#current;
    this.#current = null;
    await closing?.close();
    return was;
  }

  async info(): Promise<WorkspaceInfo | null> {
    return this.#current?.isOpen ? this.#current.info() : null;
  }

  recent(): Promise<RecentWorkspace[]> {
    return this.recentList.list();
  }

  async #adopt(workspace: WorkspaceStore): Promise<WorkspaceInfo> {
    await this.close();
    this.#current = workspace;
    await this.recentList.touch(workspace.location);
    return workspace.info();
  }
}

/** Whether an open workspace's location and a requested one are the same workspace: one server database, or one file. */
function sameWorkspace(open: string, requested: string): boolean {
  if (isServerLocation(open) || isServerLocation(requested)) return redactLocation(open) === redactLocation(requested.trim());
  return sameFile(open, resolve(requested));
}

/** Whether two paths name one file, under any names (symbolic or hard links). */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
