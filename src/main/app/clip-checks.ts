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
  /** Stored clip id → the file its last `media.open` read. */
  readonly #stored = new Map<number, string>();

  constructor(media: MediaLibrary) {
    this.#media = media;
  }

  /** The view opened workspace clip `id` from `path`. */
  opened(id: number, path: string): void {
    this.#stored.delete(id);
    this.#stored.set(id, path);
    if (this.#stored.size > STORED_KEPT) this.#stored.delete(this.#stored.keys().next().value as number);
  }

  /** Before a write naming the file at `path`. */
  async path(path: string): Promise<void> {
    if (this.#media.unsettled) await this.#media.settled(path);
  }

  /** Before a write naming workspace clip `id`. */
  async clip(id: number): Promise<void> {
    const path = this.#media.unsettled ? this.#stored.get(id) : undefined;
    if (path !== undefined) await this.#media.settled(path);
  }

  /** Before a write naming event `id` of the workspace `store`. */
  async event(store: WorkspaceStore, id: number): Promise<void> {
    if (!this.#media.unsettled || this.#stored.size === 0) return;
    await this.clip((await store.events.require(id)).clipId);
  }
}
