/**
 * Everything an annotator changes during a session — event markers and annotation
 * fields of any clip — lives here, outside React: one undo history across all of it,
 * one autosaver writing each change within a second, and a flush that clip switches and
 * window close wait for. Views subscribe and render; they never own edited data.
 */
import { parseFacs } from '@shared/facs';
import type { Markers } from './markers';
import { Autosaver, type AutosaveState } from './autosave';
import { CommandHistory } from './history';
import { EMPTY_DRAFT, type AnnotationDraft, type DraftField, type Provenance } from './annotation';

export interface SavedAnnotation {
  readonly version: number;
}

/** What the session persists through (the store's channels in the app). */
export interface EditBackend {
  saveMarkers(eventId: number, markers: { onset: number; apex: number | null; offset: number }): Promise<void>;
  /** `amend`: the stored label is approved (locked); write a new, unlocked version of it. */
  saveAnnotation(eventId: number, annotator: string, draft: AnnotationDraft, provenance: Provenance, baseVersion: number | null, amend: boolean): Promise<SavedAnnotation>;
}

type Pending = { kind: 'markers'; eventId: number } | { kind: 'annotation'; eventId: number };

export class EditSession {
  readonly history = new CommandHistory();
  /** Whose annotation saves write (Settings' annotator name at save time). */
  #annotator = '';
  readonly saver: Autosaver<Pending>;
  readonly #drafts = new Map<number, AnnotationDraft>();
  readonly #provenance = new Map<number, Provenance>();
  readonly #markers = new Map<number, Markers>();
  readonly #versions = new Map<number, number>();
  /** Events whose stored label is approved and locked; edits wait for an explicit amend. */
  readonly #locked = new Set<number>();
  readonly #amending = new Set<number>();
  /** Markers before a drag started, so the drag is one undo step back to them. */
  readonly #dragOrigin = new Map<number, Markers>();
  /** Last AU string that parsed, saved while the field holds a typing error. */
  readonly #validAus = new Map<number, string>();
  readonly #listeners = new Set<() => void>();
  #revision = 0;

  constructor(backend: EditBackend, delayMs = 600) {
    this.saver = new Autosaver<Pending>({
      delayMs,
      save: async (_key, pending) => {
        if (pending.kind === 'markers') {
          const m = this.#markers.get(pending.eventId);
          if (!m || m.onset === null || m.offset === null) return;
          await backend.saveMarkers(pending.eventId, { onset: m.onset, apex: m.apex, offset: m.offset });
          return;
        }
        const draft = this.draft(pending.eventId);
        const aus = parseFacs(draft.aus).ok ? draft.aus : (this.#validAus.get(pending.eventId) ?? '');
        const saved = await backend.saveAnnotation(
          pending.eventId,
          this.#annotator,
          { ...draft, aus },
          this.#provenance.get(pending.eventId) ?? 'manual',
          this.#versions.get(pending.eventId) ?? null,
          this.#amending.has(pending.eventId),
        );
        this.#versions.set(pending.eventId, saved.version);
        // The amended version is a new, unlocked label: later saves are ordinary ones.
        if (this.#amending.delete(pending.eventId)) this.#locked.delete(pending.eventId);
      },
    });
    this.history.subscribe(() => this.#notify());
    this.saver.subscribe(() => this.#notify());
  }

  setAnnotator(name: string): void {
    this.#annotator = name;
  }

  /** Monotonic counter for React's useSyncExternalStore. */
  get revision(): number {
    return this.#revision;
  }

  get saveState(): AutosaveState {
    return this.saver.state;
  }

  /** Loads what the store holds for an event (no history entry, no save). */
  load(eventId: number, loaded: { draft: AnnotationDraft; provenance: Provenance; version: number | null; markers: Markers; locked?: boolean }): void {
    this.#drafts.set(eventId, loaded.draft);
    if (loaded.locked) this.#locked.add(eventId);
    else this.#locked.delete(eventId);
    this.#provenance.set(eventId, loaded.provenance);
    this.#markers.set(eventId, loaded.markers);
    if (loaded.version !== null) this.#versions.set(eventId, loaded.version);
    if (parseFacs(loaded.draft.aus).ok) this.#validAus.set(eventId, loaded.draft.aus);
    this.#notify();
  }

  /** True while the event's label is approved and the annotator has not chosen to amend it. */
  isLocked(eventId: number): boolean {
    return this.#locked.has(eventId) && !this.#amending.has(eventId);
  }

  /** The annotator chose to amend an approved label: the next save starts a new version. */
  amend(eventId: number): void {
    if (!this.#locked.has(eventId)) return;
    this.#amending.add(eventId);
    this.#notify();
  }

  isLoaded(eventId: number): boolean {
    return this.#drafts.has(eventId);
  }

  draft(eventId: number): AnnotationDraft {
    return this.#drafts.get(eventId) ?? EMPTY_DRAFT;
  }

  provenance(eventId: number): Provenance {
    return this.#provenance.get(eventId) ?? 'manual';
  }

  markers(eventId: number): Markers | null {
    return this.#markers.get(eventId) ?? null;
  }

  /**
   * Sets one field (and the annotation's provenance computed by the caller) as one undo
   * step; `typing` merges consecutive keystrokes in the same field.
   */
  setField<K extends DraftField>(eventId: number, field: K, value: AnnotationDraft[K], provenance: Provenance, typing = false): void {
    const before = { draft: this.draft(eventId), provenance: this.provenance(eventId) };
    const after = { draft: { ...before.draft, [field]: value }, provenance };
    const write = (state: typeof before) => {
      this.#drafts.set(eventId, state.draft);
      this.#provenance.set(eventId, state.provenance);
      if (parseFacs(state.draft.aus).ok) this.#validAus.set(eventId, state.draft.aus);
      this.saver.schedule(`annotation:${eventId}`, { kind: 'annotation', eventId });
      this.#notify();
    };
    this.history.execute({
      label: `edit.${field}`,
      mergeKey: typing ? `${eventId}:${field}` : undefined,
      apply: () => write(after),
      revert: () => write(before),
    });
  }

  /** Several fields at once (accepting a whole suggestion) as one undo step. */
  setDraft(eventId: number, draft: AnnotationDraft, provenance: Provenance, label: string): void {
    const before = { draft: this.draft(eventId), provenance: this.provenance(eventId) };
    const write = (d: AnnotationDraft, p: Provenance) => {
      this.#drafts.set(eventId, d);
      this.#provenance.set(eventId, p);
      if (parseFacs(d.aus).ok) this.#validAus.set(eventId, d.aus);
      this.saver.schedule(`annotation:${eventId}`, { kind: 'annotation', eventId });
      this.#notify();
    };
    this.history.execute({ label, apply: () => write(draft, provenance), revert: () => write(before.draft, before.provenance) });
  }

  setMarkers(eventId: number, next: Markers, label = 'edit.markers'): void {
    const before = this.#dragOrigin.get(eventId) ?? this.markers(eventId) ?? next;
    this.#dragOrigin.delete(eventId);
    const write = (m: Markers) => {
      this.#markers.set(eventId, m);
      this.saver.schedule(`markers:${eventId}`, { kind: 'markers', eventId });
      this.#notify();
    };
    this.history.execute({ label, apply: () => write(next), revert: () => write(before) });
  }

  /** Shows markers while dragging without recording or saving; `setMarkers` commits. */
  previewMarkers(eventId: number, next: Markers): void {
    const current = this.markers(eventId);
    if (current && !this.#dragOrigin.has(eventId)) this.#dragOrigin.set(eventId, current);
    this.#markers.set(eventId, next);
    this.#notify();
  }

  flush(): Promise<void> {
    return this.saver.flush();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    this.#revision += 1;
    for (const listener of this.#listeners) listener();
  }
}
