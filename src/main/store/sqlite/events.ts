import { AppError } from '@shared/errors';
import { EventPatchSchema, NewEventSchema, type EventPatch, type MeEvent, type NewEvent } from '@shared/workspace';
import type { EventsStore, Sync } from '../interface';
import { SqliteRepo } from './statements';

interface EventRow {
  id: number;
  clip_id: number;
  onset: number;
  apex: number | null;
  offset: number;
  source: MeEvent['source'];
  dataset_onset: number | null;
  dataset_apex: number | null;
  dataset_offset: number | null;
  dataset_aus: string | null;
  dataset_emotion: string | null;
  dataset_extra: string;
  flags: string;
  created_at: string;
}

const toEvent = (r: EventRow): MeEvent => ({
  id: r.id,
  clipId: r.clip_id,
  onset: r.onset,
  apex: r.apex,
  offset: r.offset,
  source: r.source,
  datasetFrames:
    r.dataset_onset === null || r.dataset_offset === null ? null : { onset: r.dataset_onset, apex: r.dataset_apex, offset: r.dataset_offset },
  datasetAus: r.dataset_aus,
  datasetEmotion: r.dataset_emotion,
  datasetExtra: JSON.parse(r.dataset_extra) as Record<string, string>,
  flags: JSON.parse(r.flags) as string[],
  createdAt: r.created_at,
});

/** ME events: onset/apex/offset intervals (0-based frames) inside a clip. */
export class EventsRepo extends SqliteRepo implements Sync<EventsStore> {

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
        .run(
          e.clipId,
          e.onset,
          e.apex,
          e.offset,
          e.source,
          e.datasetFrames?.onset ?? null,
          e.datasetFrames?.apex ?? null,
          e.datasetFrames?.offset ?? null,
          e.datasetAus,
          e.datasetEmotion,
          JSON.stringify(e.datasetExtra),
          JSON.stringify(e.flags),
        );
      return this.require(Number(lastInsertRowid));
    })();
  }

  get(id: number): MeEvent | null {
    const row = this.sql('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  require(id: number): MeEvent {
    const event = this.get(id);
    if (!event) throw new AppError('NOT_FOUND', `No event ${id} in this workspace`);
    return event;
  }

  listForClip(clipId: number): MeEvent[] {
    return (this.sql('SELECT * FROM events WHERE clip_id = ? ORDER BY onset, id').all(clipId) as EventRow[]).map(toEvent);
  }

  hasDatasetEvent(clipPath: string, frames: { onset: number; apex: number | null; offset: number }, aus: string | null): boolean {
    // `IS` compares NULL with NULL as equal: a missing apex or blank AU text matches its like.
    const sql = `SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id
      WHERE c.path = ? AND e.dataset_onset = ? AND e.dataset_apex IS ? AND e.dataset_offset = ? AND e.dataset_aus IS ?`;
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
    const clip = this.sql('SELECT frames FROM clips WHERE id = ?').get(clipId) as { frames: number } | undefined;
    if (!clip) throw new AppError('NOT_FOUND', `No clip ${clipId} in this workspace`);
    if (offset >= clip.frames) {
      throw new AppError('INVALID_INPUT', `Offset ${offset} is past the clip's last frame (${clip.frames - 1})`);
    }
  }
}
