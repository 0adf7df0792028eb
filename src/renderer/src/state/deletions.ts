/**
 * Deleting events and clips as undoable session steps. A deletion is made at once and,
 * once the store took it, becomes one step of the session's undo history: undo restores,
 * redo deletes again. An event the session just created (pressing O on a clip without
 * one) is a step too, so Ctrl+Z takes an accidental event away. Views listen for the
 * changes (to drop or bring back a row) and show the notice of the latest deletion,
 * which lasts until the history moves on.
 */
import type { Clip, MeEvent } from '@shared/workspace';
import type { CommandHistory } from './history';

export type DeletionTarget = { readonly kind: 'event'; readonly event: MeEvent } | { readonly kind: 'clip'; readonly clip: Clip };

/** A target that was deleted (`deleted`) or came back. */
export interface DeletionChange {
  readonly target: DeletionTarget;
  readonly deleted: boolean;
}

/** What the views show: the latest deletion (undoable from there), or why a step failed. */
export type DeletionNotice = { readonly kind: 'deleted'; readonly target: DeletionTarget } | { readonly kind: 'failed'; readonly message: string };

export interface DeletionBackend {
  /** Writes pending edits first, so nothing typed is lost on a row about to be deleted. */
  flush(): Promise<void>;
  deleteEvent(id: number): Promise<unknown>;
  restoreEvent(id: number): Promise<MeEvent>;
  deleteClip(id: number): Promise<unknown>;
  restoreClip(id: number): Promise<Clip>;
}

export class SessionDeletions {
  readonly #history: CommandHistory;
  readonly #backend: DeletionBackend;
  readonly #describe: (failure: unknown) => string;
  readonly #changeListeners = new Set<(change: DeletionChange) => void>();
  readonly #noticeListeners = new Set<() => void>();
  /** Steps issued by undo/redo run one after another, in the order the history issued them. */
  #tail: Promise<void> = Promise.resolve();
  #notice: DeletionNotice | null = null;
  /** The notice the history step being applied brings; any other history change ends the notice. */
  #incoming: DeletionNotice | null = null;

  constructor(history: CommandHistory, backend: DeletionBackend, describe: (failure: unknown) => string) {
    this.#history = history;
    this.#backend = backend;
    this.#describe = describe;
    history.subscribe(() => {
      const next = this.#incoming;
      this.#incoming = null;
      if (next !== this.#notice && (next !== null || this.#notice?.kind === 'deleted')) this.#setNotice(next);
    });
  }

  get notice(): DeletionNotice | null {
    return this.#notice;
  }

  /**
   * Deletes the target now; when the store took it, records the undo step and shows the
   * notice. A refusal (e.g. an approved label without a reviewer) shows as the notice.
   */
  async delete(target: DeletionTarget): Promise<boolean> {
    try {
      await this.#backend.flush();
      await this.#remove(target);
    } catch (failure) {
      this.#setNotice({ kind: 'failed', message: this.#describe(failure) });
      return false;
    }
    let done = false;
    this.#history.execute({
      label: `deletion.steps.${target.kind}`,
      apply: () => {
        this.#incoming = { kind: 'deleted', target };
        // Done already the first time; a redo deletes again.
        if (done) this.#queue(() => this.#remove(target));
        done = true;
      },
      revert: () => this.#queue(() => this.#bringBack(target)),
    });
    return true;
  }

  /** An event the session just created: undo deletes it, redo brings it back. */
  created(event: MeEvent): void {
    let done = false;
    const target: DeletionTarget = { kind: 'event', event };
    this.#history.execute({
      label: 'deletion.steps.created',
      apply: () => {
        if (done) this.#queue(() => this.#bringBack(target));
        done = true;
      },
      revert: () => this.#queue(() => this.#remove(target)),
    });
  }

  /** Undoes the deletion the notice shows (the latest step of the history). */
  undo(): void {
    if (this.#notice?.kind === 'deleted') this.#history.undo();
  }

  dismiss(): void {
    this.#setNotice(null);
  }

  /** Rows deleted or brought back, by a deletion or by undo/redo. */
  onChange(listener: (change: DeletionChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onNotice(listener: () => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  /** Settles once every step issued so far has run (tests, closing). */
  settled(): Promise<void> {
    return this.#tail;
  }

  async #remove(target: DeletionTarget): Promise<void> {
    if (target.kind === 'event') await this.#backend.deleteEvent(target.event.id);
    else await this.#backend.deleteClip(target.clip.id);
    this.#changed({ target, deleted: true });
  }

  async #bringBack(target: DeletionTarget): Promise<void> {
    if (target.kind === 'event') this.#changed({ target: { kind: 'event', event: await this.#backend.restoreEvent(target.event.id) }, deleted: false });
    else this.#changed({ target: { kind: 'clip', clip: await this.#backend.restoreClip(target.clip.id) }, deleted: false });
  }

  #queue(step: () => Promise<void>): void {
    this.#tail = this.#tail.then(async () => {
      await this.#backend.flush();
      await step();
    }).catch((failure: unknown) => this.#setNotice({ kind: 'failed', message: this.#describe(failure) }));
  }

  #changed(change: DeletionChange): void {
    for (const listener of this.#changeListeners) listener(change);
  }

  #setNotice(notice: DeletionNotice | null): void {
    this.#notice = notice;
    for (const listener of this.#noticeListeners) listener();
  }
}
