import { resolve } from 'node:path';
import { ImportRequestSchema, type ImportProblem, type ImportReport, type ImportRequest, type ImportRow } from '@shared/corpus-import';
import { ClipResolver } from './clip-resolver';
import { locateColumns } from './columns';
import { LAYOUTS } from './layouts';
import { problem, readRowFields, type RowContext } from './row-fields';
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

/** Reads and validates a coding sheet without writing anything. */
export async function planImport(request: ImportRequest, prober: ClipProber): Promise<ImportPlan> {
  const req = ImportRequestSchema.parse(request);
  const layout = LAYOUTS[req.dataset];
  const table = await readSheet(req.sheet, req.limits);
  const columns = locateColumns(table.rows, layout, req.columns);
  const clips = new ClipResolver(resolve(req.root), layout, prober);
  const problems: ImportProblem[] = table.notes.map((message) => ({ row: 0, column: '(workbook)', message, severity: 'warning' }));
  const rows: PlannedRow[] = [];
  const seen = new Map<string, number>();

  for (let r = columns.headerRow + 1; r < table.rows.length; r++) {
    const cells = table.rows[r] ?? [];
    if (cells.every((c) => c === '')) continue;
    const ctx: RowContext = { row: r + 1, cells, columns, problems, errors: 0 };
    const f = readRowFields(ctx, layout);

    let clipPath = '';
    const position = { onset: -1, apex: null as number | null, offset: -1 };
    if (f.namesOk) {
      const clip = await clips.resolve(f);
      clipPath = clip.path ?? '';
      if (!clip.ok) problem(ctx, 'filename', clip.message);
      else {
        const place = (field: 'onset' | 'apex' | 'offset', n: number | null) => {
          const at = n === null ? null : clip.toPosition(n);
          if (n !== null && at === null) problem(ctx, field, `frame ${n} is not in the clip (${clip.probe.frames} frames)`);
          return at;
        };
        position.onset = place('onset', f.onset) ?? -1;
        position.apex = place('apex', f.apex);
        position.offset = place('offset', f.offset) ?? -1;
      }
    }
    // Keyed by the resolved clip so that subject "01" and 1 are the same clip.
    const key = `${clipPath || `${f.subject}/${f.filename}`}\u0000${f.onset}\u0000${f.offset}`;
    const duplicateOf = seen.get(key);
    if (duplicateOf !== undefined) problem(ctx, 'filename', `duplicate of row ${duplicateOf} (same clip, onset and offset)`);
    else seen.set(key, ctx.row);

    const extra: Record<string, string> = {};
    for (const { index, name } of columns.extras) if (cells[index]) extra[name] = cells[index];
    rows.push({
      row: ctx.row,
      clipPath,
      subject: f.subject,
      filename: f.filename,
      ...position,
      datasetFrames: { onset: f.onset ?? -1, apex: f.apex, offset: f.offset ?? -1 },
      aus: f.aus,
      emotion: f.emotion,
      ok: ctx.errors === 0,
      extra,
      flags: f.flags,
    });
  }
  if (rows.length === 0) problems.push({ row: columns.headerRow + 1, column: '(sheet)', message: 'the sheet has no data rows', severity: 'error' });
  const report: ImportReport = {
    dataset: req.dataset,
    sheet: resolve(req.sheet),
    worksheet: table.worksheet,
    headerRow: columns.headerRow + 1,
    totalRows: rows.length,
    rows: rows.map(({ extra: _extra, flags: _flags, ...row }) => row),
    problems,
    committed: false,
    clipsAdded: 0,
    eventsAdded: 0,
    skippedRows: rows.filter((r) => !r.ok).map((r) => r.row),
  };
  return { report, rows, clips: clips.probes };
}
