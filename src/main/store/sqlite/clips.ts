import { AppError } from '@shared/errors';
import { MediaLocationSchema, type MediaLocation } from '@shared/media-roots';
import { CaptureFpsSchema, ClipFilterSchema, NewClipSchema, type Clip, type ClipFilter, type DeletionAudit, type NewClip } from '@shared/workspace';
import type { ClipsStore, Sync } from '../interface';
import { Deletions, LIVE_CLIP } from './deletions';
import { SqliteRepo } from './statements';
import { toClip, type ClipRow } from '../rows';

const LIVE = `SELECT * FROM clips c WHERE ${LIVE_CLIP}`;

/**
 * Clips: media files or frame folders, identified by SHA-256 so moved media can be
 * relinked. A deleted clip is left out of every read but keeps its path and hash: adding
 * the same media again is refused with the way back (restore).
 */
export class ClipsRepo extends SqliteRepo implements Sync<ClipsStore> {
  readonly #deletions = new Deletions(this.db);

  add(input: NewClip): Clip {
    const c = NewClipSchema.parse(input);
    return this.db.transaction(() => {
      this.#refuseDeletedHolder('path', c.path);
      if (this.byPath(c.path)) throw new AppError('INVALID_INPUT', `The clip ${c.path} is already in this workspace`);
      if (c.sha256) this.#refuseDeletedHolder('sha256', c.sha256);
      if (c.sha256 && this.bySha256(c.sha256)) {
        throw new AppError('INVALID_INPUT', `The same media (sha256 ${c.sha256.slice(0, 12)}…) is already in this workspace`);
      }
      if (c.mediaRoot !== null && c.mediaPath !== null) this.#refuseTakenLocation({ root: c.mediaRoot, path: c.mediaPath }, null);
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO clips (path, kind, sha256, fps, capture_fps, frames, width, height, subject, dataset, dataset_row, dataset_filename, face_index, media_root, media_path)
           VALUES (@path, @kind, @sha256, @fps, @captureFps, @frames, @width, @height, @subject, @dataset, @datasetRow, @datasetFilename, @faceIndex, @mediaRoot, @mediaPath)`,
        )
        .run(c);
      return this.require(Number(lastInsertRowid));
    })();
  }

  get(id: number): Clip | null {
    const row = this.sql(`${LIVE} AND id = ?`).get(id) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  require(id: number): Clip {
    const clip = this.get(id);
    if (clip) return clip;
    if (this.sql('SELECT 1 FROM clips WHERE id = ?').get(id)) throw new AppError('NOT_FOUND', `Clip ${id} was deleted; restore it to work on it`);
    throw new AppError('NOT_FOUND', `No clip ${id} in this workspace`);
  }

  byPath(path: string): Clip | null {
    const row = this.sql(`${LIVE} AND path = ?`).get(path) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  bySha256(sha256: string): Clip | null {
    const row = this.sql(`${LIVE} AND sha256 = ?`).get(sha256) as ClipRow | undefined;
    return row ? toClip(row) : null;
  }

  delete(id: number, by: string): DeletionAudit {
    return this.db.transaction(() => this.#deletions.delete('clip', id, by))();
  }

  restore(id: number, by: string): Clip {
    return this.db.transaction(() => {
      this.#deletions.restore('clip', id, by);
      return this.require(id);
    })();
  }

  deletionHistory(id: number): DeletionAudit[] {
    return this.#deletions.history('clip', id);
  }

  /** A deleted clip still holds its path and hash (they are unique): say so, and how to get it back. */
  #refuseDeletedHolder(column: 'path' | 'sha256', value: string): void {
    const held = this.sql(`SELECT id, path FROM clips WHERE ${column} = ? AND deleted_at IS NOT NULL`).get(value) as { id: number; path: string } | undefined;
    if (held) throw new AppError('INVALID_INPUT', `The clip ${held.path} is in this workspace but deleted (clip ${held.id}); restore it instead of adding it again`);
  }

  /** Points the clip with this content hash at its new location (media moved or renamed). */
  relinkClip(sha256: string, newPath: string): Clip {
    return this.db.transaction(() => {
      const clip = this.bySha256(sha256);
      if (!clip) throw new AppError('NOT_FOUND', `No clip with sha256 ${sha256} in this workspace`);
      const other = this.sql('SELECT id FROM clips WHERE path = ?').get(newPath) as { id: number } | undefined;
      if (other && other.id !== clip.id) throw new AppError('INVALID_INPUT', `Another clip already uses ${newPath}`);
      this.sql('UPDATE clips SET path = ? WHERE id = ?').run(newPath, clip.id);
      return this.require(clip.id);
    })();
  }

  setMediaLocation(id: number, location: MediaLocation | null): Clip {
    const at = location === null ? null : MediaLocationSchema.parse(location);
    return this.db.transaction(() => {
      this.require(id);
      if (at) this.#refuseTakenLocation(at, id);
      this.sql('UPDATE clips SET media_root = ?, media_path = ? WHERE id = ?').run(at?.root ?? null, at?.path ?? null, id);
      return this.require(id);
    })();
  }

  /** One clip per place under a root, deleted ones included (they come back on restore). */
  #refuseTakenLocation(at: MediaLocation, self: number | null): void {
    const other = this.sql('SELECT id, path FROM clips WHERE media_root = ? AND media_path = ?').get(at.root, at.path) as { id: number; path: string } | undefined;
    if (other && other.id !== self) throw new AppError('INVALID_INPUT', `Clip ${other.id} (${other.path}) already lives at ${at.root}/${at.path}`);
  }

  setFaceIndex(id: number, faceIndex: number): Clip {
    return this.db.transaction(() => {
      this.require(id);
      this.sql('UPDATE clips SET face_index = ? WHERE id = ?').run(faceIndex, id);
      return this.require(id);
    })();
  }

  setCaptureFps(id: number, captureFps: number | null): Clip {
    const rate = CaptureFpsSchema.nullable().safeParse(captureFps);
    if (!rate.success) throw new AppError('INVALID_INPUT', `A capture rate must be a number of frames per second above 0 and at most 10000, or null for the container's (got ${String(captureFps)})`);
    return this.db.transaction(() => {
      this.require(id);
      this.sql('UPDATE clips SET capture_fps = ? WHERE id = ?').run(rate.data, id);
      return this.require(id);
    })();
  }

  /**
   * Clips matching every given filter. Status, emotion and annotator look at the clip's
   * events' annotations; emotion also matches the dataset's own label.
   */
  list(filter: ClipFilter = {}): Clip[] {
    const f = ClipFilterSchema.parse(filter);
    const where: string[] = [LIVE_CLIP];
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
        WHERE e.clip_id = c.id AND e.deleted_at IS NULL${annotationTerms.map((t) => ` AND ${t}`).join('')}${emotionTerm})`);
    }
    const sql = `SELECT c.* FROM clips c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT @limit OFFSET @offset`;
    return (this.sql(sql).all(params) as ClipRow[]).map(toClip);
  }
}
