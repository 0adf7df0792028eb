import type { RoiBox } from '@shared/rois';

/** A landmark in image pixels; z is FaceMesh's relative depth (same scale as x). */
export type Point3 = readonly [number, number, number];

/** One detected face on one image: box = [x, y, width, height] in image pixels. */
export interface FaceObservation {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  /** The 468 FaceMesh landmarks in image pixels (empty when the mesh did not run). */
  readonly landmarks: readonly Point3[];
  /** FaceMesh face-presence score in [0, 1]. */
  readonly presence: number;
  readonly rois: readonly RoiBox[];
}
