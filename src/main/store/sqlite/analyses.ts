import { AppError } from '@shared/errors';
import type { Analysis } from '@shared/workspace';
import type { AnalysesStore, Sync } from '../interface';
import { LIVE_EVENT_BY_ID } from './deletions';
import { SqliteRepo } from './statements';

interface AnalysisRow {
  id: number;
  event_id: number;
  models: string;
  result: string;
  timings: string;
  created_at: string;
}

/** Model output for an event, with the model ids/versions and stage timings that produced it. */
export class AnalysesRepo extends SqliteRepo implements Sync<AnalysesStore> {

  add(eventId: number, models: Analysis['models'], result: unknown, timingsMs: Analysis['timingsMs'] = {}, configKey: string | null = null): Analysis {
    return this.db.transaction(() => {
      if (!this.sql(LIVE_EVENT_BY_ID).get(eventId)) {
        throw new AppError('NOT_FOUND', `No event ${eventId} in this workspace (or it was deleted)`);
      }
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO analyses (event_id, models, result, timings, config_key) VALUES (?, ?, ?, ?, ?)')
        .run(eventId, JSON.stringify(models), JSON.stringify(result), JSON.stringify(timingsMs), configKey);
      return this.listForEvent(eventId).find((a) => a.id === Number(lastInsertRowid)) as Analysis;
    })();
  }

  hasConfig(eventId: number, configKey: string): boolean {
    return this.sql('SELECT 1 FROM analyses WHERE event_id = ? AND config_key = ? LIMIT 1').get(eventId, configKey) !== undefined;
  }

  /** Newest first; none for a deleted event (they come back with it). */
  listForEvent(eventId: number): Analysis[] {
    if (!this.sql(LIVE_EVENT_BY_ID).get(eventId)) return [];
    return (this.sql('SELECT * FROM analyses WHERE event_id = ? ORDER BY id DESC').all(eventId) as AnalysisRow[]).map((r) => ({
      id: r.id,
      eventId: r.event_id,
      models: JSON.parse(r.models) as Analysis['models'],
      result: JSON.parse(r.result) as unknown,
      timingsMs: JSON.parse(r.timings) as Analysis['timingsMs'],
      createdAt: r.created_at,
    }));
  }
}
