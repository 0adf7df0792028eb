import { extname } from 'node:path';
import type { FaceDetectResult } from '@shared/api/face';
import { AppError } from '@shared/errors';
import { loadImageFile, type FrameSequence } from '../../media/image';
import { modelPath, readManifest } from '../manifest';
import { SessionCache } from '../onnx/session';
import { ensureConvertedModel } from '../onnx/tfjs/generate';
import { analyzeImage, type AnalyzeOptions, type FaceModels } from './analyze';
import { BlazeFaceDetector } from './blazeface';
import { FaceMesh } from './facemesh';
import { trackFace, type FaceTrack, type TrackOptions } from './tracker';
import { counted } from '@shared/count';

/** Opens a video as frames; the media layer provides it (until then, videos are refused). */
export type ClipOpener = (path: string) => Promise<FrameSequence>;

const VIDEO_EXTENSIONS = new Set(['.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg', '.mpeg', '.wmv', '.flv', '.mts']);

/**
 * The face stage behind the API and the CLI: models load lazily on first use (FaceMesh
 * is converted on the spot when models/generated lacks it) and stay loaded until dispose().
 */
export class FaceService {
  readonly #modelsDir: string;
  readonly #sessions: SessionCache;
  #models: Promise<FaceModels> | null = null;
  #openClip: ClipOpener | null;

  constructor(modelsDir: string, options: { sessions?: SessionCache; openClip?: ClipOpener } = {}) {
    this.#modelsDir = modelsDir;
    // One thread per session: these models are small (3–10 ms), and measured on the shared
    // 2-core box a second thread only adds contention.
    this.#sessions = options.sessions ?? new SessionCache({ intraOpThreads: 1, logSeverityLevel: 3 });
    this.#openClip = options.openClip ?? null;
  }

  /** Lets the media layer plug in its frame reader for video files. */
  setClipOpener(open: ClipOpener): void {
    this.#openClip = open;
  }

  models(): Promise<FaceModels> {
    if (!this.#models) {
      this.#models = this.#load();
      this.#models.catch(() => (this.#models = null));
    }
    return this.#models;
  }

  /** Faces on one image file, or on frame `frame` (0-based) of a clip. */
  async detect(path: string, frame = 0, options: AnalyzeOptions = {}): Promise<FaceDetectResult> {
    const clip = await this.#open(path);
    if (frame >= clip.frameCount) {
      throw new AppError('INVALID_INPUT', `Frame ${frame} is out of range: ${path} has ${counted(clip.frameCount, 'frame')} (0-based)`);
    }
    const [models, image] = await Promise.all([this.models(), clip.read(frame)]);
    return analyzeImage(models, image, frame, options);
  }

  async track(clip: FrameSequence, options: TrackOptions = {}): Promise<FaceTrack> {
    return trackFace(await this.models(), clip, options);
  }

  /** ONNX Runtime sessions created so far (see SessionCache.created). */
  get sessionsCreated(): number {
    return this.#sessions.created;
  }

  async dispose(): Promise<void> {
    this.#models = null;
    await this.#sessions.dispose();
  }

  async #open(path: string): Promise<FrameSequence> {
    if (VIDEO_EXTENSIONS.has(extname(path).toLowerCase())) {
      if (!this.#openClip) throw new AppError('MEDIA_UNREADABLE', `Video files are not supported by the face stage yet (${path}); pass an image or a frame exported as an image`);
      return this.#openClip(path);
    }
    const image = await loadImageFile(path);
    return { frameCount: 1, fps: 0, width: image.width, height: image.height, read: async () => image };
  }

  async #load(): Promise<FaceModels> {
    const entries = readManifest(this.#modelsDir).models;
    const npmModel = (id: string) => {
      const entry = entries.find((m) => m.id === id);
      if (!entry) throw new AppError('MODEL_MISSING', `Model ${id} is not in the model manifest`);
      return modelPath(entry, this.#modelsDir);
    };
    const mesh = await ensureConvertedModel(this.#modelsDir, 'facemesh-468');
    const [front, back, meshSession] = await Promise.all([
      this.#sessions.get('blazeface-front-128', npmModel('blazeface-front-128')),
      this.#sessions.get('blazeface-back-256', npmModel('blazeface-back-256')),
      this.#sessions.get('facemesh-468', mesh.path),
    ]);
    return { detectors: [new BlazeFaceDetector(front, 'front'), new BlazeFaceDetector(back, 'back')], mesh: new FaceMesh(meshSession) };
  }
}
