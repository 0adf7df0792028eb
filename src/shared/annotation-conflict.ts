/**
 * What a refused save tells the editor when someone else replaced the version it started
 * from: their version (to load or to build on), who saved it and when, and which label
 * fields differ from the version the editor started from. Carried as the `detail` of an
 * `EDIT_CONFLICT` error; the renderer validates it before it shows a banner.
 */
import { z } from 'zod';
import type { ApiError } from './errors';
import { AnnotationSchema, type Annotation } from './workspace';

/** The fields of a label a person edits or a review decides, in display order. */
export const CONFLICT_FIELDS = ['aus', 'emotion', 'label3', 'description', 'status'] as const;
export type ConflictField = (typeof CONFLICT_FIELDS)[number];

export const AnnotationConflictSchema = z.object({
  /** The stored label now: the version a Keep mine builds on, or the one Load theirs shows. */
  theirs: AnnotationSchema,
  /** The version the refused save started from (null: it started from no label). */
  baseVersion: z.number().int().positive().nullable(),
  /** Who wrote the newest version (the audit trail's actor: an annotator or a reviewer). */
  changedBy: z.string(),
  changedAt: z.string(),
  /** Fields where their version differs from the base version (from an empty label when none). */
  changedFields: z.array(z.enum(CONFLICT_FIELDS)),
});
export type AnnotationConflict = z.infer<typeof AnnotationConflictSchema>;

type LabelValues = Pick<Annotation, ConflictField>;

const EMPTY_LABEL: LabelValues = { aus: '', emotion: null, label3: null, description: '', status: 'draft' };

/** The fields whose values differ between two versions of a label (`null` base: no label yet). */
export function changedFields(base: LabelValues | null, theirs: LabelValues): ConflictField[] {
  const from = base ?? EMPTY_LABEL;
  return CONFLICT_FIELDS.filter((field) => (from[field] ?? null) !== (theirs[field] ?? null));
}

/** The conflict a refused save carries, or null when the error is not a (well-formed) conflict. */
export function conflictOf(error: Pick<ApiError, 'code' | 'detail'>): AnnotationConflict | null {
  if (error.code !== 'EDIT_CONFLICT') return null;
  const parsed = AnnotationConflictSchema.safeParse(error.detail);
  return parsed.success ? parsed.data : null;
}
