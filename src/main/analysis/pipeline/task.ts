import { performance } from 'node:perf_hooks';
import type { AnalyzeReport, PromptFormat, StoredFace } from '@shared/api/analysis';
import { DEFAULT_ANALYSIS_FLOW, type AnalysisFlow } from '@shared/api/flow';
import type { LlmGeneration } from '@shared/llm-generation';
import type { CropFace } from './motion';
import { FaceService } from '../../inference/face/service';
import { describeWithLlm } from '../../inference/llm/describe';
import { LlmPool } from '../../inference/llm/pool';
import type { TemplateRenderer } from '../../inference/llm/template';
import type { SessionGuard } from '../../inference/onnx/session';
import type { ProbedMedia } from '../../media/probe';
import { FlowService } from '../../inference/flow/service';
import { spottingFlow } from '../../inference/flow/variational-presets';
import { MediaLibrary } from '../../media/library';
import type { DescriberLanguage } from '../describer';
import type { FrameMotionScan } from '../frame-motion';
import type { ClassThresholds } from '../spotting';
import type { ScanCheckpoint } from './motion';
import { DEFAULT_FLOW_SIZE, DEFAULT_SPOT_SIZE, analyzeClip, type LlmDescriber, type ScanProgress } from './pipeline';
import type { ScanEta } from './scan-clock';

/** One clip's analysis: what a batch job or the CLI asks the analyzer for. */
export interface AnalyzeTaskInput {
  readonly path: string;
  /** The clip's probe when the caller already made it (a clip is probed once per job). */
  readonly probed?: ProbedMedia | undefined;
  readonly onset?: number | undefined;
  readonly apex?: number | undefined;
  readonly offset?: number | undefined;
  readonly faceIndex?: number | undefined;
  /** A Qwen3-family ONNX folder: the LLM writes the description; null → the FACS describer. */
  readonly llmFolder?: string | null | undefined;
  /** How the prompt is written (default mellm, the reference's text). */
  readonly promptFormat?: PromptFormat | undefined;
  /** How the LLM generates (new-token cap, thinking); absent: the reference's defaults. */
  readonly llmGeneration?: LlmGeneration | undefined;
  readonly language?: DescriberLanguage | undefined;
  /** The flow model and presets (default: the generated presets, balanced / fast). */
  readonly flow?: AnalysisFlow | undefined;
  /** Scan the given event's frames too, for the workspace's per-frame rows. */
  readonly frameMotion?: boolean | undefined;
  /** Resume the spotting scan of a long recording from an earlier run's checkpoint. */
  readonly resume?: ScanCheckpoint | undefined;
  /** Frames between the spotting scan's checkpoints (default 30 s of video). */
  readonly checkpointEvery?: number | undefined;
  /** The rate the face was filmed at (default: the container's); durations and classes use it. */
  readonly captureFps?: number | undefined;
  /** The rate a frame folder was registered with (folders carry none; the reader's default is 30); ignored for videos. */
  readonly sequenceFps?: number | undefined;
  /** The micro / macro boundaries (Settings). */
  readonly classThresholds?: ClassThresholds | undefined;
}

export interface AnalyzeTaskOutput {
  readonly report: AnalyzeReport;
  /** The primary expression flow (reference-crop pixels) on the crop grid and its onset crop. */
  readonly overlay: { readonly width: number; readonly height: number; readonly flow: Float32Array; readonly onset: Uint8Array; readonly face: StoredFace } | null;
  /** Per-frame motion of the scan, null when none ran. */
  readonly frameMotion: FrameMotionScan | null;
  /** The process that ran it and what it had loaded by the end (see AnalyzerStats). */
  readonly process?: AnalyzerStats | undefined;
}

/** What an analyzer's process has loaded: a process that reuses its models keeps `sessions` flat from job to job. */
export interface AnalyzerStats {
  readonly pid: number;
  /** ONNX Runtime sessions created by this analyzer so far (face and flow models; the LLM's are its pool's). */
  readonly sessions: number;
  /** Of those, the ones created while this clip ran: none once the process is warm. */
  readonly sessionsForClip: number;
  /** ONNX Runtime intra-op threads of its flow sessions (null: ONNX Runtime's default). */
  readonly intraOpThreads: number | null;
  /** Clips analysed so far. */
  readonly clips: number;
}

/** The crop face back in frame pixels (pixel centres map as in cropGray), for drawing over the video. */
export function faceInFrame(face: CropFace): StoredFace {
  const [bx, by, bw, bh] = face.geometry.box;
  const sx = bw / face.geometry.width;
  const sy = bh / face.geometry.height;
  const x = (v: number) => bx + (v + 0.5) * sx - 0.5;
  const y = (v: number) => by + (v + 0.5) * sy - 0.5;
  return {
    crop: [bx, by, bw, bh],
    landmarks: face.landmarks.map(([lx, ly]) => [x(lx), y(ly)]),
    rois: face.rois.map(({ region, box: [rx, ry, rw, rh] }) => ({ region, box: [x(rx), y(ry), rw * sx, rh * sy] })),
  };
}

export interface TaskHooks {
  readonly signal?: AbortSignal | undefined;
  /** `scan`: during the spotting scan, frames done / total and the time left. */
  progress?(done: number, total: number, message?: string, scan?: ScanEta): void;
  /** The LLM's description as it is generated. */
  text?(delta: string): void;
  /** The spotting scan's checkpoints (long recordings), with the per-frame rows they cover. */
  checkpoint?(progress: ScanProgress): void;
}

export interface AnalyzerOptions {
  readonly modelsDir: string;
  /** ONNX Runtime intra-op threads for the flow (cores ÷ processes in a pool). */
  readonly intraOpThreads?: number | undefined;
}

/** What an analyzer is given besides its options: services that live outside it. */
export interface AnalyzerDeps {
  /** Renders the LLM folder's chat template: the sandbox (jobs/sandbox.ts), never this process. */
  readonly templates: TemplateRenderer;
  /** Creates a learned flow model's session apart from this process first: the sandbox. */
  readonly sessions?: SessionGuard | undefined;
}

/**
 * Analyses clips with models loaded once: a job process keeps one for every job it
 * takes; the CLI makes one for a single clip. The result is returned, never stored.
 */
export class ClipAnalyzer {
  readonly #media = new MediaLibrary({ cacheMB: 64 });
  readonly #face: FaceService;
  readonly #flow: FlowService;
  readonly #llm: LlmPool;
  readonly #intraOpThreads: number | null;
  #clips = 0;

  constructor(options: AnalyzerOptions, deps: AnalyzerDeps) {
    this.#intraOpThreads = options.intraOpThreads ?? null;
    this.#llm = new LlmPool({ renderer: deps.templates });
    this.#face = new FaceService(options.modelsDir);
    this.#flow = new FlowService(options.modelsDir, { ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}), ...(deps.sessions ? { guard: deps.sessions } : {}) });
  }

  /**
   * Loads the face models and creates the sessions of the default flows at the crop sizes
   * the pipeline uses, so the first clip a job process takes costs what every later one
   * does. ONNX Runtime creates sessions on this thread, one after the other.
   */
  async warm(flow: AnalysisFlow = DEFAULT_ANALYSIS_FLOW): Promise<void> {
    await this.#face.models();
    if (flow.model) return;
    await this.#flow.warm(spottingFlow(flow.spotting), DEFAULT_SPOT_SIZE[0], DEFAULT_SPOT_SIZE[1]);
    await this.#flow.warm(flow.expression, DEFAULT_FLOW_SIZE[0], DEFAULT_FLOW_SIZE[1]);
  }

  stats(since: number = this.#sessions()): AnalyzerStats {
    const sessions = this.#sessions();
    return { pid: process.pid, sessions, sessionsForClip: sessions - since, intraOpThreads: this.#intraOpThreads, clips: this.#clips };
  }

  #sessions(): number {
    return this.#face.sessionsCreated + this.#flow.sessionsCreated;
  }

  async analyze(input: AnalyzeTaskInput, hooks: TaskHooks = {}): Promise<AnalyzeTaskOutput> {
    const sessionsBefore = this.#sessions();
    const { clipId } = await this.#media.open(input.path, input.sequenceFps !== undefined ? { fps: input.sequenceFps } : {}, input.probed);
    // The reader is asked for once and read for as long as the recording takes: not idle.
    const release = this.#media.hold(clipId);
    try {
      const reader = await this.#media.reader(clipId);
      const llmFolder = input.llmFolder;
      // The pipeline's last progress: while the LLM writes, its token count is reported at that step.
      let step = { done: 0, total: 1 };
      const llm: LlmDescriber | undefined = llmFolder
        ? async (prompt, signal) =>
            describeWithLlm(prompt, {
              folder: llmFolder,
              pool: this.#llm,
              ...(input.llmGeneration ?? {}),
              onDelta: (delta) => hooks.text?.(delta),
              onTokens: tokenProgress((generated, cap) => hooks.progress?.(step.done, step.total, `describer: ${generated} / ${cap} tokens`)),
              ...(signal ? { signal } : {}),
            })
        : undefined;
      const flow = input.flow ?? DEFAULT_ANALYSIS_FLOW;
      const { report, overlay, frameMotion } = await analyzeClip(reader, { face: await this.#face.models(), flow: this.#flow }, {
        flowPreset: flow.expression,
        spotPreset: flow.spotting,
        ...(flow.model ? { flowModel: this.#flow.model(flow.model) } : {}),
        onset: input.onset,
        apex: input.apex,
        offset: input.offset,
        faceIndex: input.faceIndex,
        llm,
        promptFormat: input.promptFormat,
        language: input.language,
        frameMotion: input.frameMotion,
        resume: input.resume,
        checkpointEvery: input.checkpointEvery,
        captureFps: input.captureFps,
        classThresholds: input.classThresholds,
        ...(hooks.checkpoint ? { onCheckpoint: hooks.checkpoint } : {}),
        signal: hooks.signal,
        onProgress: (done, total, message, scan) => {
          step = { done, total };
          hooks.progress?.(done, total, message, scan);
        },
      });
      this.#clips += 1;
      return {
        report: { ...report, clip: { ...report.clip, path: input.path } },
        overlay: overlay ? { width: overlay.flow.width, height: overlay.flow.height, flow: overlay.flow.data, onset: overlay.onset.data, face: faceInFrame(overlay.face) } : null,
        frameMotion,
        process: this.stats(sessionsBefore),
      };
    } finally {
      // Frames of a finished clip are not wanted again; the models stay loaded.
      release();
      this.#media.close(clipId);
    }
  }

  async dispose(): Promise<void> {
    this.#media.close();
    await Promise.all([this.#face.dispose(), this.#flow.dispose(), this.#llm.dispose()]);
  }
}

// Progress crosses a process boundary: a few reports a second show a long answer moving.
const TOKEN_PROGRESS_MS = 500;

/** `report` at most every TOKEN_PROGRESS_MS (the first token always): one call per token would flood the job's channel. */
function tokenProgress(report: (generated: number, cap: number) => void): (generated: number, cap: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (generated, cap) => {
    const now = performance.now();
    if (now - last < TOKEN_PROGRESS_MS) return;
    last = now;
    report(generated, cap);
  };
}

/** One clip with models loaded for it alone (the CLI's single analysis). */
export async function runAnalyzeTask(input: AnalyzeTaskInput, options: AnalyzerOptions, deps: AnalyzerDeps, hooks: TaskHooks = {}): Promise<AnalyzeTaskOutput> {
  const analyzer = new ClipAnalyzer(options, deps);
  try {
    return await analyzer.analyze(input, hooks);
  } finally {
    await analyzer.dispose();
  }
}
