import { formatFps } from '@shared/fps';
import { toCsv } from '../csv';
import { datasetFrames, MEGC_CLASS_IDS, timingFps, type ExportRecord } from './records';

export const MEGC_RECOGNITION_COLUMNS = ['dataset', 'subject', 'clip', 'label', 'label_id'] as const;
export const MEGC_SPOTTING_COLUMNS = ['dataset', 'subject', 'clip', 'event', 'onset', 'apex', 'offset', 'fps', 'capture_fps', 'class', 'duration_ms'] as const;

/**
 * MEGC 2019 composite recognition list: one line per labelled event with the 3-class
 * id (negative 0, positive 1, surprise 2). Events without a 3-class label are left out.
 */
export function megcRecognitionCsv(records: readonly ExportRecord[]): Iterable<string> {
  const rows = records.flatMap((record) =>
    record.label3 ? [[record.dataset, record.subject, record.clipName, record.label3, MEGC_CLASS_IDS[record.label3]]] : [],
  );
  return [toCsv(MEGC_RECOGNITION_COLUMNS, rows)];
}

/**
 * MEGC spotting intervals: onset/apex/offset in the dataset's own frame numbering; the
 * container's fps and the capture rate (which the class and duration are read at), rounded for reading.
 * An event without an apex (a sheet's `/`) leaves the apex cell empty.
 */
export function megcSpottingCsv(records: readonly ExportRecord[]): Iterable<string> {
  const rows = records.map((record) => {
    const frames = datasetFrames(record);
    return [record.dataset, record.subject, record.clipName, record.eventId, frames.onset, record.apexMissing ? '' : frames.apex, frames.offset, formatFps(record.fps), formatFps(timingFps(record)), record.expressionClass ?? '', record.durationMs ?? ''];
  });
  return [toCsv(MEGC_SPOTTING_COLUMNS, rows)];
}
