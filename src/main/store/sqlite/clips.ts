import { AppError } from '@shared/errors';
import { ClipFilterSchema, NewClipSchema, type Clip, type ClipFilter, type NewClip } from '@shared/workspace';
import type { ClipsStore, Sync } from '../interface';
import { SqliteRepo } from './statements';

interface ClipRow {
  id: number;
  path: string;
  kind: Clip['kind'];
  sha256: string | null;
  fps: number;
  frames: number;
  width: number;
  height: number;
  subject: string | null;
  dataset: Clip['dataset'];
  dataset_row: number | null;
  dataset_filename: string | null;
  face_index: number;
  created_at: string;
}

const toClip = (r: ClipRow): Clip => ({
  id: r.id,
  path: r.path,
  kind: r.kind,
  sha256: r.sha256,
  fps: r.fps,
  frames: r.frames,
  width: r.width,
  height: r.height,
  subject: r.subject,
  dataset: r.dataset,
  datasetRow: r.dataset_row,
  datasetFilename: r.dataset_filename,
  faceIndex: r.face_index,
  createdAt: r.created_at,
});

/** Clips: media files or frame folders, identified by SHA-256 so moved media can be relinked. */
export class ClipsRepo extends SqliteRepo implements Sync<ClipsStore> {

  add(input: NewClip): Clip {
    const c = NewClipSchema.parse(input);
    return this.db.transaction(() => {
      if (this.byPath(c.path)) throw new AppError('INVALID_INPUT', `The clip ${c.path} is already in this workspace`);
      if (c.sha256 && this.bySha256(c.sha256)) {
        throw new AppError('INVALID_INPUT', `The same media (sha256 ${c.sha256.slice(0, 12)}…) is already in this workspace`);
      }
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO clips (path, kind, sha256, fps, frames, width, height, subject, dataset, dataset_row, dataset_filename, face_index)
           VALUES (@path, @kind, @sha256, @fps, @frames, @width, @height, @subject, @dataset, @datasetRow, @datasetFilename, @faceIndex)`,
        )
        .run(c);
      return this.require(Number(lastInsertRowid));
    })();
  }

  get(id: number): Clip | null {
    const row = this.sql('SELECT * FROM clips WHERE id = ?').get(id) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  require(id: number): Clip {
    const clip = this.get(id);
    if (!clip) throw new AppError('NOT_FOUND', `No clip ${id} in this workspace`);
    return clip;
  }

  byPath(path: string): Clip | null {
    const row = this.sql('SELECT * FROM clips WHERE path = ?').get(path) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  bySha256(sha256: string): Clip | null {
    const row = this.sql('SELECT * FROM clips WHERE sha256 = ?').get(sha256) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  /** Points the clip with this content hash at its new location (media moved or renamed). */
  relinkClip(sha256: string, newPath: string): Clip {
    return this.db.transaction(() => {
      const clip = this.bySha256(sha256);
      if (!clip) throw new AppError('NOT_FOUND', `No clip with sha256 ${sha256} in this workspace`);
      const other = this.byPath(newPath);
      if (other && other.id !== clip.id) throw new AppError('INVALID_INPUT', `Another clip already uses ${newPath}`);
      this.sql('UPDATE clips SET path = ? WHERE id = ?').run(newPath, clip.id);
      return this.require(clip.id);
    })();
  }

  setFaceIndex(id: number, faceIndex: number): Clip {
    return this.db.transaction(() => {
      this.require(id);
      this.sql('UPDATE clips SET face_index = ? WHERE id = ?').run(faceIndex, id);
      return this.require(id);
    })();
  }

  /**
   * Clips matching every given filter. Status, emotion and annotator look at the clip's
   * events' annotations; emotion also matches the dataset's own label.
   */
  list(filter: ClipFilter = {}): Clip[] {
    const f = ClipFilterSchema.parse(filter);
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: f.limit, offset: f.offset };
    if (f.subject !== undefined) {
      where.push('c.subject = @subject');
      params.subject = f.subject;
    }
    const annotationTerms: string[] = [];
    if (f.status !== undefined) {
      annotationTerms.push('a.status = @status');
      params.status = f.status;
    }
    if (f.annotator !== undefined) {
      annotationTerms.push('n.name = @annotator');
      params.annotator = f.annotator;
    }
    if (f.emotion !== undefined) params.emotion = f.emotion;
    if (annotationTerms.length || f.emotion !== undefined) {
      const emotionTerm = f.emotion !== undefined ? ' AND (a.emotion = @emotion COLLATE NOCASE OR e.dataset_emotion = @emotion COLLATE NOCASE)' : '';
      const join = annotationTerms.length ? 'JOIN' : 'LEFT JOIN';
      where.push(`EXISTS (SELECT 1 FROM events e ${join} annotations a ON a.event_id = e.id ${join} annotators n ON n.id = a.annotator_id
        WHERE e.clip_id = c.id${annotationTerms.map((t) => ` AND ${t}`).join('')}${emotionTerm})`);
    }
    const sql = `SELECT c.* FROM clips c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id LIMIT @limit OFFSET @offset`;
    return (this.sql(sql).all(params) as ClipRow[]).map(toClip);
  }
}
