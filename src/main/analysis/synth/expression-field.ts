import { AppError } from '@shared/errors';
import type { Intensity } from '../au-table';
import { createFlowField, type FlowField } from '../../inference/flow/types';
import type { Point3 } from '../../inference/face/types';
import { AU_MOTIONS, SYNTH_AMPLITUDE, type MotionAnchor } from './au-motions';
import { toImage, type FaceFrame } from './face-frame';

export type SynthSide = 'L' | 'R' | 'B';

export interface SynthAu {
  readonly au: number;
  readonly intensity: Intensity;
  /** Default B (both sides). */
  readonly side?: SynthSide;
}

const motionByAu = new Map(AU_MOTIONS.map((m) => [m.au, m]));

interface Placed {
  readonly x: number;
  readonly y: number;
  readonly d: readonly [number, number];
  readonly sigma: number;
}

function placeAnchor(anchor: MotionAnchor, side: SynthSide, landmarks: readonly Point3[], frame: FaceFrame, amplitude: number): Placed[] {
  const groups: Array<[readonly number[] | undefined, 'L' | 'R' | 'C', number]> = [
    [side !== 'L' ? anchor.right : undefined, 'R', 1],
    [side !== 'R' ? anchor.left : undefined, 'L', 1],
    // A one-sided AU moves the midline half as much.
    [anchor.midline, 'C', side === 'B' ? 1 : 0.5],
  ];
  const sigma = (anchor.spread / 100) * frame.height;
  return groups.flatMap(([indices, s, share]) => {
    if (!indices) return [];
    const dir = toImage(frame, anchor.direction, s);
    const norm = Math.hypot(dir[0], dir[1]) || 1;
    const scale = (amplitude * anchor.weight * share) / norm;
    return indices.map((i) => {
      const p = landmarks[i] as Point3;
      return { x: p[0], y: p[1], d: [dir[0] * scale, dir[1] * scale] as const, sigma };
    });
  });
}

/**
 * The apex skin displacement (forward: neutral photo point p moves to p + F(p)) of a set
 * of AUs, as a dense field over the photo. Per AU, anchors blend as Σ g·d / max(1, Σ g)
 * with Gaussian weights g, so overlapping anchors never exceed the AU's amplitude; AUs add.
 */
export function expressionField(width: number, height: number, landmarks: readonly Point3[], frame: FaceFrame, aus: readonly SynthAu[]): FlowField {
  const field = createFlowField(width, height);
  const plane = width * height;
  const num = new Float32Array(2 * plane);
  const den = new Float32Array(plane);
  for (const spec of aus) {
    const motion = motionByAu.get(spec.au);
    if (!motion) throw new AppError('INVALID_INPUT', `AU${spec.au} cannot be synthesised (supported: ${AU_MOTIONS.map((m) => m.au).join(', ')}).`);
    const amplitude = ((SYNTH_AMPLITUDE[spec.intensity] * (motion.amplitudeScale ?? 1)) / 100) * frame.height;
    const placed = motion.anchors.flatMap((a) => placeAnchor(a, spec.side ?? 'B', landmarks, frame, amplitude));
    num.fill(0);
    den.fill(0);
    for (const { x, y, d, sigma } of placed) {
      const reach = Math.ceil(3 * sigma);
      const inv = 1 / (2 * sigma * sigma);
      for (let py = Math.max(0, Math.floor(y - reach)); py <= Math.min(height - 1, Math.ceil(y + reach)); py += 1) {
        for (let px = Math.max(0, Math.floor(x - reach)); px <= Math.min(width - 1, Math.ceil(x + reach)); px += 1) {
          const g = Math.exp(-((px - x) ** 2 + (py - y) ** 2) * inv);
          const i = py * width + px;
          num[i] = (num[i] as number) + g * d[0];
          num[plane + i] = (num[plane + i] as number) + g * d[1];
          den[i] = (den[i] as number) + g;
        }
      }
    }
    for (let i = 0; i < plane; i += 1) {
      const norm = Math.max(1, den[i] as number);
      field.data[i] = (field.data[i] as number) + (num[i] as number) / norm;
      field.data[plane + i] = (field.data[plane + i] as number) + (num[plane + i] as number) / norm;
    }
  }
  return field;
}
