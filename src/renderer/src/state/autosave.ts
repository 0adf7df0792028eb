/**
 * Debounced autosave: every change is written within `delayMs` of the last edit, with
 * no Save button. Pending work is keyed (one entry per annotation/event), so switching
 * clips or closing the window can `flush()` everything still dirty. A failed save stays
 * dirty and is retried on the next schedule or flush; the status says so.
 */
export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface AutosaveOptions<T> {
  save(key: string, value: T): Promise<void>;
  delayMs?: number;
}

export interface AutosaveState {
  readonly status: SaveStatus;
  readonly error: string | null;
  readonly dirty: number;
}

export class Autosaver<T> {
  readonly #save: (key: string, value: T) => Promise<void>;
  readonly #delayMs: number;
  readonly #pending = new Map<string, T>();
  readonly #listeners = new Set<(state: AutosaveState) => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> = Promise.resolve();
  #state: AutosaveState = { status: 'idle', error: null, dirty: 0 };
  readonly #writing = new Set<string>();

  constructor(options: AutosaveOptions<T>) {
    this.#save = options.save;
    this.#delayMs = options.delayMs ?? 600;
  }

  get state(): AutosaveState {
    return this.#state;
  }

  /** Marks `key` dirty with its latest value; the save happens after the debounce. */
  schedule(key: string, value: T): void {
    this.#pending.set(key, value);
    this.#set({ status: 'pending', error: this.#state.error, dirty: this.#pending.size });
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.#delayMs);
  }

  /** Whether `key` has an edit waiting to be written or being written now. */
  isPending(key: string): boolean {
    return this.#pending.has(key) || this.#writing.has(key);
  }

  /** Writes everything dirty now; resolves when written (or failed). Safe to call repeatedly. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // Saves run one batch at a time so an older value can never overwrite a newer one.
    this.#running = this.#running.then(() => this.#drain());
    return this.#running;
  }

  subscribe(listener: (state: AutosaveState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #drain(): Promise<void> {
    if (!this.#pending.size) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    this.#set({ status: 'saving', error: null, dirty: batch.length });
    let failure: string | null = null;
    for (const [key, value] of batch) {
      this.#writing.add(key);
      try {
        await this.#save(key, value);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        // Keep the failed value unless a newer edit arrived meanwhile.
        if (!this.#pending.has(key)) this.#pending.set(key, value);
      } finally {
        this.#writing.delete(key);
      }
    }
    const dirty = this.#pending.size;
    this.#set({ status: failure ? 'error' : dirty ? 'pending' : 'saved', error: failure, dirty });
    if (dirty && !failure) await this.#drain();
  }

  #set(state: AutosaveState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
