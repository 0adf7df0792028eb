import type { MediaLibrary } from '../media/library';
import type { WorkspaceStore } from '../store/interface';

/** Workspace clips opened for the view, kept to find their file when a write names them. */
const STORED_KEPT = 256;

/**
 * Holds writes that name a clip until the clip's checks are done. The view's `media.open`
 * answers once frame 0 decodes and the last frame is checked after (MediaLibrary's
 * `lastFrameLater`); a write naming that clip — adding it to the workspace, an event, a
 * label — waits here for the check and is refused with its reason when the clip turned out
 * unreadable, so nothing is saved against it. With no check under way (the usual case)
 * a write passes without a look-up.
 */
export class ClipChecks {
  readonly #media: MediaLibrary;
  /**
   * Per workspace store, stored clip id → the file its last `media.open` read: clip ids are
   * the workspace's own, so another workspace's clip N is never taken for this one's.
   */
  readonly #stored = new WeakMap<WorkspaceStore, Map<number, string>>();

  constructor(media: MediaLibrary) {
    this.#media = media;
  }

  /** The view opened clip `id` of the workspace `store` from `path`. */
  opened(store: WorkspaceStore, id: number, path: string): void {
    let stored = this.#stored.get(store);
    if (!stored) this.#stored.set(store, (stored = new Map()));
    stored.delete(id);
    stored.set(id, path);
    if (stored.size > STORED_KEPT) stored.delete(stored.keys().next().value as number);
  }

  /** Before a write naming the file at `path`. */
  async path(path: string): Promise<void> {
    if (this.#media.unsettled) await this.#media.settled(path);
  }

  /** Before a write naming clip `id` of the workspace `store`. */
  async clip(store: WorkspaceStore, id: number): Promise<void> {
    const path = this.#media.unsettled ? this.#stored.get(store)?.get(id) : undefined;
    if (path !== undefined) await this.#media.settled(path);
  }

  /** Before a write naming event `id` of the workspace `store`. */
  async event(store: WorkspaceStore, id: number): Promise<void> {
    if (!this.#media.unsettled || !this.#stored.get(store)?.size) return;
    await this.clip(store, (await store.events.require(id)).clipId);
  }
}
