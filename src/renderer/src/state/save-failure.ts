/**
 * What a failed save means for the edit: a transient failure (no answer from the bridge,
 * a busy database, a rate limit) is retried with back-off; a conflict (someone else saved
 * the label first) waits for the person's choice; anything else is a refusal shown with
 * its reason and tried again on the next edit.
 */
import { conflictOf, type AnnotationConflict } from '@shared/annotation-conflict';
import { ERROR_CODES, type ErrorCode } from '@shared/errors';

export type SaveFailure = { kind: 'transient' } | { kind: 'conflict'; conflict: AnnotationConflict } | { kind: 'refused' };

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set(['BUSY', 'RATE_LIMITED']);

export function saveFailure(error: unknown): SaveFailure {
  // fetch rejects with a TypeError when the bridge cannot be reached at all.
  if (error instanceof TypeError) return { kind: 'transient' };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code)) return { kind: 'refused' };
  if (TRANSIENT_CODES.has(code as ErrorCode)) return { kind: 'transient' };
  const conflict = conflictOf({ code: code as ErrorCode, detail: (error as { detail?: unknown }).detail });
  return conflict ? { kind: 'conflict', conflict } : { kind: 'refused' };
}
