import { ROI_NAMES } from '@shared/rois';
import { csvLine } from '../csv';
import { formatFps } from '@shared/fps';
import { timingFps, type ExportRecord } from './records';

function roiColumn(region: string): string {
  return `roi_${region.toLowerCase().replaceAll(' ', '_')}_mag`;
}

/** AU evidence columns present in any row, in AU number order. */
function auColumns(records: readonly ExportRecord[]): string[] {
  const aus = new Set<string>();
  for (const record of records) for (const row of record.motion ?? []) for (const au of Object.keys(row.auEvidence)) aus.add(au);
  return [...aus].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/**
 * Per-frame motion and AU evidence, OpenFace-like: identity columns, frame (0-based),
 * timestamp (s, at the capture rate, named in `capture_fps`), face present (OpenFace "success"), ROI magnitudes, AU evidence; numbers
 * are written with at most 4 decimals.
 * Rows belong to the clip, not the annotator: each event's rows are written once.
 */
export function* motionCsv(records: readonly ExportRecord[]): Generator<string> {
  const aus = auColumns(records);
  yield csvLine(['dataset', 'subject', 'clip', 'event', 'capture_fps', 'frame', 'timestamp', 'success', ...ROI_NAMES.map(roiColumn), ...aus.map((au) => `AU${au}_evidence`)]);
  const written = new Set<string>();
  for (const record of records) {
    if (!record.motion?.length || written.has(record.eventId)) continue;
    written.add(record.eventId);
    // Identity cells are escaped once per event; the per-frame cells are plain numbers.
    const identity = csvLine([record.dataset, record.subject, record.clipName, record.eventId, formatFps(timingFps(record))]).slice(0, -2);
    const fps = timingFps(record);
    const lines: string[] = [];
    for (const row of record.motion) {
      const cells = [identity, numberCell(row.frame), numberCell(row.frame / fps), row.facePresent ? '1' : '0'];
      for (const region of ROI_NAMES) cells.push(numberCell(row.roiMagnitudes[region]));
      for (const au of aus) cells.push(numberCell(row.auEvidence[au]));
      lines.push(cells.join(','));
    }
    yield `${lines.join('\r\n')}\r\n`;
  }
}

// Fraction suffixes ".0001" … ".9999" with trailing zeros trimmed.
const FRACTIONS = Array.from({ length: 10_000 }, (_, i) => `.${String(i).padStart(4, '0')}`.replace(/\.?0+$/, ''));

/**
 * A motion value with at most 4 decimals (ROI magnitudes carry 3 by design). Formatting
 * via integers is ~2× faster than String(double), which dominates a 10⁷-cell export.
 */
function numberCell(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  const scaled = Math.round(Math.abs(value) * 1e4);
  if (!Number.isSafeInteger(scaled)) return String(value);
  const whole = Math.floor(scaled / 1e4);
  return `${value < 0 && scaled ? '-' : ''}${whole}${FRACTIONS[scaled - whole * 1e4]}`;
}
