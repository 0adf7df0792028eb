import type Database from 'better-sqlite3';
import type { CorpusClip, CorpusRow, CorpusSnapshot, CorpusStore, Sync } from '../interface';
import { LIVE_CLIP, LIVE_EVENT } from './deletions';

// Events with their annotations in events_clip index order (clip, onset, id): no sort of
// wide rows. Clips, names and reviews come as small maps instead of joined, so their
// strings are not copied into every row. Deleted clips and events are not part of the corpus.
const ROWS = `
  SELECT e.id, e.clip_id, e.onset, e.apex, e.offset, e.dataset_onset, e.dataset_apex, e.dataset_offset,
         e.dataset_aus, e.dataset_emotion, a.id, a.annotator_id, a.aus, a.emotion, a.label3, a.description, a.status, a.provenance
  FROM events e JOIN clips c ON c.id = e.clip_id LEFT JOIN annotations a ON a.event_id = e.id
  WHERE ${LIVE_EVENT}
  ORDER BY e.clip_id, e.onset, e.id, a.annotator_id`;
const CLIP_SHIFTS = `
  SELECT e.clip_id AS clipId, e.dataset_onset - e.onset AS shift, count(*) AS n FROM events e JOIN clips c ON c.id = e.clip_id
  WHERE ${LIVE_EVENT} AND e.dataset_onset IS NOT NULL GROUP BY e.clip_id, shift ORDER BY n DESC`;
const LATEST_REVIEWS = `
  SELECT r.annotation_id AS annotationId, r.reviewer_id AS reviewerId, r.comment
  FROM reviews r JOIN (SELECT max(id) AS id FROM reviews GROUP BY annotation_id) latest ON latest.id = r.id`;
const CLIPS = `SELECT id, path, fps, coalesce(capture_fps, fps) AS captureFps, frames, subject, dataset, dataset_filename AS datasetFilename FROM clips c WHERE ${LIVE_CLIP}`;
const DATASET_DETAILS = `SELECT e.id, e.dataset_extra AS extra, e.flags FROM events e JOIN clips c ON c.id = e.clip_id
  WHERE ${LIVE_EVENT} AND (e.dataset_extra <> '{}' OR e.flags <> '[]')`;

/** The corpus in one read, as rows (`raw()`): 30,000 rows stay cheap to allocate. */
export class CorpusRepo implements Sync<CorpusStore> {
  constructor(private readonly db: Database.Database) {}

  snapshot(): CorpusSnapshot {
    return this.db.transaction(() => {
      const shifts = new Map<number, number>();
      for (const { clipId, shift } of this.db.prepare(CLIP_SHIFTS).all() as { clipId: number; shift: number }[]) if (!shifts.has(clipId)) shifts.set(clipId, shift);
      const reviews = this.db.prepare(LATEST_REVIEWS).all() as { annotationId: number; reviewerId: number; comment: string }[];
      return {
        clips: new Map((this.db.prepare(CLIPS).all() as CorpusClip[]).map((c) => [c.id, c])),
        annotatorNames: new Map((this.db.prepare('SELECT id, name FROM annotators').all() as { id: number; name: string }[]).map((n) => [n.id, n.name])),
        latestReviews: new Map(reviews.map((r) => [r.annotationId, { reviewerId: r.reviewerId, comment: r.comment }])),
        frameShifts: shifts,
        rows: this.db.prepare(ROWS).raw().all() as CorpusRow[],
        datasetDetails: new Map(
          (this.db.prepare(DATASET_DETAILS).all() as { id: number; extra: string; flags: string }[]).map((e) => [
            e.id,
            { extra: JSON.parse(e.extra) as Record<string, string>, flags: JSON.parse(e.flags) as string[] },
          ]),
        ),
      };
    })();
  }
}
