import { ROI_NAMES } from '@shared/rois';
import { AppError } from '@shared/errors';
import type { FrameMotionScanRows, FrameMotionStore, StoredFrameMotion, Sync } from '../interface';
import { SqliteRepo } from './statements';


interface Row {
  frame: number;
  lag: number;
  rois: Buffer;
  aus: string;
}

/** A clip's per-frame motion rows: each scan replaces the frames it covered; exports read them by frame range. */
export class FrameMotionRepo extends SqliteRepo implements Sync<FrameMotionStore> {

  /** Replaces the clip's rows in first..last by a scan's (in the caller's transaction when there is one). */
  replace(clipId: number, scan: FrameMotionScanRows): void {
    const { lag, first, last, rows } = scan;
    this.db.transaction(() => {
      this.sql('DELETE FROM frame_motion WHERE clip_id = ? AND frame BETWEEN ? AND ?').run(clipId, first, last);
      const insert = this.sql('INSERT INTO frame_motion (clip_id, frame, lag, rois, aus) VALUES (?, ?, ?, ?, ?)');
      for (const row of rows) {
        if (row.frame < first || row.frame > last) throw new AppError('INVALID_INPUT', `Frame ${row.frame} lies outside the scan ${first}..${last}.`);
        if (row.roiMagnitudes.length !== ROI_NAMES.length) {
          throw new AppError('INVALID_INPUT', `Frame ${row.frame}: expected ${ROI_NAMES.length} ROI magnitudes, got ${row.roiMagnitudes.length}.`);
        }
        const bytes = Buffer.from(row.roiMagnitudes.buffer, row.roiMagnitudes.byteOffset, row.roiMagnitudes.byteLength);
        insert.run(clipId, row.frame, lag, bytes, JSON.stringify(row.auEvidence));
      }
    })();
  }

  /** Rows with from ≤ frame ≤ to, in frame order; none for a deleted clip. */
  range(clipId: number, from: number, to: number): StoredFrameMotion[] {
    const rows = this.sql(
      'SELECT m.frame, m.lag, m.rois, m.aus FROM frame_motion m JOIN clips c ON c.id = m.clip_id WHERE m.clip_id = ? AND c.deleted_at IS NULL AND m.frame BETWEEN ? AND ? ORDER BY m.frame',
    ).all(clipId, from, to) as Row[];
    return rows.map((r) => ({
      frame: r.frame,
      lag: r.lag,
      // Copy out of SQLite's buffer: its bytes need not be 4-byte aligned.
      roiMagnitudes: new Float32Array(Uint8Array.from(r.rois).buffer),
      auEvidence: JSON.parse(r.aus) as Record<string, number>,
    }));
  }
}
