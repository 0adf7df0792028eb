/**
 * What the suggestion panel shows per field and for the analysis as a whole: which
 * suggested fields are on offer, which are already accepted as suggested, and whether
 * the analysis was made for other onset/apex/offset frames than the event has now.
 */
import type { SpottedFrames } from '../api/analysis-types';
import { DRAFT_FIELDS, sameValue, type AnnotationDraft, type DraftField, type Suggestion } from './annotation';
import type { Markers } from './markers';

/** Fields with a suggested value the annotator has not rejected, in panel order. */
export function offeredFields(suggestion: Suggestion | null, rejected: ReadonlySet<DraftField>): DraftField[] {
  if (!suggestion) return [];
  return DRAFT_FIELDS.filter((field) => {
    const value = suggestion[field];
    return value !== null && value !== '' && !rejected.has(field);
  });
}

/** Offered fields taken from the suggestion whose value is still the suggested one. */
export function acceptedFields(suggestion: Suggestion | null, draft: AnnotationDraft, taken: ReadonlySet<DraftField>, rejected: ReadonlySet<DraftField>): Set<DraftField> {
  return new Set(offeredFields(suggestion, rejected).filter((field) => taken.has(field) && sameValue(field, draft[field], suggestion?.[field] ?? null)));
}

/** The draft with every offered field set to its suggested value. */
export function draftWithAll(draft: AnnotationDraft, suggestion: Suggestion, rejected: ReadonlySet<DraftField>): AnnotationDraft {
  let next = draft;
  for (const field of offeredFields(suggestion, rejected)) next = { ...next, [field]: suggestion[field] };
  return next;
}

/**
 * True when the analysis ran on the annotator's frames and the event's markers have
 * moved since. A run that spotted its own frames is not stale: the panel offers its
 * frames instead.
 */
export function analysisStale(spotted: SpottedFrames | null | undefined, markers: Markers): boolean {
  if (!spotted || spotted.source !== 'user') return false;
  if (spotted.onset !== markers.onset || spotted.apex !== markers.apex) return true;
  return spotted.offset !== null && spotted.offset !== markers.offset;
}
