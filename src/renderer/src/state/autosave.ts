/**
 * Debounced autosave: every change is written within `delayMs` of the last edit, with
 * no Save button. Pending work is keyed (one entry per annotation/event), so switching
 * clips or closing the window can `flush()` everything still dirty.
 *
 * A failed save is never dropped. What happens next depends on the failure (`classify`):
 * - retry: a transient failure (network, busy database) is tried again after a back-off
 *   (0.5 s, 1 s, 2 s … at most 30 s); the state says when (`retryAt`);
 * - hold: the key waits for a person's decision (an edit conflict); later edits of it are
 *   kept but not sent until `resume` (save on top) or `discard` (drop mine);
 * - fail: a refusal; the key stays dirty and is tried again on the next edit or flush.
 */
import { retryDelayMs } from './backoff';

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'retrying' | 'conflict' | 'error';
export type FailureAction = 'retry' | 'hold' | 'fail';

export interface AutosaveOptions<T> {
  save(key: string, value: T): Promise<void>;
  delayMs?: number;
  /** What a failed save means; every failure is a refusal ('fail') by default. */
  classify?(error: unknown): FailureAction;
}

export interface AutosaveState {
  readonly status: SaveStatus;
  readonly error: string | null;
  /** Keys not yet saved: waiting, retrying or held. */
  readonly dirty: number;
  /** When the next retry of a transient failure starts (epoch ms), or null. */
  readonly retryAt: number | null;
}

export class Autosaver<T> {
  readonly #save: (key: string, value: T) => Promise<void>;
  readonly #delayMs: number;
  readonly #classify: (error: unknown) => FailureAction;
  readonly #pending = new Map<string, T>();
  readonly #held = new Map<string, T>();
  readonly #inFlight = new Set<string>();
  readonly #listeners = new Set<(state: AutosaveState) => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> = Promise.resolve();
  #attempt = 0;
  #retryAt: number | null = null;
  #state: AutosaveState = { status: 'idle', error: null, dirty: 0, retryAt: null };

  constructor(options: AutosaveOptions<T>) {
    this.#save = options.save;
    this.#delayMs = options.delayMs ?? 600;
    this.#classify = options.classify ?? (() => 'fail');
  }

  get state(): AutosaveState {
    return this.#state;
  }

  /** Marks `key` dirty with its latest value; the save happens after the debounce (or the pending retry). */
  schedule(key: string, value: T): void {
    if (this.#held.has(key)) {
      this.#held.set(key, value);
      this.#publish(this.#state.status, this.#state.error);
      return;
    }
    this.#pending.set(key, value);
    this.#publish(this.#held.size ? 'conflict' : this.#retryAt !== null ? 'retrying' : 'pending', this.#state.error);
    this.#arm(this.#delayMs);
  }

  /** Whether `key` has an edit not yet known to be saved: waiting, in flight or held. */
  isPending(key: string): boolean {
    return this.#pending.has(key) || this.#inFlight.has(key) || this.#held.has(key);
  }

  /** Writes everything dirty now (held keys excepted); resolves when written (or failed). Safe to call repeatedly. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // Saves run one batch at a time so an older value can never overwrite a newer one.
    this.#running = this.#running.then(() => this.#drain());
    return this.#running;
  }

  /** A held key is to be saved after all (with whatever the save function now sends). */
  resume(key: string): void {
    if (!this.#held.has(key)) return;
    this.#pending.set(key, this.#held.get(key) as T);
    this.#held.delete(key);
    void this.flush();
  }

  /** Drops a held or waiting key: its value is not to be saved. */
  discard(key: string): void {
    const had = this.#held.delete(key) || this.#pending.delete(key);
    if (!had) return;
    const status = this.#held.size ? 'conflict' : this.#pending.size ? this.#state.status : this.#state.status === 'idle' ? 'idle' : 'saved';
    this.#publish(status, this.#held.size || this.#pending.size ? this.#state.error : null);
  }

  /** Keys whose latest value is not known to be saved (waiting, in flight, retrying or held). */
  unsavedKeys(): string[] {
    return [...new Set([...this.#pending.keys(), ...this.#inFlight, ...this.#held.keys()])];
  }

  subscribe(listener: (state: AutosaveState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #arm(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    // A back-off in progress is not cut short by a new edit: the retry will carry it.
    const wait = this.#retryAt === null ? delay : Math.max(delay, this.#retryAt - Date.now());
    this.#timer = setTimeout(() => void this.flush(), wait);
  }

  async #drain(): Promise<void> {
    if (!this.#pending.size) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [key] of batch) this.#inFlight.add(key);
    this.#publish('saving', null);
    let message: string | null = null;
    let retry = false;
    let refused = false;
    for (const [key, value] of batch) {
      try {
        await this.#save(key, value);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
        const action = this.#classify(error);
        // The newest value wins: an edit made while this save was in flight is kept.
        const latest = this.#pending.has(key) ? (this.#pending.get(key) as T) : value;
        if (action === 'hold') {
          this.#pending.delete(key);
          this.#held.set(key, latest);
        } else {
          this.#pending.set(key, latest);
          if (action === 'retry') retry = true;
          else refused = true;
        }
      } finally {
        this.#inFlight.delete(key);
      }
    }
    if (retry) {
      this.#attempt += 1;
      this.#retryAt = Date.now() + retryDelayMs(this.#attempt);
      this.#arm(0);
    } else if (!refused) {
      this.#attempt = 0;
      this.#retryAt = null;
    }
    const status = this.#held.size ? 'conflict' : refused ? 'error' : retry ? 'retrying' : this.#pending.size ? 'pending' : 'saved';
    this.#publish(status, message ?? (this.#held.size ? this.#state.error : null));
    if (this.#pending.size && message === null) await this.#drain();
  }

  #publish(status: SaveStatus, error: string | null): void {
    const retryAt = status === 'saved' || status === 'idle' ? null : this.#retryAt;
    this.#state = { status, error, dirty: this.#pending.size + this.#held.size + this.#inFlight.size, retryAt };
    for (const listener of this.#listeners) listener(this.#state);
  }
}
