import { AppError } from '@shared/errors';
import type { NewSpottingRun, SpottingRunRecord, SpottingRunsStore } from '../interface';
import { spottingRunRecord, spottingRunValues, type SpottingRunRow } from '../spotting-runs';
import { LIVE_CLIP } from './deletions';
import { PgRepo } from './repo';
import type { Sql } from './session';
import { PG_NOW } from '../migrations';

/** The latest whole-recording spotting run of each clip: one row per clip, replaced by the next run. */
export class PgSpottingRunsRepo extends PgRepo implements SpottingRunsStore {
  save(run: NewSpottingRun): Promise<SpottingRunRecord> {
    const v = spottingRunValues(run);
    return this.sql.write(async (sql) => {
      if (!(await sql.one(`SELECT 1 FROM clips c WHERE c.id = $1 AND ${LIVE_CLIP} FOR SHARE`, [run.clipId]))) {
        throw new AppError('NOT_FOUND', `No clip ${run.clipId} in this workspace (or it was deleted)`);
      }
      await sql.run(
        `INSERT INTO spotting_runs (clip_id, created_by, app_version, config_key, settings, models, report, curve, curve_points)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (clip_id) DO UPDATE SET created_at = ${PG_NOW}, created_by = excluded.created_by,
           app_version = excluded.app_version, config_key = excluded.config_key, settings = excluded.settings, models = excluded.models,
           report = excluded.report, curve = excluded.curve, curve_points = excluded.curve_points`,
        [v.clip_id, v.created_by, v.app_version, v.config_key, v.settings, v.models, v.report, Buffer.from(v.curve.buffer, v.curve.byteOffset, v.curve.byteLength), v.curve_points],
      );
      return (await latest(sql, run.clipId)) as SpottingRunRecord;
    });
  }

  async hasConfig(clipId: number, configKey: string): Promise<boolean> {
    return (await this.sql.one(`SELECT 1 FROM spotting_runs r JOIN clips c ON c.id = r.clip_id WHERE r.clip_id = $1 AND r.config_key = $2 AND ${LIVE_CLIP}`, [clipId, configKey])) !== undefined;
  }

  latest(clipId: number): Promise<SpottingRunRecord | null> {
    return latest(this.sql, clipId);
  }
}

async function latest(sql: Sql, clipId: number): Promise<SpottingRunRecord | null> {
  const row = await sql.one<SpottingRunRow>(`SELECT r.* FROM spotting_runs r JOIN clips c ON c.id = r.clip_id WHERE r.clip_id = $1 AND ${LIVE_CLIP}`, [clipId]);
  return row ? spottingRunRecord(row) : null;
}
