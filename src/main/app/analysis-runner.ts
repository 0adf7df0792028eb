import { createHash, randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { isDeepStrictEqual } from 'node:util';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_CLASS_THRESHOLDS_SETTING, type AnalysisRunInput, type FlowScale, type OverlayKind, type PromptFormat, type SpottingRun, type StoredAnalysis } from '@shared/api/analysis';
import type { Language } from '@shared/language';
import { REFERENCE_CROP } from '@shared/rois';
import { DEFAULT_ANALYSIS_FLOW, type AnalysisFlow } from '@shared/api/flow';
import type { Clip } from '@shared/workspace';
import { AppError } from '@shared/errors';
import { generationFor, type LlmGeneration } from '@shared/llm-generation';
import type { ScanCheckpoint } from '../analysis/pipeline/motion';
import type { ScanProgress } from '../analysis/pipeline/pipeline';
import type { AnalyzeTaskInput, AnalyzeTaskOutput, AnalyzerOptions } from '../analysis/pipeline/task';
import { readFlo } from '../inference/flow/flo';
import { LlmFolderPrints } from '../inference/llm/identity';
import { encodeRgbaPng, overlayImage, overlayLegend, overlayScale } from '../inference/flow/visualize';
import { JobCrashError } from '../jobs/crash';
import { analysisBudget } from '../jobs/budget';
import { ProcessPool } from '../jobs/pool';
import type { JobContext, JobHandle, JobQueue } from '../jobs/queue';
import { jobScript } from '../jobs/script';
import { loadImageFile, toGray } from '../media/image';
import type { ProbedMedia } from '../media/probe';
import { packageVersion } from '../paths';
import type { SettingsStore } from '../settings';
import type { WorkspaceStore } from '../store';
import type { WorkspaceService } from '../store/service';
import { ClipLocator } from './media-roots';
import { ensureClip, eventFrames, latestAnalysis, overlayDir, storeRun, writeOverlaySources } from './analysis-store';
import type { EventHub } from './events';
import { readSpottingRun, spottingRunMaker } from './spotting-run';
import { counted } from '@shared/count';

export interface AnalysisRunnerDeps {
  readonly workspaces: WorkspaceService;
  readonly jobs: JobQueue;
  readonly settings: SettingsStore;
  /** Where an LLM description streams to: llm.token with the job id as request id. */
  readonly events?: EventHub;
  readonly paths: { readonly userData: string; readonly models: string };
  /** Address-space limit of each job process. */
  readonly maxMemoryMb?: number;
  /** The job process entry (tests pass a fixture). */
  readonly worker?: string;
  /** Frames between checkpoints of a long spotting scan (default 30 s of video). */
  readonly checkpointEvery?: number;
  /** Where this workstation finds each clip (media roots); default: from `settings`. */
  readonly clipMedia?: ClipLocator;
}

/** What one finished analysis job resolves to. */
export interface AnalysisJobResult {
  readonly clipId: number;
  readonly analysisIds: readonly number[];
  /** Why nothing ran (already analysed under these settings, or being analysed elsewhere). */
  readonly skipped?: string;
}

/** A crashed job process costs its job one retry; a second crash fails it with the reason. */
const MAX_ATTEMPTS = 2;
/** A claim whose owner stops renewing it for this long is presumed dead and may be taken over. */
const LEASE_MS = 60_000;

/** Which finished work a job takes up again: failed work (a new batch), or all of it (the user asked anew). */
type Retake = 'failed' | 'all';

/** One job of a batch: which clip (and event) it analyses. */
export interface BatchItem {
  readonly jobId: string;
  readonly clipId: number;
  readonly eventId: number | null;
}

interface PlannedWork {
  readonly clip: Clip;
  readonly pinned: Pinned | null;
  readonly eventId: number | undefined;
}

interface Pinned {
  readonly onset: number;
  readonly apex: number;
  readonly offset?: number | undefined;
}

/** What a batch may set for itself instead of the settings (the CLI's --llm, --prompt-format, --flow-model). */
interface Overrides {
  readonly llmFolder?: string | undefined;
  readonly promptFormat?: PromptFormat | undefined;
  readonly llmGeneration?: Partial<LlmGeneration> | undefined;
  /** The describer's language: the UI's, sent with the request. */
  readonly language?: Language | undefined;
  readonly flow?: AnalysisFlow | undefined;
}

/**
 * Runs analyses as background jobs in a pool of job processes (a crash, an out-of-memory
 * or a V8 fatal error costs one job, never the app) and stores each result in the open
 * workspace. Each unit of work is claimed with a lease in the workspace, so a job whose
 * process died is retried once and two runners never analyse the same event twice.
 */
/** An overlay as `analysis.overlay` serves it: image and legend PNGs, scale and largest motion in reference-crop px. */
export interface OverlayRendering {
  readonly width: number;
  readonly height: number;
  readonly png: Buffer;
  readonly legendPng: Buffer;
  readonly scalePx: number;
  readonly maxPx: number;
}

export class AnalysisRunner {
  readonly #deps: AnalysisRunnerDeps;
  readonly #owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #version = packageVersion();
  readonly #llmPrints = new LlmFolderPrints();
  /** Job processes by pool size: as many processes as the queue runs jobs at once. */
  readonly #pools = new Map<number, ProcessPool>();
  /** Jobs queued or running, so dispose() can cancel them. */
  readonly #active = new Map<string, JobQueue>();

  readonly #clipMedia: ClipLocator;

  constructor(deps: AnalysisRunnerDeps) {
    this.#deps = deps;
    this.#clipMedia = deps.clipMedia ?? new ClipLocator(deps.settings);
  }

  /** Queues one clip (or one event); resolves once the job is queued. */
  async run(input: AnalysisRunInput, queue: JobQueue = this.#deps.jobs): Promise<JobHandle<AnalysisJobResult>> {
    if (input.workspace) await this.#deps.workspaces.open(input.workspace);
    const workspace = this.#deps.workspaces.require();
    const event = input.eventId !== undefined ? await workspace.events.require(input.eventId) : undefined;
    let probed: ProbedMedia | null = null;
    let clip: Clip;
    if (event) clip = await workspace.clips.require(event.clipId);
    else if (input.clipId !== undefined) clip = await workspace.clips.require(input.clipId);
    else ({ clip, probed } = await ensureClip(workspace, absolute(input.clipPath as string), this.#clipMedia));
    const pinned = input.onset !== undefined ? { onset: input.onset, apex: input.apex as number, offset: input.offset } : event ? eventFrames(event) : null;
    return this.#queue(queue, workspace, { clip, probed, pinned, eventId: event?.id, again: 'all', overrides: { language: input.language } });
  }

  /**
   * Every event of the open workspace without an analysis under the current settings:
   * events with onset and apex are analysed at those frames, clips without such events
   * are spotted (once per settings, even when spotting finds nothing). `redo` analyses
   * everything again (Re-analyse all).
   */
  async runAll(options: { redo?: boolean | undefined } & Overrides = {}, queue: JobQueue = this.#deps.jobs): Promise<{ jobs: JobHandle<AnalysisJobResult>[]; skipped: number; items: BatchItem[] }> {
    const workspace = this.#deps.workspaces.require();
    const overrides = { llmFolder: options.llmFolder, promptFormat: options.promptFormat, llmGeneration: options.llmGeneration, language: options.language, flow: options.flow };
    const { work, skipped } = await this.#plan(workspace, await this.#keys(overrides), options.redo === true);
    const jobs: JobHandle<AnalysisJobResult>[] = [];
    const items: BatchItem[] = [];
    // A new batch retries what failed before, but never redoes done work (another runner's) unless asked to.
    const again = options.redo ? ('all' as const) : ('failed' as const);
    for (const { clip, pinned, eventId } of work) {
      const handle = await this.#queue(queue, workspace, { clip, probed: null, again, overrides, pinned, eventId });
      jobs.push(handle);
      items.push({ jobId: handle.jobId, clipId: clip.id, eventId: eventId ?? null });
    }
    return { jobs, skipped, items };
  }

  /** What "Analyse all" would queue now: the clips (and events) without an analysis under the current settings. */
  async pending(): Promise<{ clips: number; events: number }> {
    const { work } = await this.#plan(this.#deps.workspaces.require(), await this.#keys({}), false);
    return { clips: new Set(work.map((w) => w.clip.id)).size, events: work.length };
  }

  async #plan(workspace: WorkspaceStore, keys: { configKey: string; spottingKey: string }, redo: boolean): Promise<{ work: PlannedWork[]; skipped: number }> {
    const { configKey, spottingKey } = keys;
    const work: PlannedWork[] = [];
    let skipped = 0;
    for await (const clip of everyClip(workspace)) {
      const key = clipConfigKey(configKey, clip);
      const done = async (eventId: number) => !redo && (await workspace.analyses.hasConfig(eventId, key));
      const events = await workspace.events.listForClip(clip.id);
      if (events.every((e) => eventFrames(e) === null)) {
        // Spotted under these settings: by this workspace's stored run (even one that offered nothing), or a finished claim.
        const spotted = !redo && ((await workspace.spottingRuns.hasConfig(clip.id, clipConfigKey(spottingKey, clip))) || (await workspace.claims.get(claimKey(key, clip, undefined)))?.state === 'done');
        if (spotted || (await someAsync(events, (e) => done(e.id)))) skipped += 1;
        else work.push({ clip, pinned: null, eventId: events[0]?.id });
        continue;
      }
      for (const event of events) {
        const frames = eventFrames(event);
        if (!frames || (await done(event.id))) skipped += 1;
        else work.push({ clip, pinned: frames, eventId: event.id });
      }
    }
    return { work, skipped };
  }

  get(eventId: number): Promise<StoredAnalysis | null> {
    return latestAnalysis(this.#deps.workspaces.require(), eventId);
  }

  /** The clip's latest whole-recording spotting run, and whether it was made under the current settings. */
  async spottingRun(clipId: number): Promise<SpottingRun | null> {
    const workspace = this.#deps.workspaces.require();
    const clip = await workspace.clips.require(clipId);
    const record = await workspace.spottingRuns.latest(clip.id);
    return record ? readSpottingRun(record, clipConfigKey(await this.#spottingKey(), clip)) : null;
  }

  /**
   * One overlay image of an analysis' primary flow and its legend, as PNG bytes. The scale
   * and the magnitudes are in reference-crop pixels (the 400 × 480 face of the MELLM
   * reference), the unit the description and the prompt give motion in; the stored flow
   * is on a smaller grid of the same crop.
   */
  async overlay(analysisId: number, kind: OverlayKind, scale: FlowScale = 'auto'): Promise<OverlayRendering> {
    const workspace = this.#deps.workspaces.require();
    const dir = overlayDir(this.#deps.paths.userData, workspace.location, analysisId);
    if (!existsSync(join(dir, 'expression.flo'))) throw new AppError('NOT_FOUND', `Analysis ${analysisId} has no stored flow to draw.`);
    const flow = await readFlo(join(dir, 'expression.flo'));
    const referencePerFlowPx = REFERENCE_CROP.width / flow.width;
    const flowScale = scale === 'auto' ? scale : scale / referencePerFlowPx;
    const image = overlayImage(kind, flow, toGray(await loadImageFile(join(dir, 'onset.png'))), flowScale);
    return {
      width: flow.width,
      height: flow.height,
      png: await encodeRgbaPng(image),
      legendPng: await encodeRgbaPng(overlayLegend(kind)),
      scalePx: overlayScale(flow, flowScale) * referencePerFlowPx,
      maxPx: overlayScale(flow, 'auto') * referencePerFlowPx,
    };
  }

  /**
   * The settings an analysis depends on: an analysis made under other ones is out of date.
   * The language model counts by what it is (its files' content fingerprint), not where it
   * is: files replaced in its folder make its descriptions out of date, a moved folder not.
   */
  async configKey(overrides: Overrides = {}): Promise<string> {
    const settings = await this.#deps.settings.get();
    const folder = overrides.llmFolder ?? settings.activeLlm ?? null;
    // A folder that cannot be read keys by its path: the run itself then says what is wrong.
    const llm = folder && (await this.#llmPrints.of(folder).catch(() => `unreadable:${resolve(folder)}`));
    // How the LLM generates matters only when one writes the descriptions.
    const generation = llm ? { generation: generationFor(settings, overrides.llmGeneration) } : {};
    // The default flow is what every analysis ran with before it could be chosen: their keys stay valid.
    const flow = overrides.flow ?? settings.analysisFlow;
    const chosenFlow = isDeepStrictEqual(flow, DEFAULT_ANALYSIS_FLOW) ? {} : { flow };
    // Likewise the default micro / macro boundaries.
    const classes = isDeepStrictEqual(settings.expressionClasses, DEFAULT_CLASS_THRESHOLDS_SETTING) ? {} : { classes: settings.expressionClasses };
    const config = { version: this.#version, llm, language: overrides.language ?? settings.language, promptFormat: overrides.promptFormat ?? settings.promptFormat, ...generation, ...chosenFlow, ...classes };
    return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
  }

  /**
   * The settings what spotting offers and sets aside depends on: the app version, the flow
   * and the micro / macro boundaries (the capture rate is added per clip). The language,
   * the prompt and the language model only write descriptions, so a run that offered
   * nothing stays current when they change: "Analyse all" does not spot it again.
   */
  async #spottingKey(overrides: Pick<Overrides, 'flow'> = {}): Promise<string> {
    const settings = await this.#deps.settings.get();
    const flow = overrides.flow ?? settings.analysisFlow;
    const chosenFlow = isDeepStrictEqual(flow, DEFAULT_ANALYSIS_FLOW) ? {} : { flow };
    const classes = isDeepStrictEqual(settings.expressionClasses, DEFAULT_CLASS_THRESHOLDS_SETTING) ? {} : { classes: settings.expressionClasses };
    const config = { spotting: this.#version, ...chosenFlow, ...classes };
    return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
  }

  async #keys(overrides: Overrides): Promise<{ configKey: string; spottingKey: string }> {
    return { configKey: await this.configKey(overrides), spottingKey: await this.#spottingKey(overrides) };
  }

  #processes(size: number): ProcessPool {
    let pool = this.#pools.get(size);
    if (!pool) {
      // The processes share the cores: ONNX Runtime gets cores ÷ processes threads in each.
      const init: AnalyzerOptions = { modelsDir: this.#deps.paths.models, intraOpThreads: analysisBudget(size).intraOpThreads };
      pool = new ProcessPool({
        script: jobScript(this.#deps.worker ?? 'analyze'),
        size,
        init,
        ...(this.#deps.maxMemoryMb ? { maxMemoryMb: this.#deps.maxMemoryMb } : {}),
      });
      this.#pools.set(size, pool);
    }
    return pool;
  }

  async #queue(
    queue: JobQueue,
    workspace: WorkspaceStore,
    work: { clip: Clip; probed: ProbedMedia | null; pinned: Pinned | null; eventId: number | undefined; again: Retake; overrides?: Overrides },
  ): Promise<JobHandle<AnalysisJobResult>> {
    const { clip, pinned, eventId, overrides = {} } = work;
    const settings = await this.#deps.settings.get();
    const configKey = clipConfigKey(await this.configKey(overrides), clip);
    const input: AnalyzeTaskInput = {
      path: await this.#clipMedia.locate(clip),
      ...(work.probed ? { probed: work.probed } : {}),
      faceIndex: clip.faceIndex,
      llmFolder: overrides.llmFolder ?? settings.activeLlm,
      promptFormat: overrides.promptFormat ?? settings.promptFormat,
      llmGeneration: generationFor(settings, overrides.llmGeneration),
      language: (overrides.language ?? settings.language) === 'zh-CN' ? 'zh-CN' : 'en',
      flow: overrides.flow ?? settings.analysisFlow,
      captureFps: clip.captureFps,
      // A frame folder carries no rate: the job reads it at the one it was registered with.
      ...(clip.kind === 'sequence' ? { sequenceFps: clip.fps } : {}),
      classThresholds: settings.expressionClasses,
      frameMotion: true,
      ...(this.#deps.checkpointEvery ? { checkpointEvery: this.#deps.checkpointEvery } : {}),
      ...(pinned ? { onset: pinned.onset, apex: pinned.apex, offset: pinned.offset } : {}),
    };
    const key = claimKey(configKey, clip, pinned ? eventId : undefined);
    // Without pinned frames the whole clip is spotted: the run is kept for the clip, whatever it offered.
    const run = pinned ? null : spottingRunMaker(workspace, settings.annotator, clip, input, { appVersion: this.#version, configKey: clipConfigKey(await this.#spottingKey(overrides), clip) });
    const label = `Analyse ${clip.path}${pinned ? ` (${pinned.onset}→${pinned.apex})` : ''}`;
    const handle = queue.add('analysis', label, async (context) => {
      const output = await this.#runClaimed(workspace, { key, clip, again: work.again }, input, context, this.#processes(queue.concurrency));
      if (!output) return { clipId: clip.id, analysisIds: [], skipped: 'analysed, or being analysed, by another process' };
      if (!workspace.isOpen) throw new AppError('NOT_FOUND', 'The workspace was closed before the analysis finished; nothing was stored.');
      const analysisIds = await storeRun(workspace, clip, output, { eventId, userGiven: pinned !== null, configKey, run });
      const [primary] = analysisIds;
      if (primary !== undefined && output.overlay) await writeOverlaySources(overlayDir(this.#deps.paths.userData, workspace.location, primary), output.overlay);
      await workspace.claims.finish(key, this.#owner);
      // Spotting may have made events and kept the clip's run: windows that count or list them read again.
      this.#deps.events?.emit('workspace.changed', { cause: 'analysis', clipId: clip.id });
      return { clipId: clip.id, analysisIds };
    }, { subject: { clipId: clip.id, eventId: pinned ? (eventId ?? null) : null } });
    this.#active.set(handle.jobId, queue);
    void handle.result.catch(() => undefined).finally(() => this.#active.delete(handle.jobId));
    return handle;
  }

  /**
   * Claims the unit, runs it in a job process while renewing the lease, and retries it
   * once when the process died under it: from the last checkpoint of its spotting scan,
   * whose per-frame rows are already stored. Resolves null when another runner holds it.
   */
  async #runClaimed(
    workspace: WorkspaceStore,
    unit: { readonly key: string; readonly clip: Clip; readonly again: Retake },
    task: AnalyzeTaskInput,
    context: JobContext,
    pool: ProcessPool,
  ): Promise<AnalyzeTaskOutput | null> {
    const { key, clip, again } = unit;
    for (;;) {
      const lease = { leaseMs: LEASE_MS, maxAttempts: MAX_ATTEMPTS, ...(again === 'all' ? { again: true } : { retryFailed: true }) };
      const { claimed, claim } = await workspace.claims.claim(key, this.#owner, lease);
      if (!claimed) {
        if (claim.state === 'done' || (claim.state === 'running' && claim.leaseUntil > Date.now())) return null;
        throw new AppError('INTERNAL', `This analysis failed ${counted(claim.attempts, 'time')}: ${claim.error ?? 'no reason recorded'}`);
      }
      const resume = claim.checkpoint ? readCheckpoint(claim.checkpoint) : null;
      const input = resume ? { ...task, resume } : task;
      const renew = setInterval(() => void workspace.claims.renew(key, this.#owner, LEASE_MS).catch(() => undefined), LEASE_MS / 3);
      // Checkpoints are stored in order, each with the rows it covers, before the result is.
      let checkpoints = Promise.resolve();
      const onCheckpoint = (value: unknown) => {
        const { next, channels, motion } = value as ScanProgress;
        checkpoints = checkpoints.then(() =>
          workspace.transaction(async (tx) => {
            if (motion) await tx.frameMotion.replace(clip.id, motion);
            await tx.claims.saveCheckpoint(key, this.#owner, serialize({ next, channels }));
          }),
        );
      };
      try {
        const output = await pool.run<AnalyzeTaskOutput>(input, {
          signal: context.signal,
          onProgress: (done, total, message) => context.progress(done, total, message),
          onText: (delta) => this.#deps.events?.emit('llm.token', { requestId: context.jobId, delta }),
          onCheckpoint,
        });
        await checkpoints;
        return output;
      } catch (error) {
        await checkpoints.catch(() => undefined);
        const crashed = error instanceof JobCrashError && !context.signal.aborted;
        const retry = crashed && claim.attempts < MAX_ATTEMPTS;
        // A crash that outlived its retry says so: the reason is the process's, not the clip's.
        const failure = crashed && !retry ? new JobCrashError(error.reason, `${error.message} (${claim.attempts} attempts)`, error) : AppError.from(error);
        if (workspace.isOpen) await workspace.claims.fail(key, this.#owner, failure.message, { retry });
        if (!retry) throw failure;
      } finally {
        clearInterval(renew);
      }
    }
  }

  /** Cancels every analysis still queued or running and stops the job processes. */
  async dispose(): Promise<void> {
    for (const [jobId, queue] of this.#active) queue.cancel(jobId);
    this.#active.clear();
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** A stored scan checkpoint, or null when the bytes are not one (then the scan starts over). */
function readCheckpoint(bytes: Uint8Array): ScanCheckpoint | null {
  try {
    const value = deserialize(bytes) as Partial<ScanCheckpoint> | null;
    const channels = value?.channels;
    if (!Number.isInteger(value?.next) || !channels || typeof channels !== 'object') return null;
    if (!Object.values(channels).every((values) => values instanceof Float32Array && values.length === value?.next)) return null;
    return value as ScanCheckpoint;
  } catch {
    return null;
  }
}

/** The unit of work: an event's analysis, or a clip's spotting, under one settings key. */
/**
 * The settings key of one clip's analyses: a capture rate other than the container's
 * decides micro / macro and every duration, so an analysis made at another rate is out of
 * date. A clip at its container's rate keeps the settings' own key (analyses made before
 * the rate could be set stay current).
 */
function clipConfigKey(configKey: string, clip: Clip): string {
  if (clip.captureFps === clip.fps) return configKey;
  return createHash('sha256').update(`${configKey}:capture:${clip.captureFps}`).digest('hex').slice(0, 16);
}

function claimKey(configKey: string, clip: Clip, eventId: number | undefined): string {
  return eventId !== undefined ? `analysis:${configKey}:event:${eventId}` : `analysis:${configKey}:clip:${clip.id}`;
}

/** Every clip of the workspace, a page at a time. */
async function* everyClip(workspace: WorkspaceStore): AsyncGenerator<Clip> {
  const limit = 10_000;
  for (let offset = 0; ; offset += limit) {
    const page = await workspace.clips.list({ limit, offset });
    yield* page;
    if (page.length < limit) return;
  }
}

async function someAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
