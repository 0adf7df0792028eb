import { ROI_NAMES } from '@shared/rois';
import { csvLine } from '../csv';
import type { ExportRecord } from './records';

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
 * timestamp (s), face present (OpenFace "success"), ROI magnitudes, AU evidence.
 * Rows belong to the clip, not the annotator: each event's rows are written once.
 */
export function* motionCsv(records: readonly ExportRecord[]): Generator<string> {
  const aus = auColumns(records);
  yield csvLine(['dataset', 'subject', 'clip', 'event', 'frame', 'timestamp', 'success', ...ROI_NAMES.map(roiColumn), ...aus.map((au) => `AU${au}_evidence`)]);
  const written = new Set<string>();
  for (const record of records) {
    if (!record.motion?.length || written.has(record.eventId)) continue;
    written.add(record.eventId);
    for (const row of record.motion) {
      yield csvLine([
        record.dataset, record.subject, record.clipName, record.eventId, row.frame,
        Number((row.frame / record.fps).toFixed(4)), row.facePresent ? 1 : 0,
        ...ROI_NAMES.map((region) => row.roiMagnitudes[region]),
        ...aus.map((au) => row.auEvidence[au]),
      ]);
    }
  }
}
