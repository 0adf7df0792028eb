import type { FrameSequence, RgbImage } from '../../media/image';
import { AppError } from '@shared/errors';
import type { Point3 } from './types';
import { boxIou, DEFAULT_PRESENCE_THRESHOLD, detectFaces, type FaceModels } from './analyze';
import { landmarkBox, windowFromDetection, windowFromLandmarks, type MeshResult } from './facemesh';
import { cropAround, type FaceCrop, type FaceCropOptions } from './face-crop';
import type { CropWindow } from './warp';

/**
 * Follows one face through a clip: detect on the first frame, then crop each frame
 * from the previous frame's landmarks (FaceMesh only, the fast path) and fall back to
 * the detector when FaceMesh's presence drops below the threshold.
 */
export interface TrackOptions {
  readonly presenceThreshold?: number;
  readonly minScore?: number;
  readonly crop?: FaceCropOptions;
  readonly signal?: AbortSignal;
  readonly onFrame?: (frame: TrackedFrame) => void;
}

export interface TrackedFrame {
  /** 0-based frame index. */
  readonly index: number;
  /** [x, y, w, h] of the landmarks, or null when the face was lost on this frame. */
  readonly box: readonly [number, number, number, number] | null;
  /** 468 landmarks in image pixels (empty when lost). */
  readonly landmarks: readonly Point3[];
  readonly presence: number;
  /** True when the detector ran on this frame (first frame, or presence dropped). */
  readonly redetected: boolean;
}

export interface FaceTrack {
  readonly frames: readonly TrackedFrame[];
  /** One crop for the whole clip (MELLM 400×480 by default) around the median face box; null if never found. */
  readonly crop: FaceCrop | null;
  readonly lostFrames: readonly number[];
}

export async function trackFace(models: FaceModels, clip: FrameSequence, options: TrackOptions = {}): Promise<FaceTrack> {
  const threshold = options.presenceThreshold ?? DEFAULT_PRESENCE_THRESHOLD;
  const frames: TrackedFrame[] = [];
  let window: CropWindow | null = null;
  let lastBox: readonly number[] | null = null;
  for (let index = 0; index < clip.frameCount; index += 1) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'Face tracking was cancelled');
    const image = await clip.read(index);
    let mesh: MeshResult | null = window ? await models.mesh.run(image, window) : null;
    let redetected = false;
    if (!mesh || mesh.presence < threshold) {
      redetected = true;
      mesh = await redetect(models, image, lastBox, options.minScore);
    }
    const tracked: MeshResult | null = mesh && mesh.presence >= threshold ? mesh : null;
    const frame: TrackedFrame = tracked
      ? { index, box: landmarkBox(tracked.landmarks), landmarks: tracked.landmarks, presence: tracked.presence, redetected }
      : { index, box: null, landmarks: [], presence: mesh?.presence ?? 0, redetected };
    window = tracked ? windowFromLandmarks(tracked.landmarks) : null;
    if (frame.box) lastBox = frame.box;
    frames.push(frame);
    options.onFrame?.(frame);
  }
  const boxes = frames.flatMap((f) => (f.box ? [f.box] : []));
  return {
    frames,
    crop: boxes.length > 0 ? cropAround(medianBox(boxes), options.crop) : null,
    lostFrames: frames.filter((f) => !f.box).map((f) => f.index),
  };
}

/** Detector pass; prefers the face overlapping where the tracked face was, else the strongest. */
async function redetect(models: FaceModels, image: RgbImage, lastBox: readonly number[] | null, minScore?: number): Promise<MeshResult | null> {
  const detections = await detectFaces(models, image, minScore);
  if (detections.length === 0) return null;
  const pick = lastBox ? [...detections].sort((a, b) => boxIou(b.box, lastBox) - boxIou(a.box, lastBox))[0]! : detections[0]!;
  return models.mesh.run(image, windowFromDetection(pick));
}

function medianBox(boxes: readonly (readonly [number, number, number, number])[]): [number, number, number, number] {
  const median = (k: number) => {
    const values = boxes.map((b) => b[k] as number).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] as number;
  };
  return [median(0), median(1), median(2), median(3)];
}
