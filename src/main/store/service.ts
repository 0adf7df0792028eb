import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { RecentWorkspaces, type RecentWorkspace } from './recent';
import { createWorkspace, openWorkspace } from './index';
import type { WorkspaceStore } from './interface';

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

  async create(path: string): Promise<WorkspaceInfo> {
    return this.#adopt(await createWorkspace(path));
  }

  async open(path: string): Promise<WorkspaceInfo> {
    if (this.#current?.isOpen && sameFile(this.#current.location, resolve(path))) return this.#current.info();
    return this.#adopt(await openWorkspace(path));
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
