import type { ImportField } from '@shared/corpus-import';
import { toCsv, type CsvValue } from '../csv';
import { extraFor, LAYOUTS, MEGC_SOURCE_NAMES, type Dataset, type DatasetLayout, type SheetColumn } from '../import';
import { csvLine } from '../csv';
import { groupBy } from '../group';
import { datasetFrames, MEGC_CLASS_IDS, timingFps, type ExportRecord } from './records';

/** The layout a record's clip was imported with (a clip made in the app: the generic sheet). */
export function recordLayout(record: ExportRecord): DatasetLayout {
  const layout = (LAYOUTS as Readonly<Record<string, DatasetLayout>>)[record.dataset];
  return layout && layout.dataset !== 'megc' ? layout : LAYOUTS.generic;
}

/** The cell a record writes for one column of a released header. */
function cellFor(record: ExportRecord, column: SheetColumn | { field: ImportField | null; header: string }): CsvValue {
  const frames = datasetFrames(record);
  switch (column.field) {
    case 'subject': return record.subject;
    case 'filename': return record.clipName;
    case 'onset': return frames.onset;
    case 'apex': return record.apexMissing ? '/' : frames.apex;
    case 'offset': return frames.offset;
    case 'aus': return record.aus;
    case 'emotion': return record.emotion ?? '';
    // DFME's Fps is the rate the clip was filmed at.
    case 'fps': return timingFps(record);
    case 'label': return record.label3 ? MEGC_CLASS_IDS[record.label3] : '';
    case 'source': return extraFor(record.datasetExtra, 'source') ?? MEGC_SOURCE_NAMES[recordLayout(record).dataset];
    case 'onsetPath':
    case 'apexPath':
    case 'offsetPath': return extraFor(record.datasetExtra, column.field) ?? '';
    case null: return record.datasetExtra?.[column.header] ?? '';
  }
}

/** A headerless layout's columns (CAS(ME)²): the extras it kept are named `column N`. */
function headerlessColumns(layout: DatasetLayout): { field: ImportField | null; header: string }[] {
  return (layout.headerless ?? []).map((field, index) => ({ field, header: field ? '' : `column ${index + 1}` }));
}

/**
 * One dataset's records as its own coding sheet: the header it releases (none for
 * CAS(ME)²), its frame numbers, the coder's AU text as written and the columns the
 * importer kept by name. Importing the file with that layout gives the same frames and
 * codes back.
 */
export function datasetSheetCsv(layout: DatasetLayout, records: readonly ExportRecord[]): Iterable<string> {
  if (layout.headerless) {
    const columns = headerlessColumns(layout);
    return [records.map((record) => csvLine(columns.map((column) => cellFor(record, column)))).join('')];
  }
  return [toCsv(layout.columns.map((c) => c.header), records.map((record) => layout.columns.map((column) => cellFor(record, column))))];
}

/** The records grouped by the layout of their clip, for one sheet per dataset. */
export function datasetSheetGroups(records: readonly ExportRecord[]): Map<Dataset, ExportRecord[]> {
  const groups = new Map<Dataset, ExportRecord[]>();
  for (const [dataset, group] of groupBy(records, (record) => recordLayout(record).dataset)) groups.set(dataset as Dataset, group);
  return groups;
}

/**
 * The MEGC composite / apex list: `data, subject, clip, label, onset_frame, apex_frame,
 * offset_frame` and the frame paths the importer kept (blank for events made in the
 * app: the importer then finds the clip by its dataset's folder names). Events
 * without a 3-class label are left out, as the composite lists leave them out.
 */
export function megcCompositeCsv(records: readonly ExportRecord[]): Iterable<string> {
  const layout = LAYOUTS.megc;
  const labelled = records.filter((record) => record.label3 !== null);
  return [toCsv(layout.columns.map((c) => c.header), labelled.map((record) => layout.columns.map((column) => cellFor(record, column))))];
}
