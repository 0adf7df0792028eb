import { IMPORT_FIELDS, type ImportField, type ImportProblem, type ImportProblemKind } from '@shared/corpus-import';
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
export function problem(ctx: RowContext, field: string, kind: ImportProblemKind, message: string, severity: ImportProblem['severity'] = 'error'): void {
  const index = (IMPORT_FIELDS as readonly string[]).includes(field) ? ctx.columns.fields[field as ImportField] : undefined;
  const column = index === undefined ? field : (ctx.columns.names[index] ?? field);
  ctx.problems.push({ row: ctx.row, column, message, severity, kind });
  if (severity === 'error') ctx.errors++;
}

/** A subject or file name used as a path segment must stay inside the media root. */
function safeSegment(ctx: RowContext, field: ImportField, value: string): boolean {
  if (/[/\\\0]/.test(value) || value === '.' || value === '..') {
    problem(ctx, field, 'unsafe-name', `'${value}' is not a plain name (no '/', '\\' or '..'): refusing to look outside the media root`);
    return false;
  }
  return true;
}

function frameNumber(ctx: RowContext, field: FrameField, text: string): number | null {
  if (!FRAME_NUMBER.test(text)) {
    if (text === '') problem(ctx, field, 'missing-value', `${field} frame is missing`);
    else problem(ctx, field, 'not-a-number', `expected a frame number, got '${text}'`);
    return null;
  }
  return Number.parseInt(text, 10);
}

function readFps(ctx: RowContext, text: string | null, required: boolean): number | null {
  if (text === null || text === '') {
    if (required) problem(ctx, 'fps', 'missing-value', 'the frame rate is missing');
    return null;
  }
  const fps = FPS.test(text) ? Number(text) : 0;
  if (!(fps > 0 && fps <= 100_000)) {
    problem(ctx, 'fps', 'bad-fps', `expected a frame rate (frames per second), got '${text}'`);
    return null;
  }
  return fps;
}

function readSource(ctx: RowContext, text: string | null): Dataset | null {
  if (text === null) return null;
  const source = text === '' ? null : sourceDataset(text);
  if (!source || source === 'megc' || source === 'generic') {
    problem(ctx, 'source', text === '' ? 'missing-value' : 'unknown-source', text === '' ? 'the source dataset is missing' : `'${text}' names no dataset this importer knows (casme2, samm, smic, casme3, casme2x, mmew, 4dme, dfme)`);
    return null;
  }
  return source;
}

function readLabel(ctx: RowContext, text: string | null): string | null {
  if (text === null || text === '') return null;
  const label = MEGC_LABELS[text.trim().toLowerCase().replace(/\.0+$/, '')];
  if (!label) problem(ctx, 'label', 'unknown-label', `expected a MEGC class (0 negative, 1 positive, 2 surprise), got '${text}'`);
  return label ?? null;
}

export function readRowFields(ctx: RowContext, layout: DatasetLayout): RowFields {
  const subject = cell(ctx, 'subject') ?? '';
  const filename = cell(ctx, 'filename') ?? '';
  if (layout.required.includes('subject') && subject === '') problem(ctx, 'subject', 'missing-value', 'subject is missing');
  if (filename === '') problem(ctx, 'filename', 'missing-value', 'file name is missing');
  const namesOk = safeSegment(ctx, 'subject', subject) && safeSegment(ctx, 'filename', filename) && filename !== '';

  const onset = frameNumber(ctx, 'onset', cell(ctx, 'onset') ?? '');
  const offset = frameNumber(ctx, 'offset', cell(ctx, 'offset') ?? '');
  const apexText = cell(ctx, 'apex');
  let apex: number | null = null;
  const flags: string[] = [];
  if (apexText !== null && MISSING_APEX.has(apexText.toLowerCase())) {
    problem(ctx, 'apex', 'apex-missing', `apex is '${apexText || 'blank'}': imported without an apex`, 'warning');
    flags.push('apex_missing');
  } else if (apexText !== null) {
    apex = frameNumber(ctx, 'apex', apexText);
  }
  if (onset !== null && offset !== null && onset > offset) problem(ctx, 'offset', 'frame-order', `onset ${onset} is after offset ${offset}`);
  if (apex !== null && onset !== null && apex < onset) problem(ctx, 'apex', 'frame-order', `apex ${apex} is before onset ${onset}`);
  if (apex !== null && offset !== null && apex > offset) problem(ctx, 'apex', 'frame-order', `apex ${apex} is after offset ${offset}`);

  const ausText = cell(ctx, 'aus');
  let aus: string | null = null;
  if (ausText) {
    const read = readCoderAus(ausText);
    if (!read.ok) problem(ctx, 'aus', 'aus-not-facs', `action units '${ausText}': ${read.message}`);
    else {
      aus = ausText;
      if (read.uncertain) {
        problem(ctx, 'aus', 'aus-uncertain', `action units '${ausText}' are marked uncertain: imported and flagged`, 'warning');
        flags.push('aus_uncertain');
      }
    }
  }
  const label = readLabel(ctx, cell(ctx, 'label'));
  const emotion = cell(ctx, 'emotion') || label;
  // The same bound as an annotator's emotion label: a runaway cell is a broken sheet, not a label.
  if (emotion !== null && emotion.length > EMOTION_MAX_LENGTH) problem(ctx, 'emotion', 'emotion-too-long', `emotion is ${emotion.length} characters long (at most ${EMOTION_MAX_LENGTH})`);
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
