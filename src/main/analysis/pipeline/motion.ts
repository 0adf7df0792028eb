import type { RoiBox } from '@shared/rois';
import { AppError } from '@shared/errors';
import { expressionFlow, type HeadMotion } from '../../inference/flow/expression';
import type { FlowModel } from '../../inference/flow/model';
import type { FlowField } from '../../inference/flow/types';
import { computeRois } from '../../inference/face/rois';
import type { Point3 } from '../../inference/face/types';
import { REFERENCE_CROP } from '@shared/rois';
import type { FrameSequence, GrayImage, RegionStream } from '../../media/image';
import { roiFeatures, type OcclusionMask, type RoiFeature, type RoiReading } from '../roi-features';
import { addSignalFrame } from '../evidence';
import type { MotionSignal } from '../spotting';
import { cropGray, cropRegion, faceHeightOf, landmarksInCrop, type CropGeometry } from './crop';
import { matchBrightness } from './brightness';

/**
 * Expression flow between two face crops and its ROI features, in reference-crop pixels
 * (the MELLM 400 × 480 crop), whatever size the crop was computed at: magnitudes in the
 * prompt then read as the reference's.
 */
export interface CropFace {
  readonly geometry: CropGeometry;
  /** Landmarks in crop pixels. */
  readonly landmarks: readonly Point3[];
  readonly rois: readonly RoiBox[];
  /** Face height in reference-crop pixels. */
  readonly faceHeight: number;
  /** Reference-crop pixels per crop pixel. */
  readonly toReference: number;
  /** Crop pixels glasses or hair cover (occlusion.ts): left out of the ROI features. */
  readonly occlusion?: OcclusionMask;
}

export function cropFace(landmarks: readonly Point3[], geometry: CropGeometry): CropFace {
  const inCrop = landmarksInCrop(landmarks, geometry);
  const toReference = REFERENCE_CROP.width / geometry.width;
  return {
    geometry,
    landmarks: inCrop,
    rois: computeRois(inCrop, { width: geometry.width, height: geometry.height }),
    faceHeight: faceHeightOf(inCrop) * toReference,
    toReference,
  };
}

function scaled(field: FlowField, factor: number): FlowField {
  const data = new Float32Array(field.data.length);
  for (let i = 0; i < data.length; i += 1) data[i] = (field.data[i] as number) * factor;
  return { width: field.width, height: field.height, data };
}

export interface CropMotion {
  /** Expression flow (head motion removed) in reference-crop pixels on the crop grid. */
  readonly flow: FlowField;
  readonly head: HeadMotion;
  readonly features: RoiFeature[];
}

/** Flow a → b on the crops, head motion removed at the stable landmarks (those under glasses left out), ROI features without the covered pixels. */
export async function cropMotion(model: FlowModel, a: GrayImage, b: GrayImage, face: CropFace, signal?: AbortSignal, reading: RoiReading = {}): Promise<CropMotion> {
  const raw = await model.estimate(a, b, signal ? { signal } : {});
  const mask = face.occlusion;
  const covered = mask ? (x: number, y: number) => (mask.mask[Math.min(mask.height - 1, Math.max(0, Math.round(y))) * mask.width + Math.min(mask.width - 1, Math.max(0, Math.round(x)))] as number) > 0 : undefined;
  const { flow, head } = expressionFlow(raw, face.landmarks, 'similarity', covered);
  const reference = scaled(flow, face.toReference);
  return { flow: reference, head, features: roiFeatures(reference, face.rois, face.faceHeight, face.occlusion, reading) };
}

/**
 * How the spotting scan and the apex search read the face's regions: a cheek a glasses rim
 * crosses stays out (reported occluded), as on the signals the session rules were set on
 * (bench/fit/session-signals.ts). Read just below the rim on the spotting crop, it deviates
 * further than the upper lids in a gaze shift under glasses and tremor, so the shift is not
 * set apart as an eye movement and reads as an AU5 micro-expression, and true expressions
 * beside blinks go unspotted. The expression flow still reads the cheek below the rim: AU6
 * needs it.
 */
const MOTION_READING: RoiReading = { cheeksBelowRim: false };

export interface MotionScanOptions {
  readonly lag: number;
  /** Only frames first..last (inclusive) are read; default the whole clip. */
  readonly first?: number;
  readonly last?: number;
  readonly signal?: AbortSignal;
  readonly onFrame?: (index: number) => void;
  /** Every measured frame's ROI features (frames ≥ first + lag), e.g. for per-frame exports. */
  readonly onFeatures?: (frame: number, features: readonly RoiFeature[]) => void;
  /** Continues a scan that stopped (its process died) from its last checkpoint. */
  readonly resume?: ScanCheckpoint | undefined;
  /** A checkpoint is handed out after every this many measured frames (long recordings). */
  readonly checkpointEvery?: number | undefined;
  readonly onCheckpoint?: ((checkpoint: ScanCheckpoint) => void | Promise<void>) | undefined;
  /** Bring each frame to its reference's lighting before the flow (brightness.ts; default on). */
  readonly matchLighting?: boolean | undefined;
  /** The region stream the scan reads from, when the clip has one (for tests of its window). */
  readonly onStream?: ((stream: RegionStream) => void) | undefined;
}

/**
 * The face crops of frames `from`, `from` + 1 … in order. A clip that can stream a region
 * (a video) is decoded once, forward, cut to the pixels the crop reads; any other clip is
 * read frame by frame. Either way only the current frame is held here.
 */
class CropFeed {
  readonly #clip: FrameSequence;
  readonly #geometry: CropGeometry;
  readonly #stream: RegionStream | null = null;
  readonly #streamGeometry: CropGeometry | null = null;
  #next: number;

  constructor(clip: FrameSequence, geometry: CropGeometry, from: number, onStream?: (stream: RegionStream) => void) {
    this.#clip = clip;
    this.#geometry = geometry;
    this.#next = from;
    const cut = clip.streamRegion ? cropRegion(geometry, clip.width, clip.height) : null;
    if (cut && clip.streamRegion) {
      this.#stream = clip.streamRegion(cut.region, from);
      this.#streamGeometry = cut.geometry;
      onStream?.(this.#stream);
    }
  }

  async next(): Promise<GrayImage> {
    const index = this.#next;
    this.#next += 1;
    if (!this.#stream || !this.#streamGeometry) return cropGray(await this.#clip.read(index), this.#geometry);
    const region = await this.#stream.next();
    if (!region) throw new AppError('MEDIA_UNREADABLE', `Frame ${index} of the clip could not be decoded: the stream ends early.`);
    return cropGray(region, this.#streamGeometry);
  }

  close(): void {
    this.#stream?.close();
  }
}

/** Where a scan stands: enough to resume it without measuring a frame twice. */
export interface ScanCheckpoint {
  /** The next frame to measure; the signal of every frame before it is in `channels`. */
  readonly next: number;
  /** ROI name → the spotting signal of frames 0 … next − 1. */
  readonly channels: Readonly<Record<string, Float32Array>>;
}

/**
 * The spotting signal of a clip: for every frame t in first + lag … last, the ROI features
 * of the expression flow from t − lag to t on a small face crop (other frames stay 0).
 * Only lag + 1 crops, the decoder's couple of frames (CropFeed) and one value per ROI and
 * frame are held, so long videos stream through in memory that grows by 116 bytes a frame. A resumed scan re-reads the lag
 * frames before its checkpoint (no flow) and measures on from there: the same signal.
 */
export async function scanMotion(clip: FrameSequence, model: FlowModel, face: CropFace, options: MotionScanOptions): Promise<MotionSignal> {
  const { lag, resume } = options;
  if (!Number.isInteger(lag) || lag < 1) throw new AppError('INVALID_INPUT', `The spotting lag must be a whole number of frames ≥ 1, got ${lag}.`);
  const ring: GrayImage[] = [];
  const first = options.first ?? 0;
  const last = options.last ?? clip.frameCount - 1;
  const length = last + 1;
  const channels: Record<string, Float32Array> = {};
  let start = first;
  if (resume) {
    if (!Number.isInteger(resume.next) || resume.next < first + lag || resume.next > last + 1) {
      throw new AppError('INVALID_INPUT', `A scan of frames ${first}..${last} cannot resume at frame ${resume.next}.`);
    }
    for (const [region, values] of Object.entries(resume.channels)) (channels[region] = new Float32Array(length)).set(values.subarray(0, resume.next));
    start = resume.next;
  }
  const feed = new CropFeed(clip, face.geometry, resume ? start - lag : start, options.onStream);
  const every = options.checkpointEvery ?? 0;
  try {
    if (resume) for (let t = start - lag; t < start; t += 1) ring[t % (lag + 1)] = await feed.next();
    for (let t = start; t <= last; t += 1) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'The analysis was cancelled.');
      const crop = await feed.next();
      ring[t % (lag + 1)] = crop;
      if (t >= first + lag) {
        const reference = ring[(t - lag) % (lag + 1)] as GrayImage;
        const { features } = await cropMotion(model, reference, options.matchLighting === false ? crop : matchBrightness(reference, crop), face, options.signal, MOTION_READING);
        options.onFeatures?.(t, features);
        addSignalFrame(channels, length, t, features);
      }
      options.onFrame?.(t);
      if (every > 0 && t < last && (t + 1 - start) % every === 0 && options.onCheckpoint) {
        await options.onCheckpoint({ next: t + 1, channels: Object.fromEntries(Object.entries(channels).map(([region, values]) => [region, values.slice(0, t + 1)])) });
      }
    }
  } finally {
    feed.close();
  }
  return { lag, channels };
}

/**
 * Face motion of one set of ROI features: the mean of the three strongest non-eyelid ROIs
 * (% of face height) above the median ROI. Residual head motion (what the similarity fit
 * leaves, growing with the time since the onset) moves every ROI alike; an expression
 * moves a few ROIs far more than the rest.
 */
function faceMotion(features: readonly RoiFeature[]): number {
  const values = features
    .filter((f) => !f.region.includes('Upper Eyelid'))
    .map((f) => Math.hypot(f.meanVectorNormalized[0], f.meanVectorNormalized[1]))
    .sort((a, b) => b - a);
  const top = values.slice(0, 3);
  const common = values[Math.floor(values.length / 4)] ?? 0;
  return top.reduce((s, v) => s + v, 0) / Math.max(1, top.length) - common;
}

/** [1, 2, 1] / 4 smoothing, edges clamped: one noisy frame (a coarsely quantised B-frame) cannot win alone. */
function smooth121(values: readonly number[]): number[] {
  const at = (i: number): number => values[Math.min(values.length - 1, Math.max(0, i))] as number;
  return values.map((v, i) => (at(i - 1) + 2 * v + at(i + 1)) / 4);
}

/**
 * The fewest frames from an onset to its apex. No expression reaches its apex within one
 * frame at the capture rates analysed (25 fps and above: 40 ms or less); the first frame after
 * the onset holds what a head tremor's jitter moved, not the expression (seed 7100
 * `tremor_me_010`: true 24D at 10/13/17 spotted from 5, the jitter at frame 6 moved the face
 * 0.19 % of its height, the lip press 0.21 at 13–14, and the apex read at 6 gave no AU). In
 * frames, not seconds: a spotted onset can lag the true one by several frames at 200 fps.
 */
export const MIN_RISE_FRAMES = 2;

/**
 * The apex among `raw[i]`, the face's motion from the onset at frame onset + 1 + i: the
 * highest after [1, 2, 1] smoothing, less a ramp from 0 at the onset to the last frame's
 * motion (the face is neutral again there: what still moves is head-motion residual, which
 * grows with the time since the onset). Frames closer to the onset than `minRise` are not
 * candidates unless nothing else is.
 */
export function apexOfMotions(raw: readonly number[], onset: number, minRise = 1): number {
  const motions = smooth121(raw);
  const residual = Math.max(0, motions[motions.length - 1] ?? 0);
  const first = Math.min(Math.max(0, minRise - 1), Math.max(0, motions.length - 1));
  let best = onset + 1 + first;
  let bestMotion = -Infinity;
  motions.forEach((motion, i) => {
    if (i < first) return;
    const detrended = motion - (residual * (i + 1)) / motions.length;
    if (detrended > bestMotion) [best, bestMotion] = [onset + 1 + i, detrended];
  });
  return best;
}

/**
 * The apex of a spotted interval: the frame that moved farthest from the onset, searched
 * over onset + MIN_RISE_FRAMES … `end` (a frame where the face is neutral again).
 * The moving-reference signal peaks twice (the rise, and its echo when the face returns), so
 * its peak alone can land on the offset; the displacement from the onset cannot.
 */
export async function apexFromOnset(
  clip: FrameSequence,
  model: FlowModel,
  face: CropFace,
  onset: number,
  end: number,
  options: { readonly signal?: AbortSignal | undefined; readonly matchLighting?: boolean | undefined } = {},
): Promise<number> {
  const reference = cropGray(await clip.read(onset), face.geometry);
  const raw: number[] = [];
  for (let t = onset + 1; t <= end; t += 1) {
    const crop = cropGray(await clip.read(t), face.geometry);
    const matched = options.matchLighting === false ? crop : matchBrightness(reference, crop);
    raw.push(faceMotion((await cropMotion(model, reference, matched, face, options.signal, MOTION_READING)).features));
  }
  return apexOfMotions(raw, onset, MIN_RISE_FRAMES);
}
