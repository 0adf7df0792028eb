import { AppError } from '@shared/errors';
import { EventPatchSchema, NewEventSchema, type DeletionAudit, type EventPatch, type MeEvent, type NewEvent } from '@shared/workspace';
import type { EventsStore, Sync } from '../interface';
import { Deletions, LIVE_EVENT } from './deletions';
import { SqliteRepo } from './statements';
import { eventValues, toEvent, type EventRow } from '../rows';

const LIVE = `SELECT e.* FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT}`;

/** ME events: onset/apex/offset intervals (0-based frames) inside a clip; deleted ones are left out of every read. */
export class EventsRepo extends SqliteRepo implements Sync<EventsStore> {
  readonly #deletions = new Deletions(this.db);

  create(input: NewEvent): MeEvent {
    const e = NewEventSchema.parse(input);
    return this.db.transaction(() => {
      this.#checkWithinClip(e.clipId, e.offset);
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO events (clip_id, onset, apex, offset, source, dataset_onset, dataset_apex, dataset_offset,
             dataset_aus, dataset_emotion, dataset_extra, flags)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...eventValues(e));
      return this.require(Number(lastInsertRowid));
    })();
  }

  get(id: number): MeEvent | null {
    const row = this.sql(`${LIVE} AND e.id = ?`).get(id) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  require(id: number): MeEvent {
    const event = this.get(id);
    if (event) return event;
    const held = this.sql('SELECT e.deleted_at AS event, c.deleted_at AS clip, c.id AS clipId FROM events e JOIN clips c ON c.id = e.clip_id WHERE e.id = ?').get(id) as
      | { event: string | null; clip: string | null; clipId: number }
      | undefined;
    if (held?.event) throw new AppError('NOT_FOUND', `Event ${id} was deleted; restore it to work on it`);
    if (held?.clip) throw new AppError('NOT_FOUND', `Event ${id} belongs to clip ${held.clipId}, which was deleted; restore the clip to work on it`);
    throw new AppError('NOT_FOUND', `No event ${id} in this workspace`);
  }

  listForClip(clipId: number): MeEvent[] {
    return (this.sql(`${LIVE} AND e.clip_id = ? ORDER BY e.onset, e.id`).all(clipId) as EventRow[]).map(toEvent);
  }

  delete(id: number, by: string): DeletionAudit {
    return this.db.transaction(() => {
      this.#requireLiveClip(id);
      return this.#deletions.delete('event', id, by);
    })();
  }

  restore(id: number, by: string): MeEvent {
    return this.db.transaction(() => {
      this.#requireLiveClip(id);
      this.#deletions.restore('event', id, by);
      return this.require(id);
    })();
  }

  deletionHistory(id: number): DeletionAudit[] {
    return this.#deletions.history('event', id);
  }

  /** An event of a deleted clip is out of reach until the clip is restored. */
  #requireLiveClip(eventId: number): void {
    const clip = this.sql('SELECT c.id, c.deleted_at FROM events e JOIN clips c ON c.id = e.clip_id WHERE e.id = ?').get(eventId) as { id: number; deleted_at: string | null } | undefined;
    if (clip?.deleted_at) throw new AppError('NOT_FOUND', `Event ${eventId} belongs to clip ${clip.id}, which was deleted; restore the clip first`);
  }

  hasDatasetEvent(clipPath: string, frames: { onset: number; apex: number | null; offset: number }, aus: string | null): boolean {
    // `IS` compares NULL with NULL as equal: a missing apex or blank AU text matches its like.
    const sql = `SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id
      WHERE ${LIVE_EVENT} AND c.path = ? AND e.dataset_onset = ? AND e.dataset_apex IS ? AND e.dataset_offset = ? AND e.dataset_aus IS ?`;
    return this.sql(sql).get(clipPath, frames.onset, frames.apex, frames.offset, aus) !== undefined;
  }

  /** Moves an event's boundaries; the merged interval must still be onset ≤ apex ≤ offset. */
  update(patch: EventPatch): MeEvent {
    const p = EventPatchSchema.parse(patch);
    return this.db.transaction(() => {
      const current = this.require(p.id);
      const next = { onset: p.onset ?? current.onset, apex: p.apex === undefined ? current.apex : p.apex, offset: p.offset ?? current.offset };
      if (next.onset > next.offset || (next.apex !== null && (next.apex < next.onset || next.apex > next.offset))) {
        throw new AppError('INVALID_INPUT', `Event ${p.id}: expected onset ≤ apex ≤ offset, got ${next.onset}/${next.apex ?? '-'}/${next.offset}`);
      }
      this.#checkWithinClip(current.clipId, next.offset);
      this.sql('UPDATE events SET onset = ?, apex = ?, offset = ? WHERE id = ?').run(next.onset, next.apex, next.offset, p.id);
      return this.require(p.id);
    })();
  }

  #checkWithinClip(clipId: number, offset: number): void {
    const clip = this.sql('SELECT frames, deleted_at FROM clips WHERE id = ?').get(clipId) as { frames: number; deleted_at: string | null } | undefined;
    if (!clip) throw new AppError('NOT_FOUND', `No clip ${clipId} in this workspace`);
    if (clip.deleted_at) throw new AppError('NOT_FOUND', `Clip ${clipId} was deleted; restore it to work on it`);
    if (offset >= clip.frames) {
      throw new AppError('INVALID_INPUT', `Offset ${offset} is past the clip's last frame (${clip.frames - 1})`);
    }
  }
}
