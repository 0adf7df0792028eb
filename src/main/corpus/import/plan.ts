import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IMPORT_FIELDS, ImportRequestSchema, type ImportField, type ImportProblem, type ImportReport, type ImportRequest, type ImportRow } from '@shared/corpus-import';
import { parseFacs, formatFacs } from '@shared/facs';
import { locateColumns, type ColumnMap } from './columns';
import { frameNumberIndex, sequenceFiles } from './frame-numbers';
import { LAYOUTS, type DatasetLayout } from './layouts';
import { readSheet } from './sheet';

/** Frame count and geometry of a clip (the media layer's probe, injected). */
export type ClipProber = (
  clipPath: string,
) => Promise<{ frames: number; fps: number; width: number; height: number; kind: 'video' | 'sequence' }>;
export type ClipProbe = Awaited<ReturnType<ClipProber>>;

export interface PlannedRow extends ImportRow {
  extra: Record<string, string>;
  flags: string[];
}

/** A validated import, ready to commit: the report plus what commit needs. */
export interface ImportPlan {
  readonly report: ImportReport;
  readonly rows: readonly PlannedRow[];
  readonly clips: ReadonlyMap<string, ClipProbe>;
}

const MISSING_APEX = new Set(['', '/', '-', 'n/a', 'na', '?']);
const FRAME_NUMBER = /^\d+(\.0+)?$/;

interface RowContext {
  readonly row: number;
  readonly cells: readonly string[];
  readonly columns: ColumnMap;
  readonly problems: ImportProblem[];
}

const cell = (ctx: RowContext, field: ImportField): string | null => {
  const index = ctx.columns.fields[field];
  return index === undefined ? null : (ctx.cells[index] ?? '').normalize('NFC');
};
const columnName = (ctx: RowContext, field: ImportField): string => {
  const index = ctx.columns.fields[field];
  return index === undefined ? field : (ctx.columns.names[index] ?? field);
};
const problem = (ctx: RowContext, field: ImportField | string, message: string, severity: ImportProblem['severity'] = 'error') => {
  const column = (IMPORT_FIELDS as readonly string[]).includes(field) ? columnName(ctx, field as ImportField) : field;
  ctx.problems.push({ row: ctx.row, column, message, severity });
};

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

async function locateClip(root: string, layout: DatasetLayout, keys: { subject: string; filename: string; emotion: string | null }) {
  const tried: string[] = [];
  for (const segments of layout.clipCandidates(keys)) {
    const path = join(root, ...segments);
    tried.push(path);
    // Sheets hold composed Unicode; folders copied from macOS may hold decomposed names.
    for (const candidate of new Set([path, path.normalize('NFD')])) {
      if (await stat(candidate).catch(() => null)) return { path: candidate, tried };
    }
  }
  return { path: null, tried };
}

/** Where each dataset frame number sits: folder listing for sequences, 1-based numbering for videos. */
async function framePositions(path: string, probe: ClipProbe): Promise<(n: number) => number | null> {
  if (probe.kind === 'video') return (n) => (n >= 1 && n <= probe.frames ? n - 1 : null);
  const index = frameNumberIndex(await sequenceFiles(path));
  return (n) => {
    const position = index.get(n);
    return position !== undefined && position < probe.frames ? position : null;
  };
}

/** Reads and validates a coding sheet without writing anything. */
export async function planImport(request: ImportRequest, prober: ClipProber): Promise<ImportPlan> {
  const req = ImportRequestSchema.parse(request);
  const layout = LAYOUTS[req.dataset];
  const root = resolve(req.root);
  const table = await readSheet(req.sheet);
  const columns = locateColumns(table.rows, layout, req.columns);
  const problems: ImportProblem[] = [];
  const rows: PlannedRow[] = [];
  const clips = new Map<string, ClipProbe>();
  const positions = new Map<string, ((n: number) => number | null) | null>();
  const seen = new Map<string, number>();
  let totalRows = 0;

  for (let r = columns.headerRow + 1; r < table.rows.length; r++) {
    const cells = table.rows[r] ?? [];
    if (cells.every((c) => c === '')) continue;
    totalRows++;
    const ctx: RowContext = { row: r + 1, cells, columns, problems };
    const before = problems.filter((p) => p.severity === 'error').length;
    const subject = cell(ctx, 'subject') ?? '';
    const filename = cell(ctx, 'filename') ?? '';
    const emotion = cell(ctx, 'emotion') || null;
    if (layout.required.includes('subject') && subject === '') problem(ctx, 'subject', 'subject is missing');
    if (filename === '') problem(ctx, 'filename', 'file name is missing');
    const namesOk = safeSegment(ctx, 'subject', subject) && safeSegment(ctx, 'filename', filename);

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
      const parsed = parseFacs(ausText);
      if (parsed.ok) aus = formatFacs(parsed.value);
      else problem(ctx, 'aus', `action units '${ausText}': ${parsed.error.message}`);
    }

    let clipPath = '';
    const positioned = { onset: -1, apex: null as number | null, offset: -1 };
    if (namesOk && filename !== '') {
      const found = await locateClip(root, layout, { subject, filename, emotion });
      if (!found.path) problem(ctx, 'filename', `clip not found under the media root (tried ${found.tried.join(', ')})`);
      else {
        clipPath = found.path;
        if (!positions.has(clipPath)) {
          try {
            const probe = await prober(clipPath);
            clips.set(clipPath, probe);
            positions.set(clipPath, await framePositions(clipPath, probe));
          } catch (error) {
            positions.set(clipPath, null);
            problem(ctx, 'filename', `cannot read the clip ${clipPath}: ${(error as Error).message}`);
          }
        }
        const toPosition = positions.get(clipPath);
        const place = (field: 'onset' | 'apex' | 'offset', n: number | null) => {
          if (n === null || !toPosition) return null;
          const position = toPosition(n);
          if (position === null) problem(ctx, field, `frame ${n} is not in the clip (${clips.get(clipPath)?.frames ?? 0} frames)`);
          return position;
        };
        positioned.onset = place('onset', onset) ?? -1;
        positioned.apex = place('apex', apex);
        positioned.offset = place('offset', offset) ?? -1;
      }
    }
    // Keyed by the resolved clip so that subject "01" and 1 are the same clip.
    const key = `${clipPath || `${subject}/${filename}`}\u0000${onset}\u0000${offset}`;
    const duplicateOf = seen.get(key);
    if (duplicateOf !== undefined) problem(ctx, 'filename', `duplicate of row ${duplicateOf} (same clip, onset and offset)`);
    else seen.set(key, ctx.row);
    const extra: Record<string, string> = {};
    for (const { index, name } of columns.extras) if (cells[index]) extra[name] = cells[index];
    rows.push({
      row: ctx.row,
      clipPath,
      subject,
      filename,
      onset: positioned.onset,
      apex: positioned.apex,
      offset: positioned.offset,
      datasetFrames: { onset: onset ?? -1, apex, offset: offset ?? -1 },
      aus,
      emotion,
      ok: problems.filter((p) => p.severity === 'error').length === before,
      extra,
      flags,
    });
  }
  if (totalRows === 0) problems.push({ row: columns.headerRow + 1, column: '(sheet)', message: 'the sheet has no data rows', severity: 'error' });
  const report: ImportReport = {
    dataset: req.dataset,
    sheet: resolve(req.sheet),
    headerRow: columns.headerRow + 1,
    totalRows,
    rows: rows.map(({ extra: _extra, flags: _flags, ...row }) => row),
    problems,
    committed: false,
    clipsAdded: 0,
    eventsAdded: 0,
    skippedRows: rows.filter((r) => !r.ok).map((r) => r.row),
  };
  return { report, rows, clips };
}
