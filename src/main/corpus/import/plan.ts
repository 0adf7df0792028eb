import { resolve } from 'node:path';
import { saying } from '@shared/import-messages';
import { ImportRequestSchema, type ImportProblem, type ImportReport, type ImportRequest, type ImportRow } from '@shared/corpus-import';
import { ClipResolver, type ClipLookup } from './clip-resolver';
import { locateColumns, type ColumnMap } from './columns';
import { detectLayout } from './detect';
import { readFramePath } from './frame-paths';
import { FIELD_ALIASES, LAYOUTS, normalizeHeader, type Dataset, type DatasetLayout } from './layouts';
import { groupProblems } from './problem-groups';
import { problem, readRowFields, type FrameField, type RowContext, type RowFields } from './row-fields';
import { readSheet } from './sheet';

/**
 * Frame count and geometry of a clip (the media layer's probe, injected). `fps` is the
 * rate the sheet gives (or the dataset's), for frame folders that carry none.
 */
export type ClipProber = (
  clipPath: string,
  fps: number,
) => Promise<{ frames: number; fps: number; width: number; height: number; kind: 'video' | 'sequence' }>;
export type ClipProbe = Awaited<ReturnType<ClipProber>>;

export interface PlannedRow extends ImportRow {
  /** The clip's dataset: the sheet's layout, or a composite row's source dataset. */
  dataset: Dataset;
  /**
   * The rate the dataset filmed the clip at (the row's own, DFME's `Fps`, or the dataset's:
   * CASME II 200 fps even when its media is a 30-fps re-encode); null for a generic sheet
   * without a frame rate column (the container's rate stands).
   */
  captureFps: number | null;
  extra: Record<string, string>;
  flags: string[];
}

/** A validated import, ready to commit: the report plus what commit needs. */
export interface ImportPlan {
  readonly report: ImportReport;
  readonly rows: readonly PlannedRow[];
  readonly clips: ReadonlyMap<string, ClipProbe>;
}

const FRAME_FIELDS: readonly FrameField[] = ['onset', 'apex', 'offset'];
const PATH_FIELD = { onset: 'onsetPath', apex: 'apexPath', offset: 'offsetPath' } as const;

/**
 * The identity of an imported event: its clip, the sheet's frame numbers and the AU
 * text as written. A row equal to one already imported (or earlier in the sheet) is the
 * same event and is skipped; any difference makes it a new event.
 */
export function eventIdentity(clipPath: string, frames: { onset: number; apex: number | null; offset: number }, aus: string | null): string {
  return [clipPath, frames.onset, frames.apex ?? '', frames.offset, aus ?? ''].join('\u0000');
}

/** Finds a row's clip: by the frame paths it names when it names any, else by its layout's folder names. */
async function locateClip(ctx: RowContext, f: RowFields, layout: DatasetLayout, clips: ClipResolver, fps: number): Promise<{ lookup: ClipLookup; files: Partial<Record<FrameField, string>> } | null> {
  const files: Partial<Record<FrameField, string>> = {};
  let first: { folders: readonly (readonly string[])[]; file: string } | null = null;
  for (const field of FRAME_FIELDS) {
    const text = f.paths[field];
    if (text === null || (field === 'apex' && f.flags.includes('apex_missing'))) continue;
    const path = readFramePath(text);
    if ('error' in path) {
      problem(ctx, PATH_FIELD[field], path.error.key === 'framePathClimbs' ? 'unsafe-name' : 'bad-path', path.error);
      continue;
    }
    files[field] = path.file;
    first ??= path;
  }
  if (ctx.errors > 0) return null;
  if (first) return { lookup: await clips.resolve(first.folders, fps, first.file), files };
  const keys = { subject: f.subject, filename: f.filename, emotion: f.emotion, onset: f.onset, source: f.source };
  return { lookup: await clips.resolve(layout.clipCandidates(keys), fps), files };
}

/** The named columns besides the fields, plus the composite list's own cells (source, frame paths) for a faithful export. */
function rowExtras(cells: readonly string[], columns: ColumnMap): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const { index, name } of columns.extras) if (cells[index]) extra[name] = cells[index];
  for (const field of ['source', 'onsetPath', 'apexPath', 'offsetPath'] as const) {
    const index = columns.fields[field];
    const name = index === undefined ? undefined : columns.names[index];
    if (index !== undefined && name && cells[index]) extra[name] = cells[index];
  }
  return extra;
}

/** The extra kept for a field (`data`, `onset_frame_path`, …) under whichever standard name the sheet used. */
export function extraFor(extra: Readonly<Record<string, string>> | null | undefined, field: 'source' | 'onsetPath' | 'apexPath' | 'offsetPath'): string | null {
  for (const [name, value] of Object.entries(extra ?? {})) if (FIELD_ALIASES[field].includes(normalizeHeader(name))) return value;
  return null;
}

/** Reads and validates a coding sheet without writing anything. */
export async function planImport(request: ImportRequest, prober: ClipProber): Promise<ImportPlan> {
  const req = ImportRequestSchema.parse(request);
  const table = await readSheet(req.sheet, req.limits);
  const { layout, reason, text: reasonText } = req.dataset === 'auto' ? detectLayout(table.rows) : { layout: LAYOUTS[req.dataset], reason: null, text: null };
  const columns = locateColumns(table.rows, layout, req.columns);
  const clips = new ClipResolver(resolve(req.root), prober);
  const problems: ImportProblem[] = table.notes.map((note) => ({ row: 0, column: '(workbook)', ...saying(note), severity: 'warning', kind: 'workbook' }));
  const rows: PlannedRow[] = [];
  const seen = new Map<string, number>();
  const clipFps = new Map<string, { fps: number; row: number }>();

  for (let r = columns.headerRow + 1; r < table.rows.length; r++) {
    const cells = table.rows[r] ?? [];
    if (cells.every((c) => c === '')) continue;
    const ctx: RowContext = { row: r + 1, cells, columns, problems, errors: 0 };
    const f = readRowFields(ctx, layout);
    // A composite row is laid out as its source dataset is.
    const rowLayout = layout.dataset === 'megc' ? (f.source ? LAYOUTS[f.source] : null) : layout;
    const fps = f.fps ?? rowLayout?.fps ?? layout.fps;

    let clipPath = '';
    const position = { onset: -1, apex: null as number | null, offset: -1 };
    const found = f.namesOk && rowLayout && ctx.errors === 0 ? await locateClip(ctx, f, rowLayout, clips, fps) : null;
    if (found) {
      const { lookup, files } = found;
      clipPath = lookup.path ?? '';
      if (!lookup.ok) problem(ctx, lookup.kind === 'clip-not-found' && Object.keys(files).length ? PATH_FIELD[Object.keys(files)[0] as FrameField] : 'filename', lookup.kind, lookup.text);
      else {
        const place = (field: FrameField, n: number | null) => {
          const file = files[field];
          const at = file !== undefined ? lookup.positionOf(file) : n === null ? null : lookup.toPosition(n);
          if (at === null && file !== undefined) problem(ctx, PATH_FIELD[field], 'frame-not-in-clip', { key: 'frameFileNotInFolder', params: { file, path: lookup.path } });
          else if (at === 'gap') problem(ctx, field, 'frame-not-in-clip', { key: 'frameGap', params: { frame: n ?? '–', path: lookup.path } });
          else if (at === null && n !== null) problem(ctx, field, 'frame-not-in-clip', { key: 'frameNotInClip', params: { frame: n, frames: lookup.probe.frames } });
          return at === 'gap' ? null : at;
        };
        position.onset = place('onset', f.onset) ?? -1;
        position.apex = f.flags.includes('apex_missing') ? null : place('apex', f.apex);
        position.offset = place('offset', f.offset) ?? -1;
        const apex = position.apex;
        if (ctx.errors === 0 && (position.onset > position.offset || (apex !== null && (apex < position.onset || apex > position.offset)))) {
          // Folder positions are 0-based here; a person counts a folder's files from 1.
          problem(ctx, 'filename', 'frame-order', { key: 'frameFilesOrder', params: { onset: position.onset + 1, apex: apex === null ? '–' : apex + 1, offset: position.offset + 1 } });
        }
        const earlier = clipFps.get(lookup.path);
        if (!earlier) clipFps.set(lookup.path, { fps: lookup.probe.fps, row: ctx.row });
        else if (lookup.probe.kind === 'sequence' && earlier.fps !== fps) {
          problem(ctx, 'fps', 'fps-conflict', { key: 'fpsConflict', params: { fps, row: earlier.row, earlier: earlier.fps } });
        }
      }
    }
    const datasetFrames = { onset: f.onset ?? -1, apex: f.apex, offset: f.offset ?? -1 };
    let present = false;
    if (ctx.errors === 0) {
      const key = eventIdentity(clipPath, datasetFrames, f.aus);
      const same = seen.get(key);
      if (same !== undefined) {
        present = true;
        problem(ctx, '(row)', 'duplicate-row', { key: 'duplicateRow', params: { row: same } }, 'warning');
      } else seen.set(key, ctx.row);
    }
    rows.push({
      row: ctx.row,
      clipPath,
      subject: f.subject,
      filename: f.filename,
      ...position,
      datasetFrames,
      aus: f.aus,
      emotion: f.emotion,
      ok: ctx.errors === 0 && !present,
      present,
      dataset: rowLayout?.dataset ?? layout.dataset,
      captureFps: f.fps ?? (rowLayout && rowLayout.dataset !== 'generic' ? rowLayout.fps : null),
      extra: rowExtras(cells, columns),
      flags: f.flags,
    });
  }
  if (rows.length === 0) problems.push({ row: columns.headerRow + 1, column: '(sheet)', ...saying({ key: 'noRows', params: {} }), severity: 'error', kind: 'no-rows' });
  const report: ImportReport = {
    dataset: layout.dataset,
    detected: reason,
    detectedText: reasonText,
    sheet: resolve(req.sheet),
    worksheet: table.worksheet,
    headerRow: columns.headerRow + 1,
    totalRows: rows.length,
    rows: rows.map(({ extra: _extra, flags: _flags, dataset: _dataset, captureFps: _captureFps, ...row }) => row),
    problems,
    groups: groupProblems(problems),
    committed: false,
    clipsAdded: 0,
    eventsAdded: 0,
    alreadyPresent: rows.filter((r) => r.present).length,
    skippedRows: rows.filter((r) => !r.ok).map((r) => r.row),
  };
  return { report, rows, clips: clips.probes };
}
