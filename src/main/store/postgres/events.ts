import { AppError } from '@shared/errors';
import { EventPatchSchema, NewEventSchema, type DeletionAudit, type EventPatch, type MeEvent, type NewEvent } from '@shared/workspace';
import type { EventsStore } from '../interface';
import { deletions, LIVE_EVENT } from './deletions';
import { PgRepo } from './repo';
import type { Sql } from './session';
import { eventValues, toEvent, type EventRow } from '../rows';

const COLUMNS = `e.id, e.clip_id, e.onset, e.apex, e."offset", e.source, e.dataset_onset, e.dataset_apex, e.dataset_offset,
  e.dataset_aus, e.dataset_emotion, e.dataset_extra, e.flags, e.created_at`;
const LIVE = `SELECT ${COLUMNS} FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT}`;

/** ME events on PostgreSQL: the rules of sqlite/events.ts. */
export class PgEventsRepo extends PgRepo implements EventsStore {
  create(input: NewEvent): Promise<MeEvent> {
    const e = NewEventSchema.parse(input);
    return this.sql.write(async (sql) => {
      await checkWithinClip(sql, e.clipId, e.offset);
      const row = await sql.one<{ id: number }>(
        `INSERT INTO events (clip_id, onset, apex, "offset", source, dataset_onset, dataset_apex, dataset_offset,
           dataset_aus, dataset_emotion, dataset_extra, flags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        eventValues(e),
      );
      return requireEvent(sql, row!.id);
    });
  }

  async get(id: number): Promise<MeEvent | null> {
    return liveEvent(this.sql, id);
  }

  require(id: number): Promise<MeEvent> {
    return requireEvent(this.sql, id);
  }

  async listForClip(clipId: number): Promise<MeEvent[]> {
    return (await this.sql.rows<EventRow>(`${LIVE} AND e.clip_id = $1 ORDER BY e.onset, e.id`, [clipId])).map(toEvent);
  }

  delete(id: number, by: string): Promise<DeletionAudit> {
    return this.sql.write(async (sql) => {
      await requireLiveClip(sql, id);
      return deletions.delete(sql, 'event', id, by);
    });
  }

  restore(id: number, by: string): Promise<MeEvent> {
    return this.sql.write(async (sql) => {
      await requireLiveClip(sql, id);
      await deletions.restore(sql, 'event', id, by);
      return requireEvent(sql, id);
    });
  }

  deletionHistory(id: number): Promise<DeletionAudit[]> {
    return deletions.history(this.sql, 'event', id);
  }

  async hasDatasetEvent(clipPath: string, frames: { onset: number; apex: number | null; offset: number }, aus: string | null): Promise<boolean> {
    // `IS NOT DISTINCT FROM` is SQLite's `IS`: a missing apex or blank AU text matches its like.
    const sql = `SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id
      WHERE ${LIVE_EVENT} AND c.path = $1 AND e.dataset_onset = $2 AND e.dataset_apex IS NOT DISTINCT FROM $3::integer
        AND e.dataset_offset = $4 AND e.dataset_aus IS NOT DISTINCT FROM $5::text`;
    return (await this.sql.one(sql, [clipPath, frames.onset, frames.apex, frames.offset, aus])) !== undefined;
  }

  update(patch: EventPatch): Promise<MeEvent> {
    const p = EventPatchSchema.parse(patch);
    return this.sql.write(async (sql) => {
      const current = await requireEvent(sql, p.id, true);
      const next = { onset: p.onset ?? current.onset, apex: p.apex === undefined ? current.apex : p.apex, offset: p.offset ?? current.offset };
      if (next.onset > next.offset || (next.apex !== null && (next.apex < next.onset || next.apex > next.offset))) {
        throw new AppError('INVALID_INPUT', `Event ${p.id}: expected onset ≤ apex ≤ offset, got ${next.onset}/${next.apex ?? '-'}/${next.offset}`);
      }
      await checkWithinClip(sql, current.clipId, next.offset);
      await sql.run('UPDATE events SET onset = $1, apex = $2, "offset" = $3 WHERE id = $4', [next.onset, next.apex, next.offset, p.id]);
      return requireEvent(sql, p.id);
    });
  }
}

async function liveEvent(sql: Sql, id: number, lock = false): Promise<MeEvent | null> {
  const row = await sql.one<EventRow>(`${LIVE} AND e.id = $1${lock ? ' FOR UPDATE OF e' : ''}`, [id]);
  return row ? toEvent(row) : null;
}

async function requireEvent(sql: Sql, id: number, lock = false): Promise<MeEvent> {
  const event = await liveEvent(sql, id, lock);
  if (event) return event;
  const held = await sql.one<{ event: string | null; clip: string | null; clipId: number }>(
    'SELECT e.deleted_at AS event, c.deleted_at AS clip, c.id AS "clipId" FROM events e JOIN clips c ON c.id = e.clip_id WHERE e.id = $1',
    [id],
  );
  if (held?.event) throw new AppError('NOT_FOUND', `Event ${id} was deleted; restore it to work on it`);
  if (held?.clip) throw new AppError('NOT_FOUND', `Event ${id} belongs to clip ${held.clipId}, which was deleted; restore the clip to work on it`);
  throw new AppError('NOT_FOUND', `No event ${id} in this workspace`);
}

/** An event of a deleted clip is out of reach until the clip is restored. */
async function requireLiveClip(sql: Sql, eventId: number): Promise<void> {
  const clip = await sql.one<{ id: number; deleted_at: string | null }>('SELECT c.id, c.deleted_at FROM events e JOIN clips c ON c.id = e.clip_id WHERE e.id = $1', [eventId]);
  if (clip?.deleted_at) throw new AppError('NOT_FOUND', `Event ${eventId} belongs to clip ${clip.id}, which was deleted; restore the clip first`);
}

async function checkWithinClip(sql: Sql, clipId: number, offset: number): Promise<void> {
  // Locks the clip's row (shared) so it cannot be deleted under the new event.
  const clip = await sql.one<{ frames: number; deleted_at: string | null }>('SELECT frames, deleted_at FROM clips WHERE id = $1 FOR SHARE', [clipId]);
  if (!clip) throw new AppError('NOT_FOUND', `No clip ${clipId} in this workspace`);
  if (clip.deleted_at) throw new AppError('NOT_FOUND', `Clip ${clipId} was deleted; restore it to work on it`);
  if (offset >= clip.frames) {
    throw new AppError('INVALID_INPUT', `Offset ${offset} is past the clip's last frame (${clip.frames - 1})`);
  }
}
