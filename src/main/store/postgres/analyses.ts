import { AppError } from '@shared/errors';
import type { Analysis } from '@shared/workspace';
import type { AnalysesStore } from '../interface';
import { LIVE_EVENT_BY_ID } from './deletions';
import { PgRepo } from './repo';
import type { Sql } from './session';

interface AnalysisRow {
  id: number;
  event_id: number;
  models: string;
  result: string;
  timings: string;
  created_at: string;
}

/** Model output for an event, with the model ids/versions and stage timings that produced it. */
export class PgAnalysesRepo extends PgRepo implements AnalysesStore {
  add(eventId: number, models: Analysis['models'], result: unknown, timingsMs: Analysis['timingsMs'] = {}, configKey: string | null = null): Promise<Analysis> {
    return this.sql.write(async (sql) => {
      if (!(await sql.one(`${LIVE_EVENT_BY_ID} FOR SHARE OF e`, [eventId]))) {
        throw new AppError('NOT_FOUND', `No event ${eventId} in this workspace (or it was deleted)`);
      }
      const row = await sql.one<{ id: number }>('INSERT INTO analyses (event_id, models, result, timings, config_key) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
        eventId,
        JSON.stringify(models),
        JSON.stringify(result),
        JSON.stringify(timingsMs),
        configKey,
      ]);
      return (await listForEvent(sql, eventId)).find((a) => a.id === row!.id) as Analysis;
    });
  }

  async hasConfig(eventId: number, configKey: string): Promise<boolean> {
    return (await this.sql.one('SELECT 1 FROM analyses WHERE event_id = $1 AND config_key = $2 LIMIT 1', [eventId, configKey])) !== undefined;
  }

  listForEvent(eventId: number): Promise<Analysis[]> {
    return listForEvent(this.sql, eventId);
  }
}

/** Newest first; none for a deleted event (they come back with it). */
async function listForEvent(sql: Sql, eventId: number): Promise<Analysis[]> {
  const rows = await sql.rows<AnalysisRow & { live: boolean }>(
    `SELECT x.id, x.event_id, x.models, x.result, x.timings, x.created_at FROM analyses x
     WHERE x.event_id = $1 AND EXISTS (${LIVE_EVENT_BY_ID}) ORDER BY x.id DESC`,
    [eventId],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    models: JSON.parse(r.models) as Analysis['models'],
    result: JSON.parse(r.result) as unknown,
    timingsMs: JSON.parse(r.timings) as Analysis['timingsMs'],
    createdAt: r.created_at,
  }));
}
