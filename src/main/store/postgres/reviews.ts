import type { Review } from '@shared/workspace';
import type { WorklistRow } from '@shared/worklist';
import type { ReviewQueueRow, ReviewsStore } from '../interface';
import { LIVE_CLIP, LIVE_EVENT } from './deletions';
import { PgRepo } from './repo';

/** Reads over reviews: the queue, the latest decision per annotation, whether an event is in review. */
export class PgReviewsRepo extends PgRepo implements ReviewsStore {
  /**
   * Events with at least one submitted (or decided) annotation, deleted ones left out;
   * undecided work first (see sqlite/reviews.ts: two ordered walks that stop at the page,
   * only the page's events counted).
   */
  async queue(limit: number, offset: number): Promise<ReviewQueueRow[]> {
    const hasSubmitted = `EXISTS (SELECT 1 FROM annotations s WHERE s.event_id = e.id AND s.status = 'submitted')`;
    const submitted = await this.#page(hasSubmitted, limit, offset);
    if (submitted.length === limit) return submitted;
    const before = offset > 0 && submitted.length === 0 ? await this.#count(hasSubmitted) : offset + submitted.length;
    const decided = await this.#page(
      `NOT ${hasSubmitted} AND EXISTS (SELECT 1 FROM annotations d WHERE d.event_id = e.id AND d.status <> 'draft')`,
      limit - submitted.length,
      Math.max(0, offset - before),
    );
    return [...submitted, ...decided];
  }

  #page(where: string, limit: number, offset: number): Promise<ReviewQueueRow[]> {
    return this.sql.rows<ReviewQueueRow>(
      `SELECT e.id AS "eventId", e.clip_id AS "clipId", c.path AS "clipPath", c.subject, e.onset, e.apex, e."offset",
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id)::integer AS annotations,
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id AND a.status = 'submitted')::integer AS submitted,
              (SELECT count(*) FROM annotations a WHERE a.event_id = e.id AND a.status = 'approved')::integer AS approved
       FROM events e JOIN clips c ON c.id = e.clip_id
       WHERE ${LIVE_EVENT} AND ${where}
       ORDER BY e.clip_id, e.onset, e.id
       LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  async #count(where: string): Promise<number> {
    const [row] = await this.sql.rows<{ n: number }>(`SELECT count(*)::integer AS n FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT} AND ${where}`, []);
    return row?.n ?? 0;
  }

  /** Every live event, and every live clip without one, with `annotator`'s own label (see sqlite/reviews.ts). */
  async worklist(annotator: string): Promise<WorklistRow[]> {
    return this.sql.rows<WorklistRow>(
      `SELECT c.id AS "clipId", e.id AS "eventId", e.onset, mine.status, mine.aus, mine.emotion,
              e.dataset_aus AS "datasetAus", e.dataset_emotion AS "datasetEmotion",
              COALESCE((SELECT array_agg(n.name ORDER BY n.name) FROM annotations a JOIN annotators n ON n.id = a.annotator_id
                 WHERE a.event_id = e.id), '{}') AS annotators,
              EXISTS (SELECT 1 FROM analyses x WHERE x.event_id = e.id) AS analysed,
              EXISTS (SELECT 1 FROM spotting_runs r WHERE r.clip_id = c.id) AS spotted
       FROM clips c LEFT JOIN events e ON e.clip_id = c.id AND e.deleted_at IS NULL
       LEFT JOIN (SELECT a.event_id, a.status, a.aus, a.emotion FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.name = $1) mine
         ON mine.event_id = e.id
       WHERE ${LIVE_CLIP}
       ORDER BY c.id, e.onset, e.id`,
      [annotator],
    );
  }

  async latestForEvent(eventId: number): Promise<Map<number, Review>> {
    const rows = await this.sql.rows<Review>(
      `SELECT r.id, r.annotation_id AS "annotationId", r.annotation_version AS "annotationVersion", n.name AS reviewer,
              r.decision, r.comment, r.created_at AS "createdAt"
       FROM reviews r JOIN annotators n ON n.id = r.reviewer_id JOIN annotations a ON a.id = r.annotation_id
       WHERE a.event_id = $1 ORDER BY r.id`,
      [eventId],
    );
    return new Map(rows.map((review) => [review.annotationId, review]));
  }

  async inReview(eventId: number): Promise<boolean> {
    return (await this.sql.one('SELECT 1 FROM reviews r JOIN annotations a ON a.id = r.annotation_id WHERE a.event_id = $1 LIMIT 1', [eventId])) !== undefined;
  }
}
