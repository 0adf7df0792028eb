/**
 * The Corpus queue's filters and order, kept outside the view so Annotate's "Submit &
 * next" walks the queue exactly as the annotator last saw it; and the worklist revision
 * that tells the queue and the navigation counts to read again after a lifecycle step.
 * Filters match substrings, ignoring case; the status filter matches any of a clip's events.
 */
import type { Clip } from '@shared/workspace';
import { STATUS_PRIORITY, type ClipWork, type QueueStatus } from '@shared/worklist';

export const QUEUE_TEXT_FILTERS = ['name', 'subject', 'emotion', 'aus', 'annotator'] as const;
export type QueueTextFilter = (typeof QUEUE_TEXT_FILTERS)[number];
export const QUEUE_SORT_KEYS = ['id', 'path', 'subject', 'status', 'emotion', 'aus', 'annotators', 'analysed', 'frames', 'fps'] as const;
export type QueueSortKey = (typeof QUEUE_SORT_KEYS)[number];

export interface QueueView {
  readonly text: Readonly<Partial<Record<QueueTextFilter, string>>>;
  readonly status: QueueStatus | null;
  readonly sort: { readonly key: QueueSortKey; readonly ascending: boolean };
}

export const DEFAULT_QUEUE_VIEW: QueueView = { text: {}, status: null, sort: { key: 'id', ascending: true } };

export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

const contains = (value: string | null | undefined, wanted: string | undefined) => !wanted?.trim() || (value ?? '').toLowerCase().includes(wanted.trim().toLowerCase());

function sortValue(clip: Clip, work: ClipWork | undefined, key: QueueSortKey): string | number {
  switch (key) {
    case 'path':
      return baseName(clip.path).toLowerCase();
    case 'subject':
      return (clip.subject ?? '').toLowerCase();
    case 'status':
      // What needs the annotator first; clips without events last.
      return work?.status ? STATUS_PRIORITY.indexOf(work.status) : STATUS_PRIORITY.length;
    case 'emotion':
      return (work?.emotion ?? '').toLowerCase();
    case 'aus':
      return work?.aus ?? '';
    case 'annotators':
      return (work?.annotators ?? '').toLowerCase();
    case 'analysed':
      return work?.analysed ?? 0;
    default:
      return clip[key];
  }
}

/** The clips the queue shows, filtered and in its order (ties by id, so the order is stable). */
export function queueOrder(clips: readonly Clip[], work: ReadonlyMap<number, ClipWork>, view: QueueView): Clip[] {
  const { text, status, sort } = view;
  const direction = sort.ascending ? 1 : -1;
  return clips
    .filter((clip) => {
      const w = work.get(clip.id);
      return (
        contains(baseName(clip.path), text.name) &&
        contains(clip.subject, text.subject) &&
        contains(w?.emotion, text.emotion) &&
        contains(w?.aus, text.aus) &&
        contains(w?.annotators, text.annotator) &&
        (status === null || !!w?.statuses.has(status))
      );
    })
    .sort((a, b) => {
      const x = sortValue(a, work.get(a.id), sort.key);
      const y = sortValue(b, work.get(b.id), sort.key);
      return (x < y ? -direction : x > y ? direction : 0) || a.id - b.id;
    });
}

/** The queue's view, shared by Corpus and Annotate for the session; subscribable. */
export class QueueState {
  #view: QueueView = DEFAULT_QUEUE_VIEW;
  #revision = 0;
  readonly #listeners = new Set<() => void>();

  get view(): QueueView {
    return this.#view;
  }

  /** Bumped after every lifecycle step: the worklist must be read again. */
  get revision(): number {
    return this.#revision;
  }

  set(next: QueueView): void {
    this.#view = next;
    this.#notify();
  }

  touch(): void {
    this.#revision += 1;
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
