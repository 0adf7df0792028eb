/**
 * Main answers `media.open` once frame 0 decodes and checks the last frame after; a clip
 * that fails that check is closed in main and announced as `media.refused`. The refusal can
 * come before the view that shows the clip has mounted (even before the open's answer, on
 * the bridge), so the renderer keeps the last refusal per clip from its first open on, and
 * the view reads it whenever it subscribes.
 */
import { MediaRefusedSchema } from '@shared/api/events';

/** Refusals kept: the clips refused since the window opened, newest last. */
const KEPT = 64;

interface Heard {
  readonly message: string;
  /** Which open this refusal can belong to: the count of opens asked for when it came. */
  readonly opensAsked: number;
}

/** The last refusal per clip id; a re-open of the clip answered clean drops the older one. */
export class ClipRefusals {
  readonly #heard = new Map<string, Heard>();
  readonly #listeners = new Set<() => void>();
  #opensAsked = 0;

  /** A `media.refused` payload; anything else is ignored. */
  heard(payload: unknown): void {
    const refused = MediaRefusedSchema.safeParse(payload);
    if (!refused.success) return;
    const { clipId, message } = refused.data;
    this.#heard.delete(clipId);
    this.#heard.set(clipId, { message, opensAsked: this.#opensAsked });
    if (this.#heard.size > KEPT) this.#heard.delete(this.#heard.keys().next().value as string);
    this.#changed();
  }

  /** Before `media.open` is asked; `answered` with its clip id once it answers. */
  opening(): { answered(clipId: string): void } {
    const asked = ++this.#opensAsked;
    return {
      // A refusal heard before this open was asked is about the content checked before; one
      // heard since is this open's own (it may come before the answer) and stays.
      answered: (clipId) => {
        const heard = this.#heard.get(clipId);
        if (heard && heard.opensAsked < asked) {
          this.#heard.delete(clipId);
          this.#changed();
        }
      },
    };
  }

  reason(clipId: string | null): string | null {
    return clipId === null ? null : (this.#heard.get(clipId)?.message ?? null);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

