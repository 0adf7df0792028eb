import type { CorpusClip, CorpusRow, CorpusSnapshot, CorpusStore } from '../interface';
import { LIVE_CLIP, LIVE_EVENT } from './deletions';
import { PgRepo } from './repo';

// The queries of sqlite/corpus.ts: events with their annotations in events_clip order,
// the small maps beside them. All read from one snapshot (REPEATABLE READ).
const ROWS = `
  SELECT e.id, e.clip_id, e.onset, e.apex, e."offset", e.dataset_onset, e.dataset_apex, e.dataset_offset,
         e.dataset_aus, e.dataset_emotion, a.id, a.annotator_id, a.aus, a.emotion, a.label3, a.description, a.status, a.provenance
  FROM events e JOIN clips c ON c.id = e.clip_id LEFT JOIN annotations a ON a.event_id = e.id
  WHERE ${LIVE_EVENT}
  ORDER BY e.clip_id, e.onset, e.id, a.annotator_id`;
const CLIP_SHIFTS = `
  SELECT e.clip_id AS "clipId", e.dataset_onset - e.onset AS shift, count(*) AS n FROM events e JOIN clips c ON c.id = e.clip_id
  WHERE ${LIVE_EVENT} AND e.dataset_onset IS NOT NULL GROUP BY e.clip_id, shift ORDER BY n DESC, shift`;
const LATEST_REVIEWS = `
  SELECT r.annotation_id AS "annotationId", r.reviewer_id AS "reviewerId", r.comment
  FROM reviews r JOIN (SELECT max(id) AS id FROM reviews GROUP BY annotation_id) latest ON latest.id = r.id`;
const CLIPS = `SELECT id, path, fps, coalesce(capture_fps, fps) AS "captureFps", frames, subject, dataset, dataset_filename AS "datasetFilename" FROM clips c WHERE ${LIVE_CLIP} ORDER BY id`;
const DATASET_DETAILS = `SELECT e.id, e.dataset_extra AS extra, e.flags FROM events e JOIN clips c ON c.id = e.clip_id
  WHERE ${LIVE_EVENT} AND (e.dataset_extra <> '{}' OR e.flags <> '[]')`;

/** The corpus in one consistent read. */
export class PgCorpusRepo extends PgRepo implements CorpusStore {
  snapshot(): Promise<CorpusSnapshot> {
    return this.sql.snapshot(async (sql) => {
      const shifts = new Map<number, number>();
      for (const { clipId, shift } of await sql.rows<{ clipId: number; shift: number }>(CLIP_SHIFTS)) if (!shifts.has(clipId)) shifts.set(clipId, shift);
      const reviews = await sql.rows<{ annotationId: number; reviewerId: number; comment: string }>(LATEST_REVIEWS);
      const clips = await sql.rows<CorpusClip>(CLIPS);
      const names = await sql.rows<{ id: number; name: string }>('SELECT id, name FROM annotators ORDER BY id');
      const rows = await sql.arrays<CorpusRow>(ROWS);
      const details = await sql.rows<{ id: number; extra: string; flags: string }>(DATASET_DETAILS);
      return {
        clips: new Map(clips.map((c) => [c.id, c])),
        annotatorNames: new Map(names.map((n) => [n.id, n.name])),
        latestReviews: new Map(reviews.map((r) => [r.annotationId, { reviewerId: r.reviewerId, comment: r.comment }])),
        frameShifts: shifts,
        rows,
        datasetDetails: new Map(details.map((e) => [e.id, { extra: JSON.parse(e.extra) as Record<string, string>, flags: JSON.parse(e.flags) as string[] }])),
      };
    });
  }
}
