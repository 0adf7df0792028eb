import { AppError } from '@shared/errors';
import { MediaLocationSchema, type MediaLocation } from '@shared/media-roots';
import { CaptureFpsSchema, ClipFilterSchema, NewClipSchema, type Clip, type ClipFilter, type DeletionAudit, type NewClip } from '@shared/workspace';
import type { ClipsStore } from '../interface';
import { deletions, LIVE_CLIP } from './deletions';
import { PgRepo } from './repo';
import type { Sql } from './session';
import { toClip, type ClipRow } from '../rows';

const COLUMNS = 'c.id, c.path, c.kind, c.sha256, c.fps, c.capture_fps, c.frames, c.width, c.height, c.subject, c.dataset, c.dataset_row, c.dataset_filename, c.face_index, c.media_root, c.media_path, c.created_at';
const LIVE = `SELECT ${COLUMNS} FROM clips c WHERE ${LIVE_CLIP}`;

/** Clips on PostgreSQL: the rules of sqlite/clips.ts (identity by SHA-256, soft delete keeps path and hash). */
export class PgClipsRepo extends PgRepo implements ClipsStore {
  add(input: NewClip): Promise<Clip> {
    const c = NewClipSchema.parse(input);
    return this.sql.write(async (sql) => {
      await refuseDeletedHolder(sql, 'path', c.path);
      if (await byColumn(sql, 'path', c.path)) throw new AppError('INVALID_INPUT', `The clip ${c.path} is already in this workspace`);
      if (c.sha256) await refuseDeletedHolder(sql, 'sha256', c.sha256);
      if (c.sha256 && (await byColumn(sql, 'sha256', c.sha256))) {
        throw new AppError('INVALID_INPUT', `The same media (sha256 ${c.sha256.slice(0, 12)}…) is already in this workspace`);
      }
      if (c.mediaRoot !== null && c.mediaPath !== null) await refuseTakenLocation(sql, { root: c.mediaRoot, path: c.mediaPath }, null);
      const row = await sql.one<{ id: number }>(
        `INSERT INTO clips (path, kind, sha256, fps, frames, width, height, subject, dataset, dataset_row, dataset_filename, face_index, media_root, media_path, capture_fps)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
        [c.path, c.kind, c.sha256, c.fps, c.frames, c.width, c.height, c.subject, c.dataset, c.datasetRow, c.datasetFilename, c.faceIndex, c.mediaRoot, c.mediaPath, c.captureFps],
      );
      return requireClip(sql, row!.id);
    });
  }

  async get(id: number): Promise<Clip | null> {
    return byColumn(this.sql, 'id', id);
  }

  require(id: number): Promise<Clip> {
    return requireClip(this.sql, id);
  }

  byPath(path: string): Promise<Clip | null> {
    return byColumn(this.sql, 'path', path);
  }

  bySha256(sha256: string): Promise<Clip | null> {
    return byColumn(this.sql, 'sha256', sha256);
  }

  delete(id: number, by: string): Promise<DeletionAudit> {
    return this.sql.write((sql) => deletions.delete(sql, 'clip', id, by));
  }

  restore(id: number, by: string): Promise<Clip> {
    return this.sql.write(async (sql) => {
      await deletions.restore(sql, 'clip', id, by);
      return requireClip(sql, id);
    });
  }

  deletionHistory(id: number): Promise<DeletionAudit[]> {
    return deletions.history(this.sql, 'clip', id);
  }

  relinkClip(sha256: string, newPath: string): Promise<Clip> {
    return this.sql.write(async (sql) => {
      const clip = await byColumn(sql, 'sha256', sha256);
      if (!clip) throw new AppError('NOT_FOUND', `No clip with sha256 ${sha256} in this workspace`);
      const other = await sql.one<{ id: number }>('SELECT id FROM clips WHERE path = $1', [newPath]);
      if (other && other.id !== clip.id) throw new AppError('INVALID_INPUT', `Another clip already uses ${newPath}`);
      await sql.run('UPDATE clips SET path = $1 WHERE id = $2', [newPath, clip.id]);
      return requireClip(sql, clip.id);
    });
  }

  setFaceIndex(id: number, faceIndex: number): Promise<Clip> {
    return this.sql.write(async (sql) => {
      await requireClip(sql, id);
      await sql.run('UPDATE clips SET face_index = $1 WHERE id = $2', [faceIndex, id]);
      return requireClip(sql, id);
    });
  }

  setCaptureFps(id: number, captureFps: number | null): Promise<Clip> {
    const rate = CaptureFpsSchema.nullable().safeParse(captureFps);
    if (!rate.success) throw new AppError('INVALID_INPUT', `A capture rate must be a number of frames per second above 0 and at most 10000, or null for the container's (got ${String(captureFps)})`);
    return this.sql.write(async (sql) => {
      await requireClip(sql, id);
      await sql.run('UPDATE clips SET capture_fps = $1 WHERE id = $2', [rate.data, id]);
      return requireClip(sql, id);
    });
  }

  setMediaLocation(id: number, location: MediaLocation | null): Promise<Clip> {
    const at = location === null ? null : MediaLocationSchema.parse(location);
    return this.sql.write(async (sql) => {
      await requireClip(sql, id);
      if (at) await refuseTakenLocation(sql, at, id);
      await sql.run('UPDATE clips SET media_root = $1, media_path = $2 WHERE id = $3', [at?.root ?? null, at?.path ?? null, id]);
      return requireClip(sql, id);
    });
  }

  /** Clips matching every given filter (see sqlite/clips.ts); emotion compares without case. */
  async list(filter: ClipFilter = {}): Promise<Clip[]> {
    const f = ClipFilterSchema.parse(filter);
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [LIVE_CLIP];
    if (f.subject !== undefined) where.push(`c.subject = ${param(f.subject)}`);
    const annotationTerms: string[] = [];
    if (f.status !== undefined) annotationTerms.push(`a.status = ${param(f.status)}`);
    if (f.annotator !== undefined) annotationTerms.push(`n.name = ${param(f.annotator)}`);
    if (annotationTerms.length || f.emotion !== undefined) {
      let emotionTerm = '';
      if (f.emotion !== undefined) {
        const emotion = param(f.emotion);
        emotionTerm = ` AND (lower(a.emotion) = lower(${emotion}) OR lower(e.dataset_emotion) = lower(${emotion}))`;
      }
      const join = annotationTerms.length ? 'JOIN' : 'LEFT JOIN';
      where.push(`EXISTS (SELECT 1 FROM events e ${join} annotations a ON a.event_id = e.id ${join} annotators n ON n.id = a.annotator_id
        WHERE e.clip_id = c.id AND e.deleted_at IS NULL${annotationTerms.map((t) => ` AND ${t}`).join('')}${emotionTerm})`);
    }
    const sql = `SELECT ${COLUMNS} FROM clips c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${param(f.limit)} OFFSET ${param(f.offset)}`;
    return (await this.sql.rows<ClipRow>(sql, params)).map(toClip);
  }
}

async function byColumn(sql: Sql, column: 'id' | 'path' | 'sha256', value: string | number): Promise<Clip | null> {
  const row = await sql.one<ClipRow>(`${LIVE} AND c.${column} = $1`, [value]);
  return row ? toClip(row) : null;
}

export async function requireClip(sql: Sql, id: number): Promise<Clip> {
  const clip = await byColumn(sql, 'id', id);
  if (clip) return clip;
  if (await sql.one('SELECT 1 FROM clips WHERE id = $1', [id])) throw new AppError('NOT_FOUND', `Clip ${id} was deleted; restore it to work on it`);
  throw new AppError('NOT_FOUND', `No clip ${id} in this workspace`);
}

/** One clip per place under a root, deleted ones included (they come back on restore). */
async function refuseTakenLocation(sql: Sql, at: MediaLocation, self: number | null): Promise<void> {
  const other = await sql.one<{ id: number; path: string }>('SELECT id, path FROM clips WHERE media_root = $1 AND media_path = $2', [at.root, at.path]);
  if (other && Number(other.id) !== self) throw new AppError('INVALID_INPUT', `Clip ${other.id} (${other.path}) already lives at ${at.root}/${at.path}`);
}

/** A deleted clip still holds its path and hash (they are unique): say so, and how to get it back. */
async function refuseDeletedHolder(sql: Sql, column: 'path' | 'sha256', value: string): Promise<void> {
  const held = await sql.one<{ id: number; path: string }>(`SELECT id, path FROM clips WHERE ${column} = $1 AND deleted_at IS NOT NULL`, [value]);
  if (held) throw new AppError('INVALID_INPUT', `The clip ${held.path} is in this workspace but deleted (clip ${held.id}); restore it instead of adding it again`);
}
