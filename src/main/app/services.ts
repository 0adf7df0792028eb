import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventHub } from './events';
import { ClipChecks } from './clip-checks';
import { MediaRefusedSchema } from '@shared/api';
import { AnalysisRunner, type AnalysisRunnerDeps } from './analysis-runner';
import { JobQueue } from '../jobs/queue';
import { ModelSandbox } from '../jobs/sandbox';
import { MediaLibrary, type FrameSource } from '../media/library';
import { ClipLocator } from './media-roots';
import { ProxyManager } from '../media/proxy-manager';
import { defaultModelsDir, defaultUserDataDir, packagedModelsDir } from '../paths';
import { SettingsStore } from '../settings';
import { WorkspaceService } from '../store/service';
import { FaceService } from '../inference/face/service';
import { LlmService } from '../inference/llm/manager';
import { FlowService } from '../inference/flow/service';
import { analysisBudget } from '../jobs/budget';
import type { NativeDialogs } from './path-picker';

export interface ServiceOptions {
  userDataDir?: string;
  modelsDir?: string;
  electronVersion?: string | null;
  /** An installed app (Electron's app.isPackaged): its models live in the user data folder. */
  packaged?: boolean;
  /** Jobs run at once; analysis saturates both cores of a small machine on its own. */
  jobConcurrency?: number;
  /** Analysis job processes: memory limit, checkpoint spacing. */
  analysis?: Pick<AnalysisRunnerDeps, 'maxMemoryMb' | 'checkpointEvery'>;
  /** The desktop's open/save dialogs (the Electron shell passes them). */
  dialogs?: NativeDialogs;
  /** Keep an idle ffmpeg loaded for the next clip open (the view's processes; see MediaLibrary). */
  spareDecoder?: boolean;
}

/** Everything handlers may use. Built once per process by createServices(); no Electron here. */
export interface Services {
  readonly events: EventHub;
  readonly settings: SettingsStore;
  /** The open workspace (one SQLite file per corpus) and the recent list. */
  readonly workspaces: WorkspaceService;
  readonly paths: { readonly userData: string; readonly models: string };
  /** Electron's version when running inside the shell, null under plain Node. */
  readonly electronVersion: string | null;
  /** Encodes frames for the frame route (the media library). */
  readonly frames: FrameSource | null;
  /** Background jobs (analysis, import, export, model conversion). */
  readonly jobs: JobQueue;
  /** Face detection, landmarks, ROIs and tracking (models load on first use). */
  readonly face: FaceService;
  /** Language-model folders, verification, generation and downloads. */
  readonly llm: LlmService;
  /** Separate, limited processes for what model folders bring: chat templates, a user's ONNX models. */
  readonly sandbox: ModelSandbox;
  /** Open clips by id: probe, frame-exact readers, the shared frame cache. */
  readonly media: MediaLibrary;
  /** Holds writes naming a clip until its checks are done (clip-checks.ts). */
  readonly clipChecks: ClipChecks;
  /** Optical flow models (generated variational graph, learned drop-ins). */
  readonly flow: FlowService;
  /** End-to-end analyses as background jobs, stored in the open workspace. */
  readonly analysis: AnalysisRunner;
  /** Native open/save dialogs in the Electron shell; null under plain Node (the page browses with files.list). */
  readonly dialogs: NativeDialogs | null;
  /** Where this workstation finds a workspace clip (its media roots) and whether the copy is the same media. */
  readonly clipMedia: ClipLocator;
}

/** Builds the services that the Electron shell, the bridge, the CLI and the tests share. */
export function createServices(options: ServiceOptions = {}): Services {
  const userData = options.userDataDir ?? defaultUserDataDir();
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  const events = new EventHub();
  const models = options.modelsDir ?? (options.packaged && !process.env.MELLM_MODELS_DIR ? packagedModelsDir(userData) : defaultModelsDir());
  const settings = new SettingsStore(userData);
  // Analyses at once: one job process per core (jobs/budget.ts).
  const jobs = new JobQueue(events, options.jobConcurrency ?? analysisBudget().processes);
  const proxies = new ProxyManager({ dir: join(userData, 'cache', 'proxies'), jobs });
  const media = new MediaLibrary({
    proxies,
    spareDecoder: options.spareDecoder ?? false,
    onRefused: (clipId, error) => events.emit('media.refused', MediaRefusedSchema.parse({ clipId, code: error.code, message: error.message })),
  });
  void settings.get().then((s) => media.setCacheMB(s.frameCacheMB), () => undefined);
  void settings.get().then((s) => proxies.setLimitMB(s.proxyCacheMB), () => undefined);
  events.subscribe((name, payload) => {
    if (name === 'settings.changed') media.setCacheMB((payload as { frameCacheMB: number }).frameCacheMB);
    if (name === 'settings.changed') void proxies.setLimitMB((payload as { proxyCacheMB: number }).proxyCacheMB).catch(() => undefined);
  });
  const openClip = async (path: string) => media.reader((await media.open(path)).clipId);
  const workspaces = new WorkspaceService(userData);
  const sandbox = new ModelSandbox();
  const clipMedia = new ClipLocator(settings);
  return {
    events,
    settings,
    workspaces,
    paths: { userData, models },
    analysis: new AnalysisRunner({ ...options.analysis, workspaces, jobs, settings, events, paths: { userData, models }, clipMedia }),
    // A user's flow model is loaded in the sandbox first: a model that crashes ONNX Runtime costs that process.
    flow: new FlowService(models, { guard: sandbox }),
    electronVersion: options.electronVersion ?? null,
    frames: media,
    jobs,
    face: new FaceService(models, { openClip }),
    llm: new LlmService({ userData, models }, { renderer: sandbox }),
    sandbox,
    media,
    clipChecks: new ClipChecks(media),
    dialogs: options.dialogs ?? null,
    clipMedia,
  };
}

/** Releases what the services hold (open workspace, model sessions) before the process exits. */
export async function disposeServices(services: Services): Promise<void> {
  await services.analysis.dispose();
  await services.workspaces.close();
  services.media.close();
  await Promise.all([services.face.dispose(), services.flow.dispose(), services.llm.dispose()]);
  await services.sandbox.close();
}
