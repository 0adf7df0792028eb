import { IMPORT_FIELDS, type ImportField, type ImportProblem, type ImportProblemKind } from '@shared/corpus-import';
import { saying, type ImportText } from '@shared/import-messages';
import { EMOTION_MAX_LENGTH } from '@shared/workspace';
import type { ColumnMap } from './columns';
import { readCoderAus } from './coder-aus';
import { sourceDataset, type Dataset, type DatasetLayout } from './layouts';

/** One sheet row being validated; problems are appended to the shared list. */
export interface RowContext {
  /** 1-based, as the spreadsheet shows it. */
  readonly row: number;
  readonly cells: readonly string[];
  readonly columns: ColumnMap;
  readonly problems: ImportProblem[];
  /** Errors recorded for this row: counted here, since rescanning the shared list per row is quadratic. */
  errors: number;
}

export type FrameField = 'onset' | 'apex' | 'offset';

/** A row's cells checked one by one: dataset frame numbers, the coder's AU text, names. */
export interface RowFields {
  subject: string;
  filename: string;
  emotion: string | null;
  onset: number | null;
  apex: number | null;
  offset: number | null;
  /** The AU text exactly as the coder wrote it (null when blank). */
  aus: string | null;
  flags: string[];
  /** Subject and file name are usable as path segments. */
  namesOk: boolean;
  /** The row's own frame rate (DFME's `Fps`), when the sheet gives one. */
  fps: number | null;
  /** The dataset a composite row comes from (MEGC `data`). */
  source: Dataset | null;
  /** Frame files the row names (MEGC `onset_frame_path`, …), as written. */
  paths: Record<FrameField, string | null>;
}

const MISSING_APEX = new Set(['', '/', '-', 'n/a', 'na', '?']);
const FRAME_NUMBER = /^\d+(\.0+)?$/;
const FPS = /^\d{1,6}(\.\d+)?$/;
/** MEGC 2019 composite classes: label 0 negative, 1 positive, 2 surprise. */
const MEGC_LABELS: Readonly<Record<string, string>> = { '0': 'negative', '1': 'positive', '2': 'surprise', negative: 'negative', positive: 'positive', surprise: 'surprise' };

const cell = (ctx: RowContext, field: ImportField): string | null => {
  const index = ctx.columns.fields[field];
  return index === undefined ? null : (ctx.cells[index] ?? '').normalize('NFC');
};

/** Records a problem against a field's column as named in the sheet (or a free label). */
export function problem(ctx: RowContext, field: string, kind: ImportProblemKind, said: ImportText | string, severity: ImportProblem['severity'] = 'error'): void {
  const index = (IMPORT_FIELDS as readonly string[]).includes(field) ? ctx.columns.fields[field as ImportField] : undefined;
  const column = index === undefined ? field : (ctx.columns.names[index] ?? field);
  ctx.problems.push({ row: ctx.row, column, ...(typeof said === 'string' ? { message: said } : saying(said)), severity, kind });
  if (severity === 'error') ctx.errors++;
}

/** A subject or file name used as a path segment must stay inside the media root. */
function safeSegment(ctx: RowContext, field: ImportField, value: string): boolean {
  if (/[/\\\0]/.test(value) || value === '.' || value === '..') {
    problem(ctx, field, 'unsafe-name', { key: 'unsafeName', params: { value } });
    return false;
  }
  return true;
}

function frameNumber(ctx: RowContext, field: FrameField, text: string): number | null {
  if (!FRAME_NUMBER.test(text)) {
    if (text === '') problem(ctx, field, 'missing-value', { key: 'frameMissing', params: { field } });
    else problem(ctx, field, 'not-a-number', { key: 'notAFrame', params: { text } });
    return null;
  }
  return Number.parseInt(text, 10);
}

function readFps(ctx: RowContext, text: string | null, required: boolean): number | null {
  if (text === null || text === '') {
    if (required) problem(ctx, 'fps', 'missing-value', { key: 'fpsMissing', params: {} });
    return null;
  }
  const fps = FPS.test(text) ? Number(text) : 0;
  if (!(fps > 0 && fps <= 100_000)) {
    problem(ctx, 'fps', 'bad-fps', { key: 'badFps', params: { text } });
    return null;
  }
  return fps;
}

function readSource(ctx: RowContext, text: string | null): Dataset | null {
  if (text === null) return null;
  const source = text === '' ? null : sourceDataset(text);
  if (!source || source === 'megc' || source === 'generic') {
    problem(ctx, 'source', text === '' ? 'missing-value' : 'unknown-source', text === '' ? { key: 'sourceMissing', params: {} } : { key: 'unknownSource', params: { text, known: 'casme2, samm, smic, casme3, casme2x, mmew, 4dme, dfme' } });
    return null;
  }
  return source;
}

function readLabel(ctx: RowContext, text: string | null): string | null {
  if (text === null || text === '') return null;
  const label = MEGC_LABELS[text.trim().toLowerCase().replace(/\.0+$/, '')];
  if (!label) problem(ctx, 'label', 'unknown-label', { key: 'unknownLabel', params: { text } });
  return label ?? null;
}

export function readRowFields(ctx: RowContext, layout: DatasetLayout): RowFields {
  const subject = cell(ctx, 'subject') ?? '';
  const filename = cell(ctx, 'filename') ?? '';
  if (layout.required.includes('subject') && subject === '') problem(ctx, 'subject', 'missing-value', { key: 'subjectMissing', params: {} });
  if (filename === '') problem(ctx, 'filename', 'missing-value', { key: 'filenameMissing', params: {} });
  const namesOk = safeSegment(ctx, 'subject', subject) && safeSegment(ctx, 'filename', filename) && filename !== '';

  const onset = frameNumber(ctx, 'onset', cell(ctx, 'onset') ?? '');
  const offset = frameNumber(ctx, 'offset', cell(ctx, 'offset') ?? '');
  const apexText = cell(ctx, 'apex');
  let apex: number | null = null;
  const flags: string[] = [];
  if (apexText !== null && MISSING_APEX.has(apexText.toLowerCase())) {
    problem(ctx, 'apex', 'apex-missing', { key: 'apexMissing', params: { text: apexText || 'blank' } }, 'warning');
    flags.push('apex_missing');
  } else if (apexText !== null) {
    apex = frameNumber(ctx, 'apex', apexText);
  }
  if (onset !== null && offset !== null && onset > offset) problem(ctx, 'offset', 'frame-order', { key: 'onsetAfterOffset', params: { onset, offset } });
  if (apex !== null && onset !== null && apex < onset) problem(ctx, 'apex', 'frame-order', { key: 'apexBeforeOnset', params: { apex, onset } });
  if (apex !== null && offset !== null && apex > offset) problem(ctx, 'apex', 'frame-order', { key: 'apexAfterOffset', params: { apex, offset } });

  const ausText = cell(ctx, 'aus');
  let aus: string | null = null;
  if (ausText) {
    const read = readCoderAus(ausText);
    if (!read.ok) problem(ctx, 'aus', 'aus-not-facs', { key: 'ausNotFacs', params: { text: ausText, detail: read.message }, detail: read.text });
    else {
      aus = ausText;
      if (read.uncertain) {
        problem(ctx, 'aus', 'aus-uncertain', { key: 'ausUncertain', params: { text: ausText } }, 'warning');
        flags.push('aus_uncertain');
      }
    }
  }
  const label = readLabel(ctx, cell(ctx, 'label'));
  const emotion = cell(ctx, 'emotion') || label;
  // The same bound as an annotator's emotion label: a runaway cell is a broken sheet, not a label.
  if (emotion !== null && emotion.length > EMOTION_MAX_LENGTH) problem(ctx, 'emotion', 'emotion-too-long', { key: 'emotionTooLong', params: { length: emotion.length, max: EMOTION_MAX_LENGTH } });
  const path = (field: 'onsetPath' | 'apexPath' | 'offsetPath') => cell(ctx, field) || null;
  return {
    subject,
    filename,
    emotion,
    onset,
    apex,
    offset,
    aus,
    flags,
    namesOk,
    fps: readFps(ctx, cell(ctx, 'fps'), layout.required.includes('fps')),
    source: readSource(ctx, cell(ctx, 'source')),
    paths: { onset: path('onsetPath'), apex: path('apexPath'), offset: path('offsetPath') },
  };
}
