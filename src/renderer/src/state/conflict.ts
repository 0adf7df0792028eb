/**
 * Deciding an edit conflict: which fields to show side by side (mine against theirs),
 * their label as a draft for Load theirs, and my values as text for Copy mine. Pure.
 */
import type { AnnotationConflict } from '@shared/annotation-conflict';
import type { Annotation } from '@shared/workspace';
import { DRAFT_FIELDS, type AnnotationDraft, type DraftField, type Label3 } from './annotation';

export interface ConflictRow {
  readonly field: DraftField;
  readonly mine: string | null;
  readonly theirs: string | null;
  /** What Keep mine saves in this field. */
  readonly kept: string | null;
  /** They changed this field since the version I started from. */
  readonly changedByThem: boolean;
  /** Mine and theirs hold different values (what Keep mine would overwrite). */
  readonly differs: boolean;
}

export function theirsDraft(theirs: Annotation): AnnotationDraft {
  return { aus: theirs.aus, emotion: theirs.emotion, label3: theirs.label3 as Label3 | null, description: theirs.description };
}

/** The same values in every field, byte for byte: nothing would be lost by taking theirs. */
export function sameDraft(a: AnnotationDraft, b: AnnotationDraft): boolean {
  return DRAFT_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

/**
 * What Keep mine saves: a three-way merge on the version both started from. A field I
 * changed keeps my value (also where they changed it too: that is the choice Keep mine
 * makes); a field I left alone keeps theirs, so their other work is not undone. Without a
 * known starting point every field is mine.
 */
export function keepMineDraft(base: AnnotationDraft | null, mine: AnnotationDraft, theirs: AnnotationDraft): AnnotationDraft {
  if (!base) return mine;
  const pick = <K extends DraftField>(field: K): AnnotationDraft[K] => ((mine[field] ?? null) !== (base[field] ?? null) ? mine[field] : theirs[field]);
  return { aus: pick('aus'), emotion: pick('emotion'), label3: pick('label3'), description: pick('description') };
}

/** The fields worth showing: those they changed and those where mine differs from theirs, in form order. */
export function conflictRows(base: AnnotationDraft | null, mine: AnnotationDraft, conflict: AnnotationConflict): ConflictRow[] {
  const theirs = theirsDraft(conflict.theirs);
  const kept = keepMineDraft(base, mine, theirs);
  const changed = new Set<string>(conflict.changedFields);
  return DRAFT_FIELDS.map((field) => ({
    field,
    mine: mine[field] ?? null,
    theirs: theirs[field] ?? null,
    kept: kept[field] ?? null,
    changedByThem: changed.has(field),
    differs: (mine[field] ?? null) !== (theirs[field] ?? null),
  })).filter((row) => row.changedByThem || row.differs);
}

/** My label as plain text, one `Field: value` line per field, for the clipboard. */
export function mineAsText(mine: AnnotationDraft, names: Readonly<Record<DraftField, string>>): string {
  return DRAFT_FIELDS.map((field) => `${names[field]}: ${mine[field] ?? ''}`).join('\n');
}
