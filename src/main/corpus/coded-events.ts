import { auSetFromFacs, type FacsParser } from './agreement/au-sets';
import type { CodedEvent } from './agreement/types';
import { clipKey, type ExportRecord } from './export/records';

/**
 * Export records → the events agreement is computed on: the same records feed the
 * corpus export and its agreement table. A clip is identified by dataset, subject and
 * clip name; events by their id.
 */
export function codedEventsFromRecords(records: readonly ExportRecord[], parse?: FacsParser): CodedEvent[] {
  return records.map((record) => ({
    eventId: record.eventId,
    clipId: clipKey(record),
    annotator: record.annotator,
    onset: record.onset,
    apex: record.apex,
    offset: record.offset,
    aus: auSetFromFacs(record.aus, parse),
    emotion: record.emotion,
    label3: record.label3,
  }));
}
