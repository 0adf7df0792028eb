import ExcelJS from 'exceljs';
import { formatFps } from '@shared/fps';
import { toCsv, type CsvValue } from '../csv';
import { datasetFrames, timingFps, type ExportRecord } from './records';

/**
 * The CASME II coding sheet's columns, in its order, then the event's class by duration,
 * that duration and the capture rate it was read at (a re-import keeps them as extras).
 */
export const CASME_COLUMNS = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion', 'Class', 'Duration (ms)', 'Capture fps'] as const;

/** One sheet row per record, frames in the dataset's own numbering; a missing apex is CASME II's own `/`, never a frame nobody coded. */
export function casmeRow(record: ExportRecord): CsvValue[] {
  const frames = datasetFrames(record);
  return [record.subject, record.clipName, frames.onset, record.apexMissing ? '/' : frames.apex, frames.offset, record.aus, record.emotion ?? '', record.expressionClass ?? '', record.durationMs ?? '', formatFps(timingFps(record))];
}

export function casmeCsv(records: readonly ExportRecord[]): Iterable<string> {
  return [toCsv(CASME_COLUMNS, records.map(casmeRow))];
}

/**
 * The same sheet as an .xlsx workbook (subject ids stay text so "01" keeps its zero).
 * Line breaks become LF: XML parsing turns a stored CR LF into LF anyway, so writing LF
 * keeps what is written and what is read back identical.
 */
export async function casmeXlsx(records: readonly ExportRecord[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'MELLM Workstation';
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow([...CASME_COLUMNS]);
  sheet.getRow(1).font = { bold: true };
  for (const record of records) {
    const row = sheet.addRow(casmeRow(record).map((value) => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : (value ?? ''))));
    row.getCell(1).numFmt = '@';
    row.getCell(2).numFmt = '@';
    row.getCell(6).numFmt = '@';
  }
  sheet.columns.forEach((column, index) => { column.width = index === 5 ? 18 : 14; });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
