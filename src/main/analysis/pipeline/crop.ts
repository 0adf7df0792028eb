import { AppError } from '@shared/errors';
import type { FrameRegion, FrameSequence, GrayImage, RgbImage } from '../../media/image';
import type { Point3 } from '../../inference/face/types';
import type { FaceCrop } from '../../inference/face/face-crop';

/**
 * The face crop every flow of a clip is computed on: one window (image pixels) chosen
 * once per clip, resampled to a fixed size. Flow, landmarks and ROIs then all live in
 * crop pixels, so a small crop makes the whole motion stage cheap.
 */
export interface CropGeometry {
  /** [x, y, w, h] of the window in image pixels. */
  readonly box: readonly [number, number, number, number];
  readonly width: number;
  readonly height: number;
}

export function cropGeometry(crop: FaceCrop, width: number, height: number): CropGeometry {
  return { box: crop.box, width, height };
}

/** BT.601 luma of the window, bilinear, outside the image clamped to its border. */
export function cropGray(image: RgbImage, geometry: CropGeometry): GrayImage {
  const { width, height } = geometry;
  const [bx, by, bw, bh] = geometry.box;
  const sx = bw / width;
  const sy = bh / height;
  const out = new Uint8Array(width * height);
  const { data, width: iw, height: ih } = image;
  const luma = (x: number, y: number): number => {
    const o = (y * iw + x) * 3;
    return 0.299 * (data[o] as number) + 0.587 * (data[o + 1] as number) + 0.114 * (data[o + 2] as number);
  };
  for (let y = 0; y < height; y += 1) {
    const fy = Math.min(Math.max(by + (y + 0.5) * sy - 0.5, 0), ih - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, ih - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x += 1) {
      const fx = Math.min(Math.max(bx + (x + 0.5) * sx - 0.5, 0), iw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, iw - 1);
      const wx = fx - x0;
      const top = luma(x0, y0) * (1 - wx) + luma(x1, y0) * wx;
      const bottom = luma(x0, y1) * (1 - wx) + luma(x1, y1) * wx;
      out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, channels: 1, data: out };
}

/**
 * The whole-pixel region of an image that `cropGray(image, geometry)` reads (its bilinear
 * taps and a 2-pixel margin, on even coordinates), and the geometry that crops the same
 * pixels from that region alone; null when no even region fits (odd frame sizes). A
 * decoder cut to the region then yields exactly the crop of the full frame.
 */
export function cropRegion(geometry: CropGeometry, imageWidth: number, imageHeight: number): { region: FrameRegion; geometry: CropGeometry } | null {
  const [bx, by, bw, bh] = geometry.box;
  const span = (start: number, size: number, count: number, limit: number): [number, number] | null => {
    const step = size / count;
    const lo = Math.min(Math.max(start + 0.5 * step - 0.5, 0), limit - 1);
    const hi = Math.min(Math.max(start + (count - 0.5) * step - 0.5, 0), limit - 1);
    const from = Math.max(0, Math.floor(lo) - 2);
    const to = Math.min(limit, Math.floor(hi) + 4);
    const even = [from - (from % 2), to + (to % 2)] as [number, number];
    return even[1] <= limit && even[1] > even[0] ? even : null;
  };
  const xs = span(bx, bw, geometry.width, imageWidth);
  const ys = span(by, bh, geometry.height, imageHeight);
  if (!xs || !ys) return null;
  return {
    region: { x: xs[0], y: ys[0], width: xs[1] - xs[0], height: ys[1] - ys[0] },
    geometry: { box: [bx - xs[0], by - ys[0], bw, bh], width: geometry.width, height: geometry.height },
  };
}

/** Pixel-wise mean of same-size crops: averaging frames cuts sensor and compression noise by about √n. */
export function meanGray(crops: readonly GrayImage[]): GrayImage {
  const [first] = crops;
  if (!first) throw new AppError('INVALID_INPUT', 'Averaging needs at least one frame.');
  if (crops.length === 1) return first;
  const sum = new Float32Array(first.data.length);
  for (const crop of crops) for (let i = 0; i < sum.length; i += 1) sum[i] = (sum[i] as number) + (crop.data[i] as number);
  const out = new Uint8Array(sum.length);
  for (let i = 0; i < sum.length; i += 1) out[i] = Math.round((sum[i] as number) / crops.length);
  return { width: first.width, height: first.height, channels: 1, data: out };
}

/** Up to `count` frames just before `frame` (clamped at 0). */
export const framesBefore = (frame: number, count: number): number[] => Array.from({ length: Math.max(0, Math.min(count, frame)) }, (_, i) => frame - 1 - i);

/** `count` frames centred on `frame`, kept inside [min, max]. */
export function framesAround(frame: number, count: number, min: number, max: number): number[] {
  const start = frame - Math.floor((count - 1) / 2);
  return Array.from({ length: Math.max(1, count) }, (_, i) => start + i).filter((t) => t >= min && t <= max);
}

/** The crops of the given frames, read one after the other. */
export async function cropsAt(clip: FrameSequence, geometry: CropGeometry, frames: readonly number[]): Promise<GrayImage[]> {
  const crops: GrayImage[] = [];
  for (const t of frames) crops.push(cropGray(await clip.read(t), geometry));
  return crops;
}

/** Image-pixel landmarks in crop pixels (z scaled alike). */
export function landmarksInCrop(landmarks: readonly Point3[], geometry: CropGeometry): Point3[] {
  const [bx, by, bw, bh] = geometry.box;
  const sx = geometry.width / bw;
  const sy = geometry.height / bh;
  return landmarks.map(([x, y, z]) => [(x - bx + 0.5) * sx - 0.5, (y - by + 0.5) * sy - 0.5, z * sx] as Point3);
}

/** Vertical extent of the landmarks: the face height the ROI features normalise by. */
export function faceHeightOf(landmarks: readonly Point3[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const p of landmarks) {
    min = Math.min(min, p[1]);
    max = Math.max(max, p[1]);
  }
  return max - min;
}

const RIGHT_EYE_OUTER = 33;
const LEFT_EYE_OUTER = 263;

/**
 * In-plane tilt of the face (radians): the angle of the line from the subject's right outer
 * eye corner to the left one (FaceMesh 33 → 263) in image axes (y down): 0 upright,
 * positive when the subject's left eye sits lower in the image.
 */
export function faceRollOf(landmarks: readonly Point3[]): number {
  const r = landmarks[RIGHT_EYE_OUTER];
  const l = landmarks[LEFT_EYE_OUTER];
  return r && l ? Math.atan2(l[1] - r[1], l[0] - r[0]) : 0;
}
