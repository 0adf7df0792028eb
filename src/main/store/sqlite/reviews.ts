import type { Review } from '@shared/workspace';
import type { WorklistRow } from '@shared/worklist';
import type { ReviewQueueRow, ReviewsStore, Sync } from '../interface';
import { LIVE_CLIP, LIVE_EVENT } from './deletions';
import { SqliteRepo } from './statements';

/** Reads over reviews: the queue, the latest decision per annotation, whether an event is in review. */
export class ReviewsRepo extends SqliteRepo implements Sync<ReviewsStore> {

  /**
   * Events with at least one submitted (or decided) annotation, deleted ones left out;
   * undecided work first, then by clip and onset. Read as two ordered walks (events with a
   * submitted label, then the decided rest) that stop at the page, and only the page's
   * events are counted: a queue of 100,000 events costs what its page costs.
   */
  queue(limit: number, offset: number): ReviewQueueRow[] {
    const submitted = this.#page(`EXISTS (SELECT 1 FROM annotations s WHERE s.event_id = e.id AND s.status = 'submitted')`, limit, offset);
    if (submitted.length === limit) return submitted;
    const before = offset > 0 && submitted.length === 0 ? this.#count(`EXISTS (SELECT 1 FROM annotations s WHERE s.event_id = e.id AND s.status = 'submitted')`) : offset + submitted.length;
    const decided = this.#page(
      `NOT EXISTS (SELECT 1 FROM annotations s WHERE s.event_id = e.id AND s.status = 'submitted')
       AND EXISTS (SELECT 1 FROM annotations d WHERE d.event_id = e.id AND d.status <> 'draft')`,
      limit - submitted.length,
      Math.max(0, offset - before),
    );
    return [...submitted, ...decided];
  }

  #page(where: string, limit: number, offset: number): ReviewQueueRow[] {
    return this.sql(
      `SELECT e.id AS eventId, e.clip_id AS clipId, c.path AS clipPath, c.subject, e.onset, e.apex, e.offset,
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id) AS annotations,
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id AND a.status = 'submitted') AS submitted,
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id AND a.status = 'approved') AS approved
       FROM events e JOIN clips c ON c.id = e.clip_id
       WHERE ${LIVE_EVENT} AND ${where}
       ORDER BY e.clip_id, e.onset, e.id
       LIMIT ? OFFSET ?`,
    ).all(limit, offset) as ReviewQueueRow[];
  }

  #count(where: string): number {
    return (this.sql(`SELECT count(*) AS n FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT} AND ${where}`).get() as { n: number }).n;
  }

  /**
   * Every live event, and every live clip without one, with `annotator`'s own label (status, AUs,
   * emotion), who has labelled it (names only) whether it was analysed and whether its clip has a spotting run; by clip, onset.
   */
  worklist(annotator: string): WorklistRow[] {
    const rows = this.sql(
      `SELECT c.id AS clipId, e.id AS eventId, e.onset, mine.status, mine.aus, mine.emotion,
              e.dataset_aus AS datasetAus, e.dataset_emotion AS datasetEmotion,
              (SELECT group_concat(name, char(31)) FROM (SELECT n.name FROM annotations a JOIN annotators n ON n.id = a.annotator_id
                 WHERE a.event_id = e.id ORDER BY n.name)) AS annotators,
              EXISTS (SELECT 1 FROM analyses x WHERE x.event_id = e.id) AS analysed,
              EXISTS (SELECT 1 FROM spotting_runs r WHERE r.clip_id = c.id) AS spotted
       FROM clips c LEFT JOIN events e ON e.clip_id = c.id AND e.deleted_at IS NULL
       LEFT JOIN (SELECT a.event_id, a.status, a.aus, a.emotion FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.name = ?) mine
         ON mine.event_id = e.id
       WHERE ${LIVE_CLIP}
       ORDER BY c.id, e.onset, e.id`,
    ).all(annotator) as Array<Omit<WorklistRow, 'annotators' | 'analysed' | 'spotted'> & { annotators: string | null; analysed: number; spotted: number }>;
    return rows.map((row) => ({ ...row, annotators: row.annotators ? row.annotators.split('\x1f') : [], analysed: row.analysed === 1, spotted: row.spotted === 1 }));
  }

  /** The newest decision on each of an event's annotations, keyed by annotation id. */
  latestForEvent(eventId: number): Map<number, Review> {
    const rows = this.sql(
      `SELECT r.id, r.annotation_id AS annotationId, r.annotation_version AS annotationVersion, n.name AS reviewer,
              r.decision, r.comment, r.created_at AS createdAt
       FROM reviews r JOIN annotators n ON n.id = r.reviewer_id JOIN annotations a ON a.id = r.annotation_id
       WHERE a.event_id = ? ORDER BY r.id`,
    ).all(eventId) as Review[];
    return new Map(rows.map((review) => [review.annotationId, review]));
  }

  /**
   * An event is in review once a reviewer has decided on any of its annotations: from
   * then on annotators may see each other's labels (before, labelling is blind).
   */
  inReview(eventId: number): boolean {
    return this.sql('SELECT 1 FROM reviews r JOIN annotations a ON a.id = r.annotation_id WHERE a.event_id = ? LIMIT 1').get(eventId) !== undefined;
  }
}
