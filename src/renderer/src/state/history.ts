/**
 * Undo/redo across every edit of an annotation session (markers, AUs, emotion,
 * description, suggestion accept/reject). A command knows how to apply and revert
 * itself; consecutive commands with the same `mergeKey` inside `mergeWindowMs` fold
 * into one step so typing a description is one undo, not one per keystroke.
 */
export interface Command {
  /** i18n key (or plain id) describing the step, shown in tooltips. */
  readonly label: string;
  apply(): void;
  revert(): void;
  /** Commands with the same key typed in quick succession merge into one undo step. */
  readonly mergeKey?: string;
}

interface Entry {
  label: string;
  mergeKey: string | undefined;
  at: number;
  steps: Command[];
}

export interface HistoryOptions {
  readonly limit?: number;
  readonly mergeWindowMs?: number;
  readonly now?: () => number;
}

export class CommandHistory {
  readonly #done: Entry[] = [];
  readonly #undone: Entry[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #limit: number;
  readonly #mergeWindowMs: number;
  readonly #now: () => number;

  constructor(options: HistoryOptions = {}) {
    this.#limit = options.limit ?? 500;
    this.#mergeWindowMs = options.mergeWindowMs ?? 800;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Applies the command and records it; a new edit clears the redo stack. */
  execute(command: Command): void {
    command.apply();
    const at = this.#now();
    const last = this.#done.at(-1);
    if (last && command.mergeKey !== undefined && last.mergeKey === command.mergeKey && at - last.at <= this.#mergeWindowMs) {
      last.steps.push(command);
      last.at = at;
    } else {
      this.#done.push({ label: command.label, mergeKey: command.mergeKey, at, steps: [command] });
      if (this.#done.length > this.#limit) this.#done.shift();
    }
    this.#undone.length = 0;
    this.#notify();
  }

  undo(): boolean {
    const entry = this.#done.pop();
    if (!entry) return false;
    for (const step of [...entry.steps].reverse()) step.revert();
    this.#undone.push(entry);
    this.#notify();
    return true;
  }

  redo(): boolean {
    const entry = this.#undone.pop();
    if (!entry) return false;
    for (const step of entry.steps) step.apply();
    // A redone step never merges with the next edit.
    this.#done.push({ ...entry, mergeKey: undefined });
    this.#notify();
    return true;
  }

  get canUndo(): boolean {
    return this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#undone.length > 0;
  }

  get undoLabel(): string | null {
    return this.#done.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.#undone.at(-1)?.label ?? null;
  }

  /** Ends merging: the next command starts a new undo step (e.g. on blur). */
  seal(): void {
    const last = this.#done.at(-1);
    if (last) last.mergeKey = undefined;
  }

  clear(): void {
    this.#done.length = 0;
    this.#undone.length = 0;
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** A command that sets a value through a setter, remembering the previous one. */
export function setValueCommand<T>(label: string, read: () => T, write: (value: T) => void, next: T, mergeKey?: string): Command {
  const previous = read();
  return { label, mergeKey, apply: () => write(next), revert: () => write(previous) };
}
