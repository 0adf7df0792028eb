import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { AnalysisRunInput, OverlayKind, StoredAnalysis } from '@shared/api/analysis';
import type { Clip } from '@shared/workspace';
import { AppError } from '@shared/errors';
import { readFlo } from '../../inference/flow/flo';
import { encodeRgbaPng, flowToColor, magnitudeHeatMap, mellmOverlay } from '../../inference/flow/visualize';
import type { EventHub } from '../../api/events';
import type { JobHandle, JobQueue } from '../../jobs/queue';
import { runWorker, workerScript, type WorkerScript } from '../../jobs/run-worker';
import { loadImageFile, toGray } from '../../media/image';
import type { SettingsStore } from '../../settings';
import type { WorkspaceService } from '../../store/service';
import type { Workspace } from '../../store/workspace';
import { ensureClip, eventFrames, latestAnalysis, overlayDir, storeRun, writeOverlaySources } from './store';
import type { AnalyzeTaskInput, AnalyzeTaskOutput } from './task';

export interface AnalysisRunnerDeps {
  readonly workspaces: WorkspaceService;
  readonly jobs: JobQueue;
  readonly settings: SettingsStore;
  /** Where an LLM description streams to: llm.token with the job id as request id. */
  readonly events?: EventHub;
  readonly paths: { readonly userData: string; readonly models: string };
}

/** What one finished analysis job resolves to. */
export interface AnalysisJobResult {
  readonly clipId: number;
  readonly analysisIds: readonly number[];
}

/**
 * Runs analyses as background jobs (one worker thread per clip, so a crash or a corrupt
 * clip fails that job alone) and stores each result in the open workspace.
 */
export class AnalysisRunner {
  readonly #deps: AnalysisRunnerDeps;
  readonly #worker: () => WorkerScript;
  /** Jobs queued or running, so dispose() can stop their worker threads. */
  readonly #active = new Map<string, JobQueue>();

  constructor(deps: AnalysisRunnerDeps, worker: string = 'analyze') {
    this.#deps = deps;
    this.#worker = () => workerScript(worker);
  }

  /** Queues one clip (or one event); resolves once the job is queued. */
  async run(input: AnalysisRunInput, queue: JobQueue = this.#deps.jobs): Promise<JobHandle<AnalysisJobResult>> {
    if (input.workspace) await this.#deps.workspaces.open(input.workspace);
    const workspace = this.#deps.workspaces.require();
    const event = input.eventId !== undefined ? workspace.events.require(input.eventId) : undefined;
    const clip = event
      ? workspace.clips.require(event.clipId)
      : input.clipId !== undefined
        ? workspace.clips.require(input.clipId)
        : await ensureClip(workspace, absolute(input.clipPath as string));
    const pinned = input.onset !== undefined ? { onset: input.onset, apex: input.apex as number, offset: input.offset } : event ? eventFrames(event) : null;
    return this.#queue(queue, workspace, clip, pinned, event?.id);
  }

  /**
   * Every clip of the open workspace: events with onset and apex are analysed at those
   * frames, clips without events are spotted. Resumable: events that already have an
   * analysis (and clips with any analysed event) are skipped unless `redo`.
   */
  async runAll(options: { redo?: boolean | undefined; llmFolder?: string | undefined } = {}, queue: JobQueue = this.#deps.jobs): Promise<{ jobs: JobHandle<AnalysisJobResult>[]; skipped: number }> {
    const workspace = this.#deps.workspaces.require();
    const jobs: JobHandle<AnalysisJobResult>[] = [];
    let skipped = 0;
    const done = (eventId: number) => !options.redo && workspace.analyses.listForEvent(eventId).length > 0;
    for (const clip of workspace.clips.list()) {
      const events = workspace.events.listForClip(clip.id);
      if (events.length === 0 || events.every((e) => eventFrames(e) === null)) {
        if (events.some((e) => done(e.id))) skipped += 1;
        else jobs.push(await this.#queue(queue, workspace, clip, null, events[0]?.id, options.llmFolder));
        continue;
      }
      for (const event of events) {
        const frames = eventFrames(event);
        if (!frames || done(event.id)) skipped += 1;
        else jobs.push(await this.#queue(queue, workspace, clip, frames, event.id, options.llmFolder));
      }
    }
    return { jobs, skipped };
  }

  get(eventId: number): StoredAnalysis | null {
    return latestAnalysis(this.#deps.workspaces.require(), eventId);
  }

  /** One overlay image of an analysis' primary flow, as PNG bytes. */
  async overlay(analysisId: number, kind: OverlayKind): Promise<{ width: number; height: number; png: Buffer }> {
    const workspace = this.#deps.workspaces.require();
    const dir = overlayDir(this.#deps.paths.userData, workspace.path, analysisId);
    if (!existsSync(join(dir, 'expression.flo'))) throw new AppError('NOT_FOUND', `Analysis ${analysisId} has no stored flow to draw.`);
    const flow = await readFlo(join(dir, 'expression.flo'));
    const image =
      kind === 'colorwheel' ? flowToColor(flow) : kind === 'magnitude' ? magnitudeHeatMap(flow) : mellmOverlay(flow, toGray(await loadImageFile(join(dir, 'onset.png'))));
    return { width: flow.width, height: flow.height, png: await encodeRgbaPng(image) };
  }

  async #queue(
    queue: JobQueue,
    workspace: Workspace,
    clip: Clip,
    pinned: { onset: number; apex: number; offset?: number | undefined } | null,
    eventId: number | undefined,
    llmFolder?: string,
  ): Promise<JobHandle<AnalysisJobResult>> {
    const settings = await this.#deps.settings.get();
    const input: AnalyzeTaskInput = {
      path: clip.path,
      modelsDir: this.#deps.paths.models,
      faceIndex: clip.faceIndex,
      llmFolder: llmFolder ?? settings.activeLlm,
      language: settings.language === 'zh-CN' ? 'zh-CN' : 'en',
      frameMotion: true,
      ...(pinned ? { onset: pinned.onset, apex: pinned.apex, offset: pinned.offset } : {}),
    };
    const label = `Analyse ${clip.path}${pinned ? ` (${pinned.onset}→${pinned.apex})` : ''}`;
    const script = this.#worker();
    const handle = queue.add('analysis', label, async (context) => {
      const output = await runWorker<AnalyzeTaskOutput>(script, input, {
        signal: context.signal,
        onProgress: (d, t, m) => context.progress(d, t, m),
        onText: (delta) => this.#deps.events?.emit('llm.token', { requestId: context.jobId, delta }),
      });
      if (!workspace.isOpen) throw new AppError('NOT_FOUND', 'The workspace was closed before the analysis finished; nothing was stored.');
      const analysisIds = storeRun(workspace, clip, output, eventId, pinned !== null);
      const [primary] = analysisIds;
      if (primary !== undefined && output.overlay) await writeOverlaySources(overlayDir(this.#deps.paths.userData, workspace.path, primary), output.overlay);
      return { clipId: clip.id, analysisIds };
    });
    this.#active.set(handle.jobId, queue);
    void handle.result.catch(() => undefined).finally(() => this.#active.delete(handle.jobId));
    return handle;
  }

  /** Cancels every analysis still queued or running (their workers stop; nothing half-stored). */
  dispose(): void {
    for (const [jobId, queue] of this.#active) queue.cancel(jobId);
    this.#active.clear();
  }
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
