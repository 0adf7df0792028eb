import { IMPORT_FIELDS, type ImportField, type ImportProblem } from '@shared/corpus-import';
import { parseFacs } from '@shared/facs';
import { EMOTION_MAX_LENGTH } from '@shared/workspace';
import type { ColumnMap } from './columns';
import type { DatasetLayout } from './layouts';

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

/** A row's cells checked one by one: dataset frame numbers, AUs (as written, checked by the FACS grammar), names. */
export interface RowFields {
  subject: string;
  filename: string;
  emotion: string | null;
  onset: number | null;
  apex: number | null;
  offset: number | null;
  aus: string | null;
  flags: string[];
  /** Subject and file name are usable as path segments. */
  namesOk: boolean;
}

const MISSING_APEX = new Set(['', '/', '-', 'n/a', 'na', '?']);
const FRAME_NUMBER = /^\d+(\.0+)?$/;

const cell = (ctx: RowContext, field: ImportField): string | null => {
  const index = ctx.columns.fields[field];
  return index === undefined ? null : (ctx.cells[index] ?? '').normalize('NFC');
};

/** Records a problem against a field's column as named in the sheet (or a free label). */
export function problem(ctx: RowContext, field: string, message: string, severity: ImportProblem['severity'] = 'error'): void {
  const index = (IMPORT_FIELDS as readonly string[]).includes(field) ? ctx.columns.fields[field as ImportField] : undefined;
  const column = index === undefined ? field : (ctx.columns.names[index] ?? field);
  ctx.problems.push({ row: ctx.row, column, message, severity });
  if (severity === 'error') ctx.errors++;
}

/** A subject or file name used as a path segment must stay inside the media root. */
function safeSegment(ctx: RowContext, field: ImportField, value: string): boolean {
  if (/[/\\\0]/.test(value) || value === '.' || value === '..') {
    problem(ctx, field, `'${value}' is not a plain name (no '/', '\\' or '..'): refusing to look outside the media root`);
    return false;
  }
  return true;
}

function frameNumber(ctx: RowContext, field: 'onset' | 'apex' | 'offset', text: string): number | null {
  if (!FRAME_NUMBER.test(text)) {
    problem(ctx, field, text === '' ? `${field} frame is missing` : `expected a frame number, got '${text}'`);
    return null;
  }
  return Number.parseInt(text, 10);
}

export function readRowFields(ctx: RowContext, layout: DatasetLayout): RowFields {
  const subject = cell(ctx, 'subject') ?? '';
  const filename = cell(ctx, 'filename') ?? '';
  if (layout.required.includes('subject') && subject === '') problem(ctx, 'subject', 'subject is missing');
  if (filename === '') problem(ctx, 'filename', 'file name is missing');
  const namesOk = safeSegment(ctx, 'subject', subject) && safeSegment(ctx, 'filename', filename) && filename !== '';

  const onset = frameNumber(ctx, 'onset', cell(ctx, 'onset') ?? '');
  const offset = frameNumber(ctx, 'offset', cell(ctx, 'offset') ?? '');
  const apexText = cell(ctx, 'apex');
  let apex: number | null = null;
  const flags: string[] = [];
  if (apexText !== null && MISSING_APEX.has(apexText.toLowerCase())) {
    problem(ctx, 'apex', `apex is '${apexText || 'blank'}': imported without an apex`, 'warning');
    flags.push('apex_missing');
  } else if (apexText !== null) {
    apex = frameNumber(ctx, 'apex', apexText);
  }
  if (onset !== null && offset !== null && onset > offset) problem(ctx, 'offset', `onset ${onset} is after offset ${offset}`);
  if (apex !== null && onset !== null && apex < onset) problem(ctx, 'apex', `apex ${apex} is before onset ${onset}`);
  if (apex !== null && offset !== null && apex > offset) problem(ctx, 'apex', `apex ${apex} is after offset ${offset}`);

  let aus: string | null = null;
  const ausText = cell(ctx, 'aus');
  if (ausText) {
    // Stored as the coder wrote it; the structured form is derived where it is needed.
    const parsed = parseFacs(ausText);
    if (parsed.ok) aus = ausText;
    else problem(ctx, 'aus', `action units '${ausText}': ${parsed.error.message}`);
  }
  const emotion = cell(ctx, 'emotion') || null;
  // The same bound as an annotator's emotion label: a runaway cell is a broken sheet, not a label.
  if (emotion !== null && emotion.length > EMOTION_MAX_LENGTH) problem(ctx, 'emotion', `emotion is ${emotion.length} characters long (at most ${EMOTION_MAX_LENGTH})`);
  return { subject, filename, emotion, onset, apex, offset, aus, flags, namesOk };
}
