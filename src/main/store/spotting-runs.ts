/**
 * The row form of a spotting run, shared by both dialects: the curve as float32 bytes,
 * everything else as JSON text, each bounded on the way in and checked on the way out so
 * a damaged row is a clear error rather than a wrong curve.
 */
import { AppError } from '@shared/errors';
import type { NewSpottingRun, SpottingRunRecord } from './interface';

/** The longest curve a run keeps: 10 hours at 30 fps (90 minutes at 200 fps), 4.3 MB. */
export const MAX_SPOTTING_CURVE_POINTS = 1_080_000;
/** The largest report (intervals, blinks, gaze shifts, speech as JSON) a run keeps. */
export const MAX_SPOTTING_REPORT_CHARS = 8_000_000;

export interface SpottingRunRow {
  clip_id: number;
  created_at: string;
  created_by: string | null;
  app_version: string;
  config_key: string | null;
  settings: string;
  models: string;
  report: string;
  curve: Uint8Array;
  curve_points: number;
}

export type SpottingRunValues = Omit<SpottingRunRow, 'created_at'>;

/** The row values of a new run, or INVALID_INPUT saying what is out of bounds. */
export function spottingRunValues(run: NewSpottingRun): SpottingRunValues {
  const { curve } = run;
  if (!(curve instanceof Float32Array)) throw new AppError('INVALID_INPUT', 'A spotting run needs its curve as a Float32Array.');
  if (curve.length > MAX_SPOTTING_CURVE_POINTS) {
    throw new AppError('INVALID_INPUT', `The spotting curve has ${curve.length} points; a run keeps at most ${MAX_SPOTTING_CURVE_POINTS}.`);
  }
  if (!curve.every(Number.isFinite)) throw new AppError('INVALID_INPUT', 'The spotting curve holds a value that is not a finite number.');
  if (!run.appVersion) throw new AppError('INVALID_INPUT', 'A spotting run names the app version that made it.');
  const report = JSON.stringify(run.report ?? null);
  if (report.length > MAX_SPOTTING_REPORT_CHARS) {
    throw new AppError('INVALID_INPUT', `The spotting report is ${report.length} characters; a run keeps at most ${MAX_SPOTTING_REPORT_CHARS}.`);
  }
  return {
    clip_id: run.clipId,
    created_by: run.createdBy,
    app_version: run.appVersion,
    config_key: run.configKey,
    settings: JSON.stringify(run.settings),
    models: JSON.stringify(run.models),
    report,
    curve: new Uint8Array(curve.buffer, curve.byteOffset, curve.byteLength),
    curve_points: curve.length,
  };
}

/** A stored row as the record, or WORKSPACE_INVALID when its curve or JSON cannot be read. */
export function spottingRunRecord(row: SpottingRunRow): SpottingRunRecord {
  const bytes = row.curve;
  if (row.curve_points > MAX_SPOTTING_CURVE_POINTS || bytes.byteLength !== row.curve_points * 4) {
    throw new AppError('WORKSPACE_INVALID', `The spotting run of clip ${row.clip_id} has a curve of ${bytes.byteLength} bytes for ${row.curve_points} points. Analyse the recording again.`);
  }
  try {
    return {
      clipId: Number(row.clip_id),
      createdAt: row.created_at,
      createdBy: row.created_by,
      appVersion: row.app_version,
      configKey: row.config_key,
      settings: JSON.parse(row.settings) as Record<string, unknown>,
      models: JSON.parse(row.models) as SpottingRunRecord['models'],
      report: JSON.parse(row.report) as unknown,
      // A copy with its own aligned buffer: a driver's bytes need not be 4-byte aligned.
      curve: new Float32Array(Uint8Array.from(bytes).buffer),
    };
  } catch (error) {
    throw new AppError('WORKSPACE_INVALID', `The spotting run of clip ${row.clip_id} cannot be read (${(error as Error).message}). Analyse the recording again.`);
  }
}
