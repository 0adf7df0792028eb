import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../../media/image';
import type { Point3 } from './types';
import { KEYPOINT, type FaceDetection } from './blazeface';
import { cropToImage, cropToTensor, type CropWindow } from './warp';

/**
 * MediaPipe FaceMesh (converted from human's TF.js model): a 192×192 RGB crop in [0, 1],
 * rotated so the eyes are level; outputs 468 (x, y, z) in crop pixels and a face flag
 * that the graph already passes through a sigmoid (so it is the presence probability).
 */
export const FACEMESH_INPUT = 192;
export const LANDMARK_COUNT = 468;
/** Eye corners MediaPipe uses to level the crop when tracking (subject's right outer, left outer). */
const RIGHT_EYE_OUTER = 33;
const LEFT_EYE_OUTER = 263;
/** How much larger than the face the crop is (MediaPipe's 1.5). */
export const CROP_SCALE = 1.5;

export interface MeshResult {
  readonly landmarks: Point3[];
  readonly presence: number;
  readonly window: CropWindow;
}

export class FaceMesh {
  readonly #session: ort.InferenceSession;
  readonly #input = new Float32Array(FACEMESH_INPUT * FACEMESH_INPUT * 3);

  constructor(session: ort.InferenceSession) {
    this.#session = session;
  }

  async run(image: RgbImage, window: CropWindow): Promise<MeshResult> {
    cropToTensor(image, window, FACEMESH_INPUT, 1 / 255, 0, this.#input);
    const input = new ort.Tensor('float32', this.#input, [1, FACEMESH_INPUT, FACEMESH_INPUT, 3]);
    const outputs = await this.#session.run({ input_1: input }, ['output_mesh', 'output_faceflag']);
    const mesh = outputs['output_mesh']?.data as Float32Array;
    const presence = (outputs['output_faceflag']?.data as Float32Array)[0] as number;
    const zScale = window.size / FACEMESH_INPUT;
    const landmarks: Point3[] = [];
    for (let i = 0; i < LANDMARK_COUNT; i += 1) {
      const [x, y] = cropToImage(window, FACEMESH_INPUT, mesh[3 * i] as number, mesh[3 * i + 1] as number);
      landmarks.push([x, y, (mesh[3 * i + 2] as number) * zScale]);
    }
    return { landmarks, presence, window };
  }
}

/** The crop for a fresh detection: its box enlarged, rotated so the eye keypoints are level. */
export function windowFromDetection(detection: FaceDetection, scale = CROP_SCALE): CropWindow {
  const [x, y, w, h] = detection.box;
  const right = detection.keypoints[KEYPOINT.rightEye] as readonly [number, number];
  const left = detection.keypoints[KEYPOINT.leftEye] as readonly [number, number];
  return { cx: x + w / 2, cy: y + h / 2, size: Math.max(w, h) * scale, angle: Math.atan2(left[1] - right[1], left[0] - right[0]) };
}

/** The crop for the next frame from this frame's landmarks: their box in the eye-levelled frame, enlarged. */
export function windowFromLandmarks(landmarks: readonly Point3[], scale = CROP_SCALE): CropWindow {
  const right = landmarks[RIGHT_EYE_OUTER] as Point3;
  const left = landmarks[LEFT_EYE_OUTER] as Point3;
  const angle = Math.atan2(left[1] - right[1], left[0] - right[0]);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (const [x, y] of landmarks) {
    const u = x * cos + y * sin;
    const v = -x * sin + y * cos;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return { cx: cu * cos - cv * sin, cy: cu * sin + cv * cos, size: Math.max(maxU - minU, maxV - minV) * scale, angle };
}

/** Axis-aligned [x, y, w, h] of the landmarks in image pixels. */
export function landmarkBox(landmarks: readonly Point3[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of landmarks) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX - minX, maxY - minY];
}
