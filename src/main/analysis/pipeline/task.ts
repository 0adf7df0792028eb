import type { AnalyzeReport, StoredFace } from '@shared/api/analysis';
import type { CropFace } from './motion';
import { FaceService } from '../../inference/face/service';
import { describeWithLlm } from '../../inference/llm/describe';
import { defaultLlmPool } from '../../inference/llm/pool';
import { FlowService } from '../../inference/flow/service';
import { MediaLibrary } from '../../media/library';
import type { DescriberLanguage } from '../describer';
import type { FrameMotionScan } from '../frame-motion';
import { analyzeClip, type LlmDescriber } from './pipeline';

/**
 * One clip's analysis as a self-contained task: opens the clip and the models, runs the
 * pipeline, releases everything. The analyze worker runs it in a worker thread; the CLI
 * runs it in-process for a single clip.
 */
export interface AnalyzeTaskInput {
  readonly path: string;
  readonly modelsDir: string;
  readonly onset?: number | undefined;
  readonly apex?: number | undefined;
  readonly offset?: number | undefined;
  readonly faceIndex?: number | undefined;
  /** A Qwen3-family ONNX folder: the LLM writes the description; null → the FACS describer. */
  readonly llmFolder?: string | null | undefined;
  readonly language?: DescriberLanguage | undefined;
  /** Scan the given event's frames too, for the workspace's per-frame rows. */
  readonly frameMotion?: boolean | undefined;
}

export interface AnalyzeTaskOutput {
  readonly report: AnalyzeReport;
  /** The primary expression flow (reference-crop pixels) on the crop grid and its onset crop. */
  readonly overlay: { readonly width: number; readonly height: number; readonly flow: Float32Array; readonly onset: Uint8Array; readonly face: StoredFace } | null;
  /** Per-frame motion of the scan, null when none ran. */
  readonly frameMotion: FrameMotionScan | null;
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
  progress?(done: number, total: number, message?: string): void;
  /** The LLM's description as it is generated. */
  text?(delta: string): void;
}

export async function runAnalyzeTask(input: AnalyzeTaskInput, hooks: TaskHooks = {}): Promise<AnalyzeTaskOutput> {
  const media = new MediaLibrary({ cacheMB: 64 });
  const face = new FaceService(input.modelsDir);
  const flow = new FlowService(input.modelsDir);
  try {
    const { clipId } = await media.open(input.path);
    const reader = await media.reader(clipId);
    const llmFolder = input.llmFolder;
    const llm: LlmDescriber | undefined = llmFolder
      ? async (prompt, signal) => describeWithLlm(prompt, { folder: llmFolder, onDelta: (delta) => hooks.text?.(delta), ...(signal ? { signal } : {}) })
      : undefined;
    const { report, overlay, frameMotion } = await analyzeClip(reader, { face: await face.models(), flow }, {
      onset: input.onset,
      apex: input.apex,
      offset: input.offset,
      faceIndex: input.faceIndex,
      llm,
      language: input.language,
      frameMotion: input.frameMotion,
      signal: hooks.signal,
      onProgress: (done, total, message) => hooks.progress?.(done, total, message),
    });
    return {
      report: { ...report, clip: { ...report.clip, path: input.path } },
      overlay: overlay ? { width: overlay.flow.width, height: overlay.flow.height, flow: overlay.flow.data, onset: overlay.onset.data, face: faceInFrame(overlay.face) } : null,
      frameMotion,
    };
  } finally {
    media.close();
    // The task owns what it loaded: a worker (or the CLI) must not keep an LLM resident.
    await Promise.all([face.dispose(), flow.dispose(), input.llmFolder ? defaultLlmPool.dispose() : undefined]);
  }
}
