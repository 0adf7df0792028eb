import type { Annotation } from '@shared/workspace';
import type { Workspace } from '../store/workspace';

/**
 * Blind labelling: an annotator sees only their own label of an event until the event
 * is in review (a reviewer decided on one of its labels); reviewers see every label.
 * `actor` is the profile acting in this app (Settings' annotator name).
 */
export function visibleAnnotations(ws: Workspace, eventId: number, actor: string, annotator?: string): Annotation[] {
  const all = annotator === undefined ? ws.annotations.listForEvent(eventId) : [ws.annotations.get(eventId, annotator)].filter((a): a is Annotation => a !== null);
  if (ws.annotators.byName(actor)?.role === 'reviewer' || ws.reviews.inReview(eventId)) return all;
  return all.filter((annotation) => annotation.annotator === actor);
}
