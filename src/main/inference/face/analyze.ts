import type { DetectedFace, FaceDetectResult } from '@shared/api/face';
import type { RgbImage } from '../../media/image';
import type { BlazeFaceDetector, FaceDetection } from './blazeface';
import { landmarkBox, windowFromDetection, type FaceMesh, type MeshResult } from './facemesh';
import { computeRois } from './rois';
import type { FaceCropOptions } from './face-crop';

/** The loaded face models: both BlazeFace variants (near and far faces) and FaceMesh. */
export interface FaceModels {
  readonly detectors: readonly BlazeFaceDetector[];
  readonly mesh: FaceMesh;
}

export interface AnalyzeOptions {
  readonly minScore?: number;
  /** FaceMesh presence below this marks a face "low-presence" (and the tracker re-detects). */
  readonly presenceThreshold?: number;
  /** Faces narrower than this (image px) are marked "small". */
  readonly minFaceSize?: number;
  readonly crop?: FaceCropOptions;
}

export const DEFAULT_PRESENCE_THRESHOLD = 0.5;
const DEFAULT_MIN_FACE = 48;

/**
 * Every detector's faces, merged: a face both variants see is kept once, with the higher
 * score. Overlap is measured against the smaller box, since the near-range model draws
 * larger boxes around the same face than the far-range one.
 */
export async function detectFaces(models: FaceModels, image: RgbImage, minScore = 0.5): Promise<FaceDetection[]> {
  const all: FaceDetection[] = [];
  for (const detector of models.detectors) all.push(...(await detector.detect(image, { minScore })));
  all.sort((a, b) => b.score - a.score);
  const kept: FaceDetection[] = [];
  for (const d of all) if (kept.every((k) => overlapOfSmaller(k.box, d.box) < 0.5)) kept.push(d);
  return kept;
}

/** Detection + mesh + ROIs for every face on one image. */
export async function analyzeImage(models: FaceModels, image: RgbImage, frame: number, options: AnalyzeOptions = {}): Promise<FaceDetectResult> {
  const detections = await detectFaces(models, image, options.minScore);
  const faces: DetectedFace[] = [];
  for (const detection of detections) {
    faces.push(describeFace(detection.score, await models.mesh.run(image, windowFromDetection(detection)), options));
  }
  const status = faces.length === 0 ? 'no-face' : faces.length > 1 ? 'multiple-faces' : 'ok';
  return { status, width: image.width, height: image.height, frame, faces };
}

/** A mesh result as the API's face record, with its quality verdict. */
export function describeFace(score: number, mesh: MeshResult, options: AnalyzeOptions = {}): DetectedFace {
  const box = landmarkBox(mesh.landmarks);
  const quality =
    mesh.presence < (options.presenceThreshold ?? DEFAULT_PRESENCE_THRESHOLD)
      ? 'low-presence'
      : box[2] < (options.minFaceSize ?? DEFAULT_MIN_FACE)
        ? 'small'
        : 'ok';
  return {
    box,
    score,
    presence: mesh.presence,
    quality,
    landmarks: mesh.landmarks.map((p) => [p[0], p[1], p[2]]),
    rois: quality === 'ok' ? computeRois(mesh.landmarks, options.crop).map((r) => ({ region: r.region, box: [...r.box] })) : [],
  };
}

function overlapOfSmaller(a: readonly number[], b: readonly number[]): number {
  const inter = intersection(a, b);
  return inter / Math.min((a[2] as number) * (a[3] as number), (b[2] as number) * (b[3] as number));
}

function intersection(a: readonly number[], b: readonly number[]): number {
  const [ax, ay, aw, ah] = a as [number, number, number, number];
  const [bx, by, bw, bh] = b as [number, number, number, number];
  const w = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const h = Math.min(ay + ah, by + bh) - Math.max(ay, by);
  return w <= 0 || h <= 0 ? 0 : w * h;
}

export function boxIou(a: readonly number[], b: readonly number[]): number {
  const inter = intersection(a, b);
  return inter === 0 ? 0 : inter / ((a[2] as number) * (a[3] as number) + (b[2] as number) * (b[3] as number) - inter);
}
