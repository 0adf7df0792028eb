import { REFERENCE_CROP } from '@shared/rois';
import type { Point3 } from './types';
import { landmarkBox } from './facemesh';

/**
 * The MELLM face crop: a window of the reference aspect (400 wide × 480 high) centred on
 * the landmarks' box and enlarged by `margin` on each side. ROI sizes are defined in
 * pixels of this crop, so `scale` (image px per crop px) converts them to the image.
 */
export interface FaceCropOptions {
  readonly width?: number;
  readonly height?: number;
  /** Fraction of the landmark box added on every side. */
  readonly margin?: number;
}

export interface FaceCrop {
  /** [x, y, w, h] in image pixels (may extend past the image border). */
  readonly box: readonly [number, number, number, number];
  /** Output size of the crop (the reference 400×480 unless configured). */
  readonly width: number;
  readonly height: number;
  /** Image pixels per crop pixel. */
  readonly scale: number;
}

export function faceCrop(landmarks: readonly Point3[], options: FaceCropOptions = {}): FaceCrop {
  return cropAround(landmarkBox(landmarks), options);
}

export function cropAround(box: readonly [number, number, number, number], options: FaceCropOptions = {}): FaceCrop {
  const width = options.width ?? REFERENCE_CROP.width;
  const height = options.height ?? REFERENCE_CROP.height;
  const margin = options.margin ?? 0.1;
  const [x, y, w, h] = box;
  const needW = w * (1 + 2 * margin);
  const needH = h * (1 + 2 * margin);
  // The smallest window of the target aspect that holds the enlarged box.
  const scale = Math.max(needW / width, needH / height);
  const cw = width * scale;
  const ch = height * scale;
  return { box: [x + w / 2 - cw / 2, y + h / 2 - ch / 2, cw, ch], width, height, scale };
}
