/**
 * Whether a stored label holds a person's work: any field filled in (AUs, emotion, the
 * 3-class label, a description), or a step of the lifecycle taken (submitted, reviewed).
 * A draft row with every field empty holds nothing: deleting its event loses nothing.
 */
import type { Annotation } from './workspace';

/** A label's fields and its status (null: nothing stored yet, as a draft). */
export type LabelWork = Pick<Annotation, 'aus' | 'emotion' | 'label3' | 'description'> & { readonly status: Annotation['status'] | null };

export function holdsWork(label: LabelWork): boolean {
  if (label.status !== null && label.status !== 'draft') return true;
  return label.aus.trim() !== '' || (label.emotion ?? '').trim() !== '' || label.label3 !== null || label.description.trim() !== '';
}

/** The labels on one event that deleting it would take away: the acting profile's and everyone else's. */
export interface LabelCount {
  readonly own: number;
  readonly others: number;
}

export function countWork(labels: readonly (LabelWork & Pick<Annotation, 'annotator'>)[], actor: string): LabelCount {
  const held = labels.filter(holdsWork);
  const own = held.filter((label) => label.annotator === actor).length;
  return { own, others: held.length - own };
}
