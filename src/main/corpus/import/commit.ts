import { basename } from 'node:path';
import type { ImportReport, ImportRequest } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import type { Workspace } from '../../store/workspace';
import { planImport, type ClipProber, type ImportPlan } from './plan';

/** Content hash of a clip (the media layer's hashMedia); optional until it is wired. */
export type ClipHasher = (clipPath: string) => Promise<string>;

export interface ImportDeps {
  readonly prober: ClipProber;
  readonly hasher?: ClipHasher;
}

const MAX_LISTED = 20;

/** Rows already in the workspace (same clip path and dataset onset/offset) become problems. */
function markAlreadyImported(ws: Workspace, plan: ImportPlan): void {
  const exists = ws.db.prepare(
    'SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id WHERE c.path = ? AND e.dataset_onset = ? AND e.dataset_offset = ?',
  );
  for (const row of plan.rows) {
    if (row.ok && exists.get(row.clipPath, row.datasetFrames.onset, row.datasetFrames.offset)) {
      row.ok = false;
      plan.report.problems.push({ row: row.row, column: '(row)', message: 'this event is already in the workspace', severity: 'error' });
    }
  }
  const skipped = plan.rows.filter((r) => !r.ok).map((r) => r.row);
  plan.report.skippedRows = skipped;
  plan.report.rows.forEach((r, i) => (r.ok = plan.rows[i]?.ok ?? false));
}

/** Validates a sheet against the media root and the open workspace; writes nothing. */
export async function previewImport(ws: Workspace | null, request: ImportRequest, deps: ImportDeps): Promise<ImportReport> {
  const plan = await planImport(request, deps.prober);
  if (ws) markAlreadyImported(ws, plan);
  return plan.report;
}

/**
 * Imports a coding sheet into the workspace in one transaction: every valid row becomes
 * a dataset event (clips created on first use). Any row with an error refuses the whole
 * file unless `skipFlagged`, in which case those rows are left out and reported.
 */
export async function commitImport(ws: Workspace, request: ImportRequest, deps: ImportDeps): Promise<ImportReport> {
  const plan = await planImport(request, deps.prober);
  markAlreadyImported(ws, plan);
  const { report } = plan;
  const errors = report.problems.filter((p) => p.severity === 'error');
  const importable = plan.rows.filter((r) => r.ok);
  if ((errors.length && !request.skipFlagged) || importable.length === 0) {
    const listed = errors.slice(0, MAX_LISTED).map((p) => `row ${p.row}, ${p.column}: ${p.message}`);
    const more = errors.length > MAX_LISTED ? `\n… and ${errors.length - MAX_LISTED} more` : '';
    const reason = importable.length === 0 ? 'no importable rows' : `${errors.length} problem(s) (use --skip-flagged to import the other rows)`;
    throw new AppError(
      'INVALID_INPUT',
      `Nothing imported from ${basename(report.sheet)}: ${reason}${listed.length ? `\n${listed.join('\n')}${more}` : ''}`,
      { issues: errors.map((p) => ({ path: `row ${p.row}.${p.column}`, message: p.message })) },
    );
  }
  const hashes = new Map<string, string | null>();
  for (const row of importable) {
    if (!hashes.has(row.clipPath)) hashes.set(row.clipPath, ws.clips.byPath(row.clipPath) || !deps.hasher ? null : await deps.hasher(row.clipPath));
  }
  let clipsAdded = 0;
  ws.transaction(() => {
    for (const row of importable) {
      let clip = ws.clips.byPath(row.clipPath);
      if (!clip) {
        const probe = plan.clips.get(row.clipPath);
        if (!probe) throw new AppError('INTERNAL', `No probe for ${row.clipPath}`);
        clip = ws.clips.add({
          path: row.clipPath,
          kind: probe.kind,
          sha256: hashes.get(row.clipPath) ?? null,
          fps: probe.fps,
          frames: probe.frames,
          width: probe.width,
          height: probe.height,
          subject: row.subject || null,
          dataset: report.dataset,
          datasetRow: row.row,
          datasetFilename: row.filename,
        });
        clipsAdded++;
      }
      ws.events.create({
        clipId: clip.id,
        onset: row.onset,
        apex: row.apex,
        offset: row.offset,
        source: 'dataset',
        datasetFrames: row.datasetFrames,
        datasetAus: row.aus,
        datasetEmotion: row.emotion,
        datasetExtra: row.extra,
        flags: row.flags,
      });
    }
  });
  return { ...report, committed: true, clipsAdded, eventsAdded: importable.length };
}
