/**
 * An annotator's worklist: every event of the corpus with that annotator's own label
 * status (blind labelling: nobody else's label), read in one go, and what the queue and
 * the navigation derive from it — per-clip columns, the counts (to do, submitted,
 * changes requested) and the next event to label in the queue's order.
 */
import { z } from 'zod';
import { ANNOTATION_STATUSES } from './workspace';

type AnnotationStatus = (typeof ANNOTATION_STATUSES)[number];

export const WorklistRowSchema = z.object({
  clipId: z.number().int().positive(),
  /** Null for a clip without events. */
  eventId: z.number().int().positive().nullable(),
  onset: z.number().int().nullable(),
  /** The annotator's own label: its status (null: none yet), AUs and emotion. */
  status: z.enum(ANNOTATION_STATUSES).nullable(),
  aus: z.string().nullable(),
  emotion: z.string().nullable(),
  datasetAus: z.string().nullable(),
  datasetEmotion: z.string().nullable(),
  /** Who has a label on the event (names only), by name. */
  annotators: z.array(z.string()),
  analysed: z.boolean(),
  /** The clip has a stored whole-recording spotting run (even one that offered nothing). */
  spotted: z.boolean(),
});
export type WorklistRow = z.infer<typeof WorklistRowSchema>;

/** An event still to label: no label by the annotator yet, or a draft. */
export const isToLabel = (row: WorklistRow): boolean => row.eventId !== null && (row.status === null || row.status === 'draft');

export interface WorklistCounts {
  readonly todo: number;
  readonly submitted: number;
  readonly changesRequested: number;
}

export function worklistCounts(rows: readonly WorklistRow[]): WorklistCounts {
  let todo = 0;
  let submitted = 0;
  let changesRequested = 0;
  for (const row of rows) {
    if (isToLabel(row)) todo += 1;
    else if (row.status === 'submitted') submitted += 1;
    else if (row.status === 'changes_requested') changesRequested += 1;
  }
  return { todo, submitted, changesRequested };
}

/** A clip's status in the queue: `todo` for an event without a label by the annotator. */
export type QueueStatus = AnnotationStatus | 'todo';
/** Which status a clip shows when its events differ: what needs the annotator first. */
export const STATUS_PRIORITY: readonly QueueStatus[] = ['changes_requested', 'todo', 'draft', 'submitted', 'rejected', 'approved'];

export interface ClipWork {
  readonly clipId: number;
  readonly events: number;
  /** Null for a clip without events. */
  readonly status: QueueStatus | null;
  /** Every status its events have (for the status filter). */
  readonly statuses: ReadonlySet<QueueStatus>;
  /** The annotator's emotions and AUs, else the dataset's, distinct, in event order. */
  readonly emotion: string;
  readonly aus: string;
  readonly annotators: string;
  readonly analysed: number;
  /** A whole-recording spotting run is stored for the clip (it was analysed, even if nothing was offered). */
  readonly spotted: boolean;
}

const distinct = (values: ReadonlyArray<string | null>): string => [...new Set(values.filter((v): v is string => !!v && v.trim() !== ''))].join(' · ');

/** One entry per clip that has rows, keyed by clip id. */
export function clipWork(rows: readonly WorklistRow[]): Map<number, ClipWork> {
  const byClip = new Map<number, WorklistRow[]>();
  for (const row of rows) {
    const list = byClip.get(row.clipId);
    if (list) list.push(row);
    else byClip.set(row.clipId, [row]);
  }
  const out = new Map<number, ClipWork>();
  for (const [clipId, list] of byClip) {
    const events = list.filter((row) => row.eventId !== null);
    const statuses = new Set<QueueStatus>(events.map((row) => row.status ?? 'todo'));
    out.set(clipId, {
      clipId,
      events: events.length,
      status: STATUS_PRIORITY.find((status) => statuses.has(status)) ?? null,
      statuses,
      emotion: distinct(events.map((row) => row.emotion ?? row.datasetEmotion)),
      aus: distinct(events.map((row) => row.aus ?? row.datasetAus)),
      annotators: distinct(events.flatMap((row) => row.annotators)),
      analysed: events.filter((row) => row.analysed).length,
      spotted: list.some((row) => row.spotted),
    });
  }
  return out;
}

export interface WorkItem {
  readonly clipId: number;
  readonly eventId: number;
}

/**
 * The next event to label after `current`, walking the clips in `clipOrder` (the queue as
 * filtered and sorted) and each clip's events by onset, round to the start; null when
 * none is left. A current clip outside the order starts the walk at the top.
 */
export function nextToLabel(rows: readonly WorklistRow[], clipOrder: readonly number[], current: WorkItem | null): WorkItem | null {
  const byClip = new Map<number, WorklistRow[]>();
  for (const row of rows) {
    if (row.eventId === null) continue;
    const list = byClip.get(row.clipId);
    if (list) list.push(row);
    else byClip.set(row.clipId, [row]);
  }
  const walk: WorklistRow[] = [];
  for (const clipId of new Set(clipOrder)) {
    const list = byClip.get(clipId);
    if (list) walk.push(...list.slice().sort((a, b) => (a.onset ?? 0) - (b.onset ?? 0) || (a.eventId ?? 0) - (b.eventId ?? 0)));
  }
  const at = current ? walk.findIndex((row) => row.eventId === current.eventId) : -1;
  for (let step = 1; step <= walk.length; step += 1) {
    const row = walk[(at + step + walk.length) % walk.length]!;
    if (row.eventId !== current?.eventId && isToLabel(row)) return { clipId: row.clipId, eventId: row.eventId! };
  }
  return null;
}
