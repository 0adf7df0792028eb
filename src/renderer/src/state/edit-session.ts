/**
 * Everything an annotator changes during a session — event markers and annotation
 * fields of any clip — lives here, outside React: one undo history across all of it,
 * one autosaver writing each change within a second, and a flush that clip switches and
 * window close wait for. Views subscribe and render; they never own edited data.
 */
import type { AnnotationConflict } from '@shared/annotation-conflict';
import { parseFacs } from '@shared/facs';
import type { Markers } from './markers';
import { Autosaver, type AutosaveState } from './autosave';
import { keepMineDraft, sameDraft, theirsDraft } from './conflict';
import { CommandHistory } from './history';
import { EMPTY_DRAFT, type AnnotationDraft, type DraftField, type Provenance } from './annotation';
import { saveFailure } from './save-failure';
import type { LabelState, UnsavedLabel } from './unsaved-drafts';

export interface SavedAnnotation {
  readonly version: number;
  readonly status?: LabelStatus;
}

/** A label's place in the lifecycle: draft → submitted → approved | changes requested | rejected. */
export type LabelStatus = 'draft' | 'submitted' | 'approved' | 'changes_requested' | 'rejected';

/** What the session persists through (the store's channels in the app). */
export interface EditBackend {
  saveMarkers(eventId: number, markers: { onset: number; apex: number | null; offset: number }): Promise<void>;
  /**
   * `amend`: the stored label is approved (locked); write a new, unlocked version of it.
   * `status`: what the save makes of the label (edits keep it a draft; Submit submits it).
   */
  saveAnnotation(
    eventId: number,
    annotator: string,
    draft: AnnotationDraft,
    provenance: Provenance,
    baseVersion: number | null,
    amend: boolean,
    status?: 'draft' | 'submitted',
  ): Promise<SavedAnnotation>;
}

/** Where unsaved labels survive a reload (the tab's sessionStorage in the app). */
export interface LabelRecovery {
  read(eventId: number): UnsavedLabel | null;
  write(states: readonly LabelState[]): void;
}

type Pending = { kind: 'markers'; eventId: number } | { kind: 'annotation'; eventId: number };

/** What the session holds of one event. */
interface EventEdits {
  /** The label being edited; null until loaded or first edited. */
  draft: AnnotationDraft | null;
  /** The stored values `version` holds (what my edits started from); null when unknown. */
  base: AnnotationDraft | null;
  provenance: Provenance;
  markers: Markers | null;
  /** The stored version the next save builds on. */
  version: number | null;
  /** The stored label is approved and locked; edits wait for an explicit amend. */
  locked: boolean;
  /** The stored label's status; null before anything was stored. */
  status: LabelStatus | null;
  amending: boolean;
  /** Markers before a drag started, so the drag is one undo step back to them. */
  dragOrigin: Markers | null;
  /** Last AU string that parsed, saved while the field holds a typing error. */
  validAus: string | null;
  /** Someone else saved the label first: my edit waits for Load theirs or Keep mine. */
  conflict: AnnotationConflict | null;
}

const newEventEdits = (): EventEdits => ({
  draft: null,
  base: null,
  provenance: 'manual',
  markers: null,
  version: null,
  locked: false,
  status: null,
  amending: false,
  dragOrigin: null,
  validAus: null,
  conflict: null,
});
const annotationKey = (eventId: number) => `annotation:${eventId}`;

export class EditSession {
  readonly history = new CommandHistory();
  /** Whose annotation saves write (Settings' annotator name at save time). */
  #annotator = '';
  readonly saver: Autosaver<Pending>;
  readonly #events = new Map<number, EventEdits>();
  readonly #listeners = new Set<() => void>();
  #revision = 0;
  #recovery: LabelRecovery | null = null;
  readonly #restored = new Set<number>();

  readonly #backend: EditBackend;

  constructor(backend: EditBackend, delayMs = 600) {
    this.#backend = backend;
    this.saver = new Autosaver<Pending>({
      delayMs,
      classify: (error) => {
        const kind = saveFailure(error).kind;
        return kind === 'transient' ? 'retry' : kind === 'conflict' ? 'hold' : 'fail';
      },
      save: async (_key, pending) => {
        const edits = this.#edits(pending.eventId);
        if (pending.kind === 'markers') {
          const m = edits.markers;
          if (!m || m.onset === null || m.offset === null) return;
          await backend.saveMarkers(pending.eventId, { onset: m.onset, apex: m.apex, offset: m.offset });
          return;
        }
        const draft = this.draft(pending.eventId);
        const aus = parseFacs(draft.aus).ok ? draft.aus : (edits.validAus ?? '');
        const sent = { ...draft, aus };
        let saved: SavedAnnotation;
        try {
          saved = await backend.saveAnnotation(pending.eventId, this.#annotator, sent, edits.provenance, edits.version, edits.amending, 'draft');
        } catch (error) {
          const failure = saveFailure(error);
          if (failure.kind !== 'conflict') throw error;
          const theirs = failure.conflict.theirs;
          // Their version already holds exactly my values: nothing to choose, build on it.
          if (!theirs.locked && sameDraft(this.draft(pending.eventId), theirsDraft(theirs))) {
            edits.version = theirs.version;
            edits.base = theirsDraft(theirs);
            return;
          }
          edits.conflict = failure.conflict;
          throw error;
        }
        edits.version = saved.version;
        edits.base = sent;
        edits.status = saved.status ?? 'draft';
        // The amended version is a new, unlocked label: later saves are ordinary ones.
        if (edits.amending) {
          edits.amending = false;
          edits.locked = false;
        }
      },
    });
    this.history.subscribe(() => this.#notify());
    this.saver.subscribe(() => {
      this.#persist();
      this.#notify();
    });
  }

  /** Where unsaved labels are kept across a reload; read when an event is loaded. */
  setRecovery(recovery: LabelRecovery | null): void {
    this.#recovery = recovery;
    this.#persist();
  }

  /** Events whose unsaved edits were restored from before a reload (for a notice). */
  restoredEvents(): number[] {
    return [...this.#restored];
  }

  dismissRestored(): void {
    this.#restored.clear();
    this.#notify();
  }

  conflict(eventId: number): AnnotationConflict | null {
    return this.#events.get(eventId)?.conflict ?? null;
  }

  /** The stored values my edits of the event started from (what Keep mine merges against). */
  conflictBase(eventId: number): AnnotationDraft | null {
    return this.#events.get(eventId)?.base ?? null;
  }

  conflicts(): Array<{ eventId: number; conflict: AnnotationConflict }> {
    return [...this.#events].flatMap(([eventId, edits]) => (edits.conflict ? [{ eventId, conflict: edits.conflict }] : []));
  }

  /** Keep mine: my values are saved as a new version on top of theirs (both stay in the audit trail). */
  keepMine(eventId: number): void {
    const edits = this.#events.get(eventId);
    const theirs = edits?.conflict?.theirs;
    if (!edits || !theirs) return;
    const merged = keepMineDraft(edits.base, this.draft(eventId), theirsDraft(theirs));
    edits.version = theirs.version;
    edits.base = theirsDraft(theirs);
    // Their version is approved (locked): mine can only follow as an amendment.
    edits.locked = theirs.locked;
    edits.amending = theirs.locked;
    edits.conflict = null;
    // One undo step back to exactly what I had typed.
    if (!sameDraft(merged, this.draft(eventId))) this.setDraft(eventId, merged, edits.provenance, 'conflict.keepMine');
    this.saver.resume(annotationKey(eventId));
    this.#notify();
  }

  /** Load theirs: my unsaved values are dropped and their version is shown and built on. */
  loadTheirs(eventId: number): void {
    const edits = this.#events.get(eventId);
    const theirs = edits?.conflict?.theirs;
    if (!edits || !theirs) return;
    edits.draft = theirsDraft(theirs);
    edits.base = theirsDraft(theirs);
    edits.provenance = theirs.provenance;
    edits.version = theirs.version;
    edits.locked = theirs.locked;
    edits.amending = false;
    edits.conflict = null;
    this.#rememberValidAus(edits);
    this.saver.discard(annotationKey(eventId));
    this.#persist();
    this.#notify();
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
  load(eventId: number, loaded: { draft: AnnotationDraft; provenance: Provenance; version: number | null; markers: Markers; locked?: boolean; status?: LabelStatus | null }): void {
    const edits = this.#edits(eventId);
    // What was typed or placed while the stored label was still loading stands, saved on top of it.
    const typed = edits.draft !== null;
    if (!typed) {
      edits.draft = loaded.draft;
      edits.provenance = loaded.provenance;
    }
    if (edits.version === null) edits.base = loaded.draft;
    edits.markers ??= loaded.markers;
    edits.locked = loaded.locked ?? false;
    edits.status ??= loaded.status ?? null;
    if (loaded.version !== null && edits.version === null) edits.version = loaded.version;
    this.#rememberValidAus(edits);
    const unsaved = typed ? null : (this.#recovery?.read(eventId) ?? null);
    if (unsaved && !sameDraft(unsaved.draft, loaded.draft)) {
      // Typed before a reload and never saved: restore it on the version it was built on,
      // as an undoable edit, so the save meets the ordinary conflict check.
      edits.version = unsaved.baseVersion;
      edits.base = unsaved.base;
      this.#restored.add(eventId);
      this.setDraft(eventId, unsaved.draft, unsaved.provenance, 'edit.restore');
      return;
    }
    this.#persist();
    this.#notify();
  }

  /** True while the event's label is approved and the annotator has not chosen to amend it. */
  isLocked(eventId: number): boolean {
    const edits = this.#events.get(eventId);
    return !!edits && edits.locked && !edits.amending;
  }

  /**
   * Takes the label as stored again — a reviewer decided, or another profile is acting —
   * unless an edit of it still waits to be saved (that edit wins and saves on top).
   */
  syncLabel(eventId: number, stored: { draft: AnnotationDraft; provenance: Provenance; version: number | null; locked: boolean; status: LabelStatus | null }): void {
    if (this.saver.isPending(annotationKey(eventId))) return;
    const edits = this.#edits(eventId);
    edits.draft = stored.draft;
    edits.base = stored.draft;
    edits.provenance = stored.provenance;
    edits.version = stored.version;
    edits.locked = stored.locked;
    edits.status = stored.status;
    edits.amending = false;
    this.#rememberValidAus(edits);
    this.#notify();
  }

  /** The stored label's status (null: nothing stored yet). */
  status(eventId: number): LabelStatus | null {
    return this.#events.get(eventId)?.status ?? null;
  }

  /** Submitted and awaiting review: its annotator may only withdraw it. */
  isSubmitted(eventId: number): boolean {
    return this.status(eventId) === 'submitted';
  }

  /**
   * Submits the label for review (or resubmits it after a request for changes): pending
   * edits are saved first, then the same label is stored as submitted.
   */
  submit(eventId: number): Promise<void> {
    return this.#transition(eventId, 'submitted');
  }

  /** Takes a submitted label back to draft, unchanged, so its annotator can edit it again. */
  withdraw(eventId: number): Promise<void> {
    return this.#transition(eventId, 'draft');
  }

  async #transition(eventId: number, status: 'draft' | 'submitted'): Promise<void> {
    await this.flush();
    if (this.saver.state.status === 'error') throw new Error(this.saver.state.error ?? 'The label could not be saved');
    const edits = this.#edits(eventId);
    const draft = this.draft(eventId);
    const aus = parseFacs(draft.aus).ok ? draft.aus : (edits.validAus ?? '');
    const sent = { ...draft, aus };
    const saved = await this.#backend.saveAnnotation(eventId, this.#annotator, sent, edits.provenance, edits.version, edits.amending, status);
    edits.version = saved.version;
    edits.base = sent;
    edits.status = saved.status ?? status;
    if (edits.amending) {
      edits.amending = false;
      edits.locked = false;
    }
    this.#notify();
  }

  /** The annotator chose to amend an approved label: the next save starts a new version. */
  amend(eventId: number): void {
    const edits = this.#events.get(eventId);
    if (!edits?.locked) return;
    edits.amending = true;
    this.#notify();
  }

  isLoaded(eventId: number): boolean {
    return (this.#events.get(eventId)?.draft ?? null) !== null;
  }

  draft(eventId: number): AnnotationDraft {
    return this.#events.get(eventId)?.draft ?? EMPTY_DRAFT;
  }

  provenance(eventId: number): Provenance {
    return this.#events.get(eventId)?.provenance ?? 'manual';
  }

  markers(eventId: number): Markers | null {
    return this.#events.get(eventId)?.markers ?? null;
  }

  /**
   * Sets one field (and the annotation's provenance computed by the caller) as one undo
   * step; `typing` merges consecutive keystrokes in the same field.
   */
  setField<K extends DraftField>(eventId: number, field: K, value: AnnotationDraft[K], provenance: Provenance, typing = false): void {
    const before = { draft: this.draft(eventId), provenance: this.provenance(eventId) };
    const after = { draft: { ...before.draft, [field]: value }, provenance };
    this.history.execute({
      label: `edit.${field}`,
      mergeKey: typing ? `${eventId}:${field}` : undefined,
      apply: () => this.#writeLabel(eventId, after.draft, after.provenance),
      revert: () => this.#writeLabel(eventId, before.draft, before.provenance),
    });
  }

  /** Several fields at once (accepting a whole suggestion) as one undo step. */
  setDraft(eventId: number, draft: AnnotationDraft, provenance: Provenance, label: string): void {
    const before = { draft: this.draft(eventId), provenance: this.provenance(eventId) };
    this.history.execute({ label, apply: () => this.#writeLabel(eventId, draft, provenance), revert: () => this.#writeLabel(eventId, before.draft, before.provenance) });
  }

  setMarkers(eventId: number, next: Markers, label = 'edit.markers'): void {
    const edits = this.#edits(eventId);
    const before = edits.dragOrigin ?? edits.markers ?? next;
    edits.dragOrigin = null;
    const write = (m: Markers) => {
      this.#edits(eventId).markers = m;
      this.saver.schedule(`markers:${eventId}`, { kind: 'markers', eventId });
      this.#notify();
    };
    this.history.execute({ label, apply: () => write(next), revert: () => write(before) });
  }

  /** Shows markers while dragging without recording or saving; `setMarkers` commits. */
  previewMarkers(eventId: number, next: Markers): void {
    const edits = this.#edits(eventId);
    if (edits.markers && !edits.dragOrigin) edits.dragOrigin = edits.markers;
    edits.markers = next;
    this.#notify();
  }

  flush(): Promise<void> {
    return this.saver.flush();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #edits(eventId: number): EventEdits {
    let edits = this.#events.get(eventId);
    if (!edits) this.#events.set(eventId, (edits = newEventEdits()));
    return edits;
  }

  #writeLabel(eventId: number, draft: AnnotationDraft, provenance: Provenance): void {
    const edits = this.#edits(eventId);
    // A submitted label is read-only until withdrawn or reviewed: an undo step reaching it changes nothing.
    if (edits.status === 'submitted') return;
    edits.draft = draft;
    edits.provenance = provenance;
    this.#rememberValidAus(edits);
    this.saver.schedule(annotationKey(eventId), { kind: 'annotation', eventId });
    this.#persist();
    this.#notify();
  }

  /** Hands every loaded label's unsaved state to the recovery store. */
  #persist(): void {
    if (!this.#recovery) return;
    const unsaved = new Set(this.saver.unsavedKeys());
    const states: LabelState[] = [...this.#events]
      .filter(([, edits]) => edits.draft !== null)
      .map(([eventId, edits]) => ({
        eventId,
        unsaved: unsaved.has(annotationKey(eventId)) && edits.draft ? { eventId, draft: edits.draft, base: edits.base, provenance: edits.provenance, baseVersion: edits.version } : null,
      }));
    this.#recovery.write(states);
  }

  #rememberValidAus(edits: EventEdits): void {
    if (edits.draft && parseFacs(edits.draft.aus).ok) edits.validAus = edits.draft.aus;
  }

  #notify(): void {
    this.#revision += 1;
    for (const listener of this.#listeners) listener();
  }
}
