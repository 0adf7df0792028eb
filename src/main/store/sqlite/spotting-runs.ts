import { AppError } from '@shared/errors';
import type { NewSpottingRun, SpottingRunRecord, SpottingRunsStore, Sync } from '../interface';
import { spottingRunRecord, spottingRunValues, type SpottingRunRow } from '../spotting-runs';
import { LIVE_CLIP } from './deletions';
import { SqliteRepo } from './statements';

/** The latest whole-recording spotting run of each clip: one row per clip, replaced by the next run. */
export class SpottingRunsRepo extends SqliteRepo implements Sync<SpottingRunsStore> {
  save(run: NewSpottingRun): SpottingRunRecord {
    const values = spottingRunValues(run);
    return this.db.transaction(() => {
      if (!this.sql(`SELECT 1 FROM clips c WHERE c.id = ? AND ${LIVE_CLIP}`).get(run.clipId)) {
        throw new AppError('NOT_FOUND', `No clip ${run.clipId} in this workspace (or it was deleted)`);
      }
      this.sql(
        `INSERT INTO spotting_runs (clip_id, created_by, app_version, config_key, settings, models, report, curve, curve_points)
         VALUES (@clip_id, @created_by, @app_version, @config_key, @settings, @models, @report, @curve, @curve_points)
         ON CONFLICT (clip_id) DO UPDATE SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), created_by = excluded.created_by,
           app_version = excluded.app_version, config_key = excluded.config_key, settings = excluded.settings, models = excluded.models,
           report = excluded.report, curve = excluded.curve, curve_points = excluded.curve_points`,
      ).run({ ...values, curve: Buffer.from(values.curve.buffer, values.curve.byteOffset, values.curve.byteLength) });
      return this.latest(run.clipId) as SpottingRunRecord;
    })();
  }

  hasConfig(clipId: number, configKey: string): boolean {
    return this.sql(`SELECT 1 FROM spotting_runs r JOIN clips c ON c.id = r.clip_id WHERE r.clip_id = ? AND r.config_key = ? AND ${LIVE_CLIP}`).get(clipId, configKey) !== undefined;
  }

  latest(clipId: number): SpottingRunRecord | null {
    const row = this.sql(`SELECT r.* FROM spotting_runs r JOIN clips c ON c.id = r.clip_id WHERE r.clip_id = ? AND ${LIVE_CLIP}`).get(clipId) as SpottingRunRow | undefined;
    return row ? spottingRunRecord(row) : null;
  }
}
