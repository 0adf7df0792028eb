import type { MediaLocation } from '@shared/media-roots';
import { basename } from 'node:path';
import type { ImportReport, ImportRequest } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import { saying } from '@shared/import-messages';
import { importRefusalMessage, type ImportRefusal } from '@shared/import-refusal';
import { describeGroup, groupProblems, planImport, type ClipProber, type ImportPlan } from '../corpus/import';
import { hashMedia } from '../media/hash';
import { probeMedia } from '../media/probe';
import type { WorkspaceRepos, WorkspaceStore } from '../store';


/** Content hash of a clip (the media layer's hashMedia). */
export type ClipHasher = (clipPath: string) => Promise<string>;

export interface ImportDeps {
  readonly prober: ClipProber;
  readonly hasher?: ClipHasher;
  /** The media root a new clip falls under on this workstation (stored with it). */
  readonly locations?: { locationFor(path: string): Promise<MediaLocation | null> };
}

/**
 * The media layer's probe and hash. Frame folders carry no frame rate, so the sheet's
 * (DFME's per-row `Fps`) or the dataset's own (CASME II 200 fps, SAMM 200 fps, …) is
 * passed along for them.
 */
export function mediaImportDeps(locations?: ImportDeps['locations']): ImportDeps {
  return {
    ...(locations ? { locations } : {}),
    prober: async (path, fps) => {
      const { frames, fps: rate, width, height, kind } = await probeMedia(path, { fps });
      return { frames, fps: rate, width, height, kind };
    },
    hasher: hashMedia,
  };
}

const MAX_LISTED = 20;

/**
 * Rows whose event is already in the workspace (same clip, same sheet frames, same AU
 * text: the import identity, `eventIdentity`) are skipped, not refused, so a sheet can
 * be imported again, or an export of the workspace re-imported, without doubling events.
 */
async function markAlreadyImported(ws: Pick<WorkspaceRepos, 'events'>, plan: ImportPlan): Promise<void> {
  for (const row of plan.rows) {
    if (row.ok && (await ws.events.hasDatasetEvent(row.clipPath, row.datasetFrames, row.aus))) {
      row.ok = false;
      row.present = true;
      plan.report.problems.push({ row: row.row, column: '(row)', ...saying({ key: 'alreadyPresent', params: {} }), severity: 'warning', kind: 'already-present' });
    }
  }
  plan.report.skippedRows = plan.rows.filter((r) => !r.ok).map((r) => r.row);
  plan.report.alreadyPresent = plan.rows.filter((r) => r.present).length;
  plan.report.groups = groupProblems(plan.report.problems);
  plan.report.rows.forEach((r, i) => {
    r.ok = plan.rows[i]?.ok ?? false;
    r.present = plan.rows[i]?.present ?? false;
  });
}

/** Validates a sheet against the media root and the open workspace; writes nothing. */
export async function previewImport(ws: WorkspaceStore | null, request: ImportRequest, deps: ImportDeps = mediaImportDeps()): Promise<ImportReport> {
  const plan = await planImport(request, deps.prober);
  if (ws) await markAlreadyImported(ws, plan);
  return plan.report;
}

function refuse(report: ImportReport, importable: number): never {
  const errors = report.problems.filter((p) => p.severity === 'error');
  const groups = report.groups.filter((g) => g.severity === 'error').map(describeGroup);
  const listed = errors.slice(0, MAX_LISTED).map((p) => `row ${p.row}, ${p.column}: ${p.message}`);
  const more = errors.length > MAX_LISTED ? `\n… and ${errors.length - MAX_LISTED} more` : '';
  const importRefusal: ImportRefusal = { key: importable === 0 ? 'noImportableRows' : 'problems', params: { sheet: basename(report.sheet), count: errors.length } };
  throw new AppError('INVALID_INPUT', `${importRefusalMessage(importRefusal)}${groups.length ? `\n${groups.join('\n')}` : ''}${listed.length ? `\n${listed.join('\n')}${more}` : ''}`, {
    detail: { importRefusal },
    issues: errors.map((p) => ({ path: `row ${p.row}.${p.column}`, message: p.message })),
  });
}

/**
 * Imports a coding sheet into the workspace in one transaction: every valid row becomes
 * a dataset event (clips created on first use). Any row with an error refuses the whole
 * file unless `skipFlagged`, in which case those rows are left out and reported. The
 * check for rows already imported runs inside the write transaction, so two imports of
 * one sheet cannot both land.
 */
export async function commitImport(ws: WorkspaceStore, request: ImportRequest, deps: ImportDeps = mediaImportDeps()): Promise<ImportReport> {
  const plan = await planImport(request, deps.prober);
  const { report } = plan;
  const hashes = new Map<string, string | null>();
  for (const row of plan.rows) {
    if (row.ok && !hashes.has(row.clipPath)) hashes.set(row.clipPath, !deps.hasher || (await ws.clips.byPath(row.clipPath)) ? null : await deps.hasher(row.clipPath));
  }
  let clipsAdded = 0;
  let eventsAdded = 0;
  await ws.transaction(async (tx) => {
    await markAlreadyImported(tx, plan);
    const importable = plan.rows.filter((r) => r.ok);
    const refused = report.problems.some((p) => p.severity === 'error');
    // Rows already present are skipped: a sheet with nothing new left is a no-op, not a refusal.
    if ((refused && !request.skipFlagged) || (importable.length === 0 && report.alreadyPresent === 0)) refuse(report, importable.length);
    for (const row of importable) {
      let clip = await tx.clips.byPath(row.clipPath);
      if (!clip) {
        const probe = plan.clips.get(row.clipPath);
        if (!probe) throw new AppError('INTERNAL', `No probe for ${row.clipPath}`);
        const location = (await deps.locations?.locationFor(row.clipPath)) ?? null;
        clip = await tx.clips.add({
          path: row.clipPath,
          kind: probe.kind,
          sha256: hashes.get(row.clipPath) ?? null,
          fps: probe.fps,
          captureFps: row.captureFps,
          frames: probe.frames,
          width: probe.width,
          height: probe.height,
          subject: row.subject || null,
          dataset: row.dataset,
          datasetRow: row.row,
          datasetFilename: row.filename,
          mediaRoot: location?.root ?? null,
          mediaPath: location?.path ?? null,
        });
        clipsAdded++;
      }
      await tx.events.create({
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
      eventsAdded++;
    }
  });
  return { ...report, committed: true, clipsAdded, eventsAdded };
}
