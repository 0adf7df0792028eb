import { AppError } from '@shared/errors';
import { ROI_NAMES } from '@shared/rois';
import type { FrameMotionScanRows, FrameMotionStore, StoredFrameMotion } from '../interface';
import { PgRepo } from './repo';

/** Rows per INSERT: one round trip carries many frames (a 2,000-frame scan is a handful of statements). */
const BATCH = 500;

/** A clip's per-frame motion rows: each scan replaces the frames it covered. */
export class PgFrameMotionRepo extends PgRepo implements FrameMotionStore {
  replace(clipId: number, scan: FrameMotionScanRows): Promise<void> {
    const { lag, first, last, rows } = scan;
    for (const row of rows) {
      if (row.frame < first || row.frame > last) throw new AppError('INVALID_INPUT', `Frame ${row.frame} lies outside the scan ${first}..${last}.`);
      if (row.roiMagnitudes.length !== ROI_NAMES.length) {
        throw new AppError('INVALID_INPUT', `Frame ${row.frame}: expected ${ROI_NAMES.length} ROI magnitudes, got ${row.roiMagnitudes.length}.`);
      }
    }
    return this.sql.write(async (sql) => {
      await sql.run('DELETE FROM frame_motion WHERE clip_id = $1 AND frame BETWEEN $2 AND $3', [clipId, first, last]);
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH);
        const params: unknown[] = [];
        const values = batch.map((row) => {
          const bytes = Buffer.from(row.roiMagnitudes.buffer, row.roiMagnitudes.byteOffset, row.roiMagnitudes.byteLength);
          params.push(clipId, row.frame, lag, bytes, JSON.stringify(row.auEvidence));
          const n = params.length;
          return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
        });
        await sql.run(`INSERT INTO frame_motion (clip_id, frame, lag, rois, aus) VALUES ${values.join(', ')}`, params);
      }
    });
  }

  async range(clipId: number, from: number, to: number): Promise<StoredFrameMotion[]> {
    const rows = await this.sql.rows<{ frame: number; lag: number; rois: Buffer; aus: string }>(
      'SELECT m.frame, m.lag, m.rois, m.aus FROM frame_motion m JOIN clips c ON c.id = m.clip_id WHERE m.clip_id = $1 AND c.deleted_at IS NULL AND m.frame BETWEEN $2 AND $3 ORDER BY m.frame',
      [clipId, from, to],
    );
    return rows.map((r) => ({
      frame: r.frame,
      lag: r.lag,
      // A copy with its own aligned buffer (a Float32Array view needs 4-byte alignment).
      roiMagnitudes: new Float32Array(Uint8Array.from(r.rois).buffer),
      auEvidence: JSON.parse(r.aus) as Record<string, number>,
    }));
  }
}
