import { createHmac, randomBytes } from 'node:crypto';
import { clipKey, type ExportRecord } from './records';

export interface ExportOptions {
  /** Only events whose review decision is "approved". */
  readonly onlyApproved?: boolean;
  /** Drop paths and names; hash subject, clip and annotator ids with a per-export salt. */
  readonly anonymise?: boolean;
  /** The salt (hex); a fresh random one per export when absent. Tests pass one. */
  readonly salt?: string;
  /** Embed apex frames and flow overlays (report). */
  readonly includeImages?: boolean;
  /** Replace files that already exist. */
  readonly force?: boolean;
}

/** A short salted id: the same input gives the same id within one export only. */
export function saltedId(salt: string, kind: string, value: string): string {
  return createHmac('sha256', salt).update(`${kind}\u0000${value}`).digest('hex').slice(0, 12);
}

/** Removes what identifies a person or a place on disk; keeps labels and frames. */
export function anonymiseRecord(record: ExportRecord, salt: string): ExportRecord {
    return {
    ...record,
    subject: `S${saltedId(salt, 'subject', `${record.dataset}\u0000${record.subject}`)}`,
    clipName: `C${saltedId(salt, 'clip', clipKey(record))}`,
    clipPath: null,
    eventId: `E${saltedId(salt, 'event', record.eventId)}`,
    annotator: `A${saltedId(salt, 'annotator', record.annotator)}`,
    reviewer: record.reviewer ? `A${saltedId(salt, 'annotator', record.reviewer)}` : null,
  };
}

/** The records an export writes, after the review filter and anonymisation. */
export function selectRecords(records: readonly ExportRecord[], options: ExportOptions): { records: ExportRecord[]; salt: string | null } {
  const kept = options.onlyApproved ? records.filter((record) => record.review === 'approved') : [...records];
  if (!options.anonymise) return { records: kept, salt: null };
  const salt = options.salt ?? randomBytes(16).toString('hex');
  return { records: kept.map((record) => anonymiseRecord(record, salt)), salt };
}
