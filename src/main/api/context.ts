import type { WorkspaceService } from '../store/service';
import type { EventHub } from '../app/events';
import type { AnalysisRunner } from '../app/analysis-runner';
import type { JobQueue } from '../jobs/queue';
import type { FrameSource, MediaLibrary } from '../media/library';
import type { FlowService } from '../inference/flow/service';
import type { SettingsStore } from '../settings';
import type { FaceService } from '../inference/face/service';
import type { LlmService } from '../inference/llm/manager';

export type Transport = 'ipc' | 'bridge' | 'direct';

/** Everything handlers may use. Built once per process by createServices(); no Electron here. */
export interface Services {
  readonly events: EventHub;
  readonly settings: SettingsStore;
  /** The open workspace (one SQLite file per corpus) and the recent list. */
  readonly workspaces: WorkspaceService;
  readonly paths: { readonly userData: string; readonly models: string };
  /** Electron's version when running inside the shell, null under plain Node. */
  readonly electronVersion: string | null;
  /** Encodes frames for the frame route; null until the media layer is wired. */
  readonly frames: FrameSource | null;
  /** Background jobs (analysis, import, export, model conversion). */
  readonly jobs: JobQueue;
  /** Face detection, landmarks, ROIs and tracking (models load on first use). */
  readonly face: FaceService;
  /** Language-model folders, verification, generation and downloads. */
  readonly llm: LlmService;
  /** Open clips by id: probe, frame-exact readers, the shared frame cache. */
  readonly media: MediaLibrary;
  /** Optical flow models (generated variational graph, learned drop-ins). */
  readonly flow: FlowService;
  /** End-to-end analyses as background jobs, stored in the open workspace. */
  readonly analysis: AnalysisRunner;
}
