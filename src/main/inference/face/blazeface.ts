import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../../media/image';
import { cropToTensor, type CropWindow } from './warp';

/**
 * MediaPipe BlazeFace (keijiro's ONNX exports): NHWC input in [-1, 1]; two heads, a
 * 16×16 grid with 2 anchors and an 8×8 grid with 6 anchors (896 in all), each anchor
 * regressing a box and 6 keypoints in input pixels relative to the anchor centre.
 * MediaPipe's anchor options for both variants reduce to centres at (cell + 0.5)/cells
 * with fixed unit size, so decoding is identical for front-128 and back-256.
 */
export type BlazeFaceVariant = 'front' | 'back';

export const BLAZEFACE_INPUT: Record<BlazeFaceVariant, number> = { front: 128, back: 256 };

/** Keypoint order of the model: subject's right eye, left eye, nose tip, mouth, right ear, left ear. */
export const KEYPOINT = { rightEye: 0, leftEye: 1, noseTip: 2, mouth: 3, rightEar: 4, leftEar: 5 } as const;

export interface FaceDetection {
  /** [x, y, width, height] in image pixels. */
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  /** Six [x, y] keypoints in image pixels, in KEYPOINT order. */
  readonly keypoints: readonly (readonly [number, number])[];
}

export interface DetectOptions {
  readonly minScore?: number;
  readonly iouThreshold?: number;
}

const HEADS = [
  { cells: 16, anchors: 2, scores: 'Identity:0', boxes: 'Identity_2:0' },
  { cells: 8, anchors: 6, scores: 'Identity_1:0', boxes: 'Identity_3:0' },
] as const;

export class BlazeFaceDetector {
  readonly variant: BlazeFaceVariant;
  readonly #session: ort.InferenceSession;
  readonly #input: Float32Array<ArrayBuffer>;

  constructor(session: ort.InferenceSession, variant: BlazeFaceVariant) {
    this.#session = session;
    this.variant = variant;
    const size = BLAZEFACE_INPUT[variant];
    this.#input = new Float32Array(size * size * 3);
  }

  /** All faces above `minScore`, strongest first. */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const size = BLAZEFACE_INPUT[this.variant];
    // Letterbox: the whole image centred in a square, so the aspect ratio is kept.
    const window: CropWindow = { cx: image.width / 2, cy: image.height / 2, size: Math.max(image.width, image.height), angle: 0 };
    cropToTensor(image, window, size, 2 / 255, -1, this.#input);
    const outputs = await this.#session.run({ [this.#session.inputNames[0] as string]: new ort.Tensor('float32', this.#input, [1, size, size, 3]) });
    const raw = decode(outputs, size, options.minScore ?? 0.5);
    const merged = weightedNms(raw, options.iouThreshold ?? 0.3);
    // Normalised letterbox coordinates → image pixels.
    const left = window.cx - window.size / 2;
    const top = window.cy - window.size / 2;
    const toImage = (x: number, y: number): [number, number] => [left + x * window.size, top + y * window.size];
    return merged.map((d) => {
      const [x0, y0] = toImage(d.cx - d.w / 2, d.cy - d.h / 2);
      return {
        box: [x0, y0, d.w * window.size, d.h * window.size],
        score: d.score,
        keypoints: d.keypoints.map(([x, y]) => toImage(x, y)),
      };
    });
  }
}

/** A detection in normalised [0,1] letterbox coordinates. */
interface RawDetection {
  cx: number;
  cy: number;
  w: number;
  h: number;
  score: number;
  keypoints: [number, number][];
}

function decode(outputs: ort.InferenceSession.OnnxValueMapType, size: number, minScore: number): RawDetection[] {
  const found: RawDetection[] = [];
  for (const head of HEADS) {
    const scores = outputs[head.scores]?.data as Float32Array;
    const boxes = outputs[head.boxes]?.data as Float32Array;
    for (let cell = 0; cell < head.cells * head.cells; cell += 1) {
      const ax = ((cell % head.cells) + 0.5) / head.cells;
      const ay = (Math.floor(cell / head.cells) + 0.5) / head.cells;
      for (let a = 0; a < head.anchors; a += 1) {
        const index = cell * head.anchors + a;
        // MediaPipe clips raw logits to ±100 before the sigmoid.
        const logit = Math.max(-100, Math.min(100, scores[index] as number));
        const score = 1 / (1 + Math.exp(-logit));
        if (score < minScore) continue;
        const b = index * 16;
        const at = (k: number) => (boxes[b + k] as number) / size;
        found.push({
          cx: ax + at(0),
          cy: ay + at(1),
          w: at(2),
          h: at(3),
          score,
          keypoints: Array.from({ length: 6 }, (_, k) => [ax + at(4 + 2 * k), ay + at(5 + 2 * k)] as [number, number]),
        });
      }
    }
  }
  return found;
}

/** MediaPipe's weighted NMS: overlapping candidates are blended by score; the group keeps its top score. */
export function weightedNms(candidates: readonly RawDetection[], iouThreshold: number): RawDetection[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: RawDetection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0] as RawDetection;
    const group = remaining.filter((d) => iou(top, d) > iouThreshold);
    const others = remaining.filter((d) => iou(top, d) <= iouThreshold);
    const total = group.reduce((s, d) => s + d.score, 0);
    const blend = (get: (d: RawDetection) => number) => group.reduce((s, d) => s + get(d) * d.score, 0) / total;
    kept.push({
      cx: blend((d) => d.cx),
      cy: blend((d) => d.cy),
      w: blend((d) => d.w),
      h: blend((d) => d.h),
      score: top.score,
      keypoints: top.keypoints.map((_, k) => [blend((d) => d.keypoints[k]![0]), blend((d) => d.keypoints[k]![1])]),
    });
    remaining.splice(0, remaining.length, ...others);
  }
  return kept;
}

function iou(a: RawDetection, b: RawDetection): number {
  const w = Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2);
  const h = Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}
