import { REFERENCE_CROP, ROI_SPECS, type RoiBox } from '@shared/rois';
import type { Point3 } from './types';
import { faceCrop, type FaceCropOptions } from './face-crop';

/**
 * The 29 MELLM ROIs on FaceMesh landmarks. Each region is centred on the mean of a few
 * mesh points (MediaPipe indices; "Left" = the subject's left = image right in a frontal
 * view). Sides are the reference's sizes in 400×480 crop pixels, scaled to this face.
 */
export const ROI_LANDMARKS: Readonly<Record<string, readonly number[]>> = {
  'Left Upper Eyelid Inner': [384],
  'Left Upper Eyelid Center': [386],
  'Left Upper Eyelid Outer': [388],
  'Left Lower Eyelid Inner': [381],
  'Left Lower Eyelid Center': [374],
  'Left Lower Eyelid Outer': [390],
  'Right Upper Eyelid Inner': [157],
  'Right Upper Eyelid Center': [159],
  'Right Upper Eyelid Outer': [161],
  'Right Lower Eyelid Inner': [154],
  'Right Lower Eyelid Center': [145],
  'Right Lower Eyelid Outer': [163],
  'Left Inner Eyebrow': [336, 296, 285, 295],
  'Left Outer Eyebrow': [300, 293, 276, 283],
  'Right Inner Eyebrow': [107, 66, 55, 65],
  'Right Outer Eyebrow': [70, 63, 46, 53],
  'Left Nasal Wing': [294, 278],
  'Right Nasal Wing': [64, 48],
  'Left Mouth Corner': [291],
  'Right Mouth Corner': [61],
  'Upper Lip Left': [269],
  'Upper Lip Center': [0],
  'Upper Lip Right': [39],
  'Lower Lip Left': [405],
  'Lower Lip Center': [17],
  'Lower Lip Right': [181],
  Chin: [199],
  // Cheeks: between the outer eye corner and the mouth corner on the same side.
  'Left Cheek': [263, 291],
  'Right Cheek': [33, 61],
};

/** Cheek side as a fraction of the face's vertical landmark extent (the reference's 0.12·H). */
const CHEEK_FRACTION = 0.12;

export function roiCenter(landmarks: readonly Point3[], region: string): [number, number] {
  const indices = ROI_LANDMARKS[region];
  if (!indices) throw new Error(`Unknown ROI ${region}`);
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += (landmarks[i] as Point3)[0];
    y += (landmarks[i] as Point3)[1];
  }
  return [x / indices.length, y / indices.length];
}

/** The 29 ROI boxes in image pixels, in ROI_SPECS order. */
export function computeRois(landmarks: readonly Point3[], crop: FaceCropOptions = {}): RoiBox[] {
  if (landmarks.length < 468) return [];
  const { scale } = faceCrop(landmarks, crop);
  // Crop options may change the output size; ROI sizes stay defined on the reference crop.
  const perReferencePixel = scale * ((crop.width ?? REFERENCE_CROP.width) / REFERENCE_CROP.width);
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of landmarks) {
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  return ROI_SPECS.map((spec) => {
    const side = spec.size === null ? CHEEK_FRACTION * (maxY - minY) : spec.size * perReferencePixel;
    const [cx, cy] = roiCenter(landmarks, spec.region);
    return { region: spec.region, box: [cx - side / 2, cy - side / 2, side, side] as const };
  });
}
