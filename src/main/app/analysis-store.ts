import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StoredAnalysis } from '@shared/api/analysis';
import { OVERLAY_KINDS } from '@shared/api/analysis';
import type { MediaLocation } from '@shared/media-roots';
import type { Clip, MeEvent } from '@shared/workspace';
import { AppError } from '@shared/errors';
import { hashMedia } from '../media/hash';
import { probeClip, toMediaInfo, type ProbedMedia } from '../media/probe';
import type { WorkspaceStore } from '../store';
import { writeFlo } from '../inference/flow/flo';
import { encodePng } from '../media/image';
import { writeFileAtomic } from '../util/atomic-write';
import type { AnalyzeTaskOutput } from '../analysis/pipeline/task';
import { readStoredResult, storedResult } from '../analysis/stored-analysis';
import { spottingRunOf, type SpottingRunMaker } from './spotting-run';

/**
 * Where analyses land in a workspace: the clip (registered on first use), its events
 * (given, user frames, or one per spotted interval) and one analysis row per event, plus
 * the primary flow kept beside the user data for the overlay images, and the clip's
 * per-frame motion rows when the run scanned every frame.
 */

/**
 * The clip at `path` in the workspace, registered (probed and hashed) when new; a new
 * clip under one of this workstation's media roots is stored relative to it.
 */
export async function ensureClip(
  workspace: WorkspaceStore,
  path: string,
  roots?: { locationFor(path: string): Promise<MediaLocation | null> },
): Promise<{ clip: Clip; probed: ProbedMedia | null }> {
  const known = await workspace.clips.byPath(path);
  if (known) return { clip: known, probed: null };
  const probed = await probeClip(path);
  const info = toMediaInfo(probed);
  const sha256 = await hashMedia(path);
  const byHash = await workspace.clips.bySha256(sha256);
  if (byHash) return { clip: byHash, probed: null };
  const location = (await roots?.locationFor(path)) ?? null;
  const clip = await workspace.clips.add({
    path,
    kind: info.kind,
    sha256,
    fps: info.fps,
    frames: info.frames,
    width: info.width,
    height: info.height,
    mediaRoot: location?.root ?? null,
    mediaPath: location?.path ?? null,
  });
  return { clip, probed };
}

/** The interval an event pins (its apex may be missing: then the pipeline spots inside the clip). */
export function eventFrames(event: MeEvent): { onset: number; apex: number; offset: number } | null {
  return event.apex !== null && event.onset < event.apex ? { onset: event.onset, apex: event.apex, offset: event.offset } : null;
}

/**
 * Stores a finished run: into `eventId` when given; else into the clip's event with the
 * same onset/apex, or new events (manual for user frames, spotting for spotted ones).
 * A run that spotted the whole clip (`run` given) is kept as the clip's spotting run, even
 * when it offered nothing. Everything lands in one transaction. Returns the analysis ids,
 * primary first.
 */
export function storeRun(
  workspace: WorkspaceStore,
  clip: Clip,
  output: AnalyzeTaskOutput,
  target: { readonly eventId: number | undefined; readonly userGiven: boolean; readonly configKey: string | null; readonly run?: SpottingRunMaker | null },
): Promise<number[]> {
  const { report } = output;
  return workspace.transaction(async (tx) => {
    await tx.clips.setFaceIndex(clip.id, report.subject.face_index);
    if (output.frameMotion) await tx.frameMotion.replace(clip.id, output.frameMotion);
    if (target.run) await tx.spottingRuns.save(spottingRunOf(clip.id, report, target.run));
    const timings = report.timings;
    const ids: number[] = [];
    for (const [i, expression] of report.expressions.entries()) {
      let event = i === 0 && target.eventId !== undefined ? await tx.events.require(target.eventId) : undefined;
      event ??= (await tx.events.listForClip(clip.id)).find((e) => e.onset === expression.onset && e.apex === expression.apex);
      event ??= await tx.events.create({ clipId: clip.id, onset: expression.onset, apex: expression.apex, offset: expression.offset, source: target.userGiven ? 'manual' : 'spotting' });
      const overlays = i === 0 && output.overlay ? OVERLAY_KINDS : [];
      const stored = storedResult(expression, report, overlays, i === 0 ? output.overlay?.face : undefined);
      ids.push((await tx.analyses.add(event.id, report.models, stored, timings, target.configKey)).id);
    }
    return ids;
  });
}

/** The folder holding one analysis' overlay sources (keyed by workspace path, so workspaces never collide). */
export function overlayDir(userData: string, workspacePath: string, analysisId: number): string {
  const key = createHash('sha256').update(workspacePath).digest('hex').slice(0, 16);
  return join(userData, 'overlays', key, String(analysisId));
}

export async function writeOverlaySources(dir: string, overlay: NonNullable<AnalyzeTaskOutput['overlay']>): Promise<void> {
  const { width, height } = overlay;
  await writeFlo(join(dir, 'expression.flo'), { width, height, data: overlay.flow });
  await writeFileAtomic(join(dir, 'onset.png'), await encodePng({ width, height, channels: 1, data: overlay.onset }), 0o644);
}

/** The latest analysis of an event in the API's shape, or null. */
export async function latestAnalysis(workspace: WorkspaceStore, eventId: number): Promise<StoredAnalysis | null> {
  await workspace.events.require(eventId);
  const [latest] = await workspace.analyses.listForEvent(eventId);
  if (!latest) return null;
  const { value: result, reason } = readStoredResult(latest.result);
  if (!result) throw new AppError('WORKSPACE_INVALID', `Analysis ${latest.id} cannot be read: ${reason}. Analyse the event again.`);
  return {
    id: latest.id,
    eventId: latest.eventId,
    createdAt: latest.createdAt,
    models: latest.models,
    timingsMs: latest.timingsMs,
    expression: result.expression,
    spotting: result.spotting,
    overlays: [...result.overlays],
    ...(result.face ? { face: result.face } : {}),
  };
}
