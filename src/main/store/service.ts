import { resolve } from 'node:path';
import type { ImportReport, ImportRequest } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { LAYOUTS, commitImport, folderProber, previewImport, type ClipHasher, type ClipProber } from '../corpus/import';
import { RecentWorkspaces, type RecentWorkspace } from './recent';
import { createWorkspace, openWorkspace, type Workspace } from './workspace';

export interface MediaHooks {
  /**
   * The media layer's probe. Frame folders carry no frame rate, so the dataset's own
   * (CASME II 200 fps, SAMM 200 fps, …) is passed along for them.
   */
  prober?: (clipPath: string, datasetFps: number) => ReturnType<ClipProber>;
  /** The media layer's hashMedia; clips are stored without sha256 until it is wired. */
  hasher?: ClipHasher;
}

/** Holds the one open workspace of this process and remembers recently opened ones. */
export class WorkspaceService {
  readonly recentList: RecentWorkspaces;
  #current: Workspace | null = null;

  constructor(
    userDataDir: string,
    readonly media: MediaHooks = {},
  ) {
    this.recentList = new RecentWorkspaces(userDataDir);
  }

  get current(): Workspace | null {
    return this.#current;
  }

  /** The open workspace, or a clear error telling the user to open one. */
  require(): Workspace {
    if (!this.#current?.isOpen) throw new AppError('NOT_FOUND', 'No workspace is open: create or open one first');
    this.#current.assertPresent();
    return this.#current;
  }

  async create(path: string): Promise<WorkspaceInfo> {
    return this.#adopt(createWorkspace(path));
  }

  async open(path: string): Promise<WorkspaceInfo> {
    if (this.#current?.isOpen && this.#current.path === resolve(path)) return this.#current.info();
    return this.#adopt(openWorkspace(path));
  }

  close(): boolean {
    const was = this.#current?.isOpen ?? false;
    this.#current?.close();
    this.#current = null;
    return was;
  }

  info(): WorkspaceInfo | null {
    return this.#current?.isOpen ? this.#current.info() : null;
  }

  recent(): Promise<RecentWorkspace[]> {
    return this.recentList.list();
  }

  previewImport(request: ImportRequest): Promise<ImportReport> {
    return previewImport(this.#current?.isOpen ? this.#current : null, request, this.#deps(request));
  }

  commitImport(request: ImportRequest): Promise<ImportReport> {
    return commitImport(this.require(), request, this.#deps(request));
  }

  #deps(request: ImportRequest) {
    const fps = LAYOUTS[request.dataset].fps;
    const probe = this.media.prober;
    return { prober: probe ? (path: string) => probe(path, fps) : folderProber(fps), hasher: this.media.hasher };
  }

  async #adopt(workspace: Workspace): Promise<WorkspaceInfo> {
    this.close();
    this.#current = workspace;
    await this.recentList.touch(workspace.path);
    return workspace.info();
  }
}
