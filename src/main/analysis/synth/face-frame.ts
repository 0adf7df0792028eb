import { AppError } from '@shared/errors';
import type { Point3 } from '../../inference/face/types';

/**
 * The face's own axes, from FaceMesh landmarks: `leftward` points from the subject's
 * right outer eye corner (33) to the left one (263), i.e. image-right in a frontal view;
 * `up` is perpendicular, towards the forehead. Directions given in the subject's frame
 * (outward, up) become image vectors through these axes, so tilted faces work too.
 */
export interface FaceFrame {
  readonly center: readonly [number, number];
  readonly leftward: readonly [number, number];
  readonly up: readonly [number, number];
  /** Vertical landmark extent in pixels (the H the ROI sizes and AU units refer to). */
  readonly height: number;
}

export const FACEMESH_POINTS = 468;
const RIGHT_EYE_OUTER = 33;
const LEFT_EYE_OUTER = 263;

export function faceFrame(landmarks: readonly Point3[]): FaceFrame {
  if (landmarks.length < FACEMESH_POINTS) {
    throw new AppError('INVALID_INPUT', `Synthesis needs the ${FACEMESH_POINTS} FaceMesh landmarks, got ${landmarks.length}.`);
  }
  const r = landmarks[RIGHT_EYE_OUTER] as Point3;
  const l = landmarks[LEFT_EYE_OUTER] as Point3;
  const dx = l[0] - r[0];
  const dy = l[1] - r[1];
  const norm = Math.hypot(dx, dy);
  if (!(norm > 0)) throw new AppError('INVALID_INPUT', 'The FaceMesh eye corners coincide: not a face.');
  let minY = Infinity;
  let maxY = -Infinity;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of landmarks.slice(0, FACEMESH_POINTS)) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    sx += x;
    sy += y;
  }
  const leftward: [number, number] = [dx / norm, dy / norm];
  return {
    center: [sx / FACEMESH_POINTS, sy / FACEMESH_POINTS],
    leftward,
    up: [leftward[1], -leftward[0]],
    height: maxY - minY,
  };
}

/** Image vector of a subject-frame direction [outward, up] on `side` (midline keeps only "up"). */
export function toImage(frame: FaceFrame, [outward, up]: readonly [number, number], side: 'L' | 'R' | 'C'): [number, number] {
  const o = side === 'L' ? outward : side === 'R' ? -outward : 0;
  return [o * frame.leftward[0] + up * frame.up[0], o * frame.leftward[1] + up * frame.up[1]];
}
