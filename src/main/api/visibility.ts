import type { Annotation } from '@shared/workspace';
import type { WorkspaceStore } from '../store';

/**
 * Blind labelling: an annotator sees only their own label of an event until the event
 * is in review (a reviewer decided on one of its labels); reviewers see every label.
 * `actor` is the profile acting in this app (Settings' annotator name).
 */
export async function visibleAnnotations(ws: WorkspaceStore, eventId: number, actor: string, annotator?: string): Promise<Annotation[]> {
  const all = annotator === undefined ? await ws.annotations.listForEvent(eventId) : [await ws.annotations.get(eventId, annotator)].filter((a): a is Annotation => a !== null);
  if ((await ws.annotators.byName(actor))?.role === 'reviewer' || (await ws.reviews.inReview(eventId))) return all;
  return all.filter((annotation) => annotation.annotator === actor);
}
