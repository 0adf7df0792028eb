import { AppError } from '@shared/errors';
import { createFlowField, type FlowField } from '../../inference/flow/types';
import type { Point3 } from '../../inference/face/types';
import type { RgbImage } from '../../media/image';
import { facsString } from '../au-rules';
import { inferEmotion, type ThreeClass } from '../emotion';
import { expressionField, type SynthAu, type SynthSide } from './expression-field';
import { faceFrame } from './face-frame';
import { applyPose, expressionProfile, headPoseAt, invertPose, type HeadMotion, type HeadPose } from './head-motion';
import { invertDisplacement, sampleField, sampleRgb } from './warp';
import { gaussian } from './random';
import type { Intensity } from '../au-table';

/**
 * The synthetic micro-expression generator: a neutral face photo and its 468 FaceMesh
 * landmarks, plus chosen AUs, become a clip whose every frame is an exact backward warp
 * of the photo, with the exact ground-truth flow onset → apex (head and expression
 * parts) and a truth record. Frame t shows photo point p at q = H_t(p + a(t)·F(p)):
 * F is the AUs' apex skin displacement, a(t) the onset → apex → offset profile and
 * H_t the rigid head pose.
 */

export interface SynthOptions {
  readonly photo: RgbImage;
  readonly landmarks: readonly Point3[];
  readonly aus: readonly SynthAu[];
  readonly fps: number;
  readonly frames: number;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly head?: HeadMotion;
  /** Gaussian sensor noise, standard deviation in 8-bit levels (default 0). */
  readonly noise?: number;
  readonly seed?: number;
  /** Overrides the 3-class label derived from the AUs. */
  readonly label?: ThreeClass;
}

export interface SynthTruth {
  readonly fps: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly kind: 'micro' | 'macro';
  readonly aus: ReadonlyArray<{ readonly au: number; readonly side: SynthSide; readonly intensity: Intensity }>;
  readonly facs: string;
  readonly label: ThreeClass | null;
  readonly faceHeight: number;
  readonly head: HeadMotion;
  readonly noise: number;
  readonly seed: number;
}

export interface SynthClip {
  readonly truth: SynthTruth;
  /** Onset → apex ground truth in onset-frame pixels: total = head + expression. */
  readonly flow: { readonly total: FlowField; readonly head: FlowField; readonly expression: FlowField };
  /** The AUs' apex skin displacement over the neutral photo. */
  readonly displacement: FlowField;
  /** Renders frame t (0-based); deterministic for a given seed. */
  render(t: number): RgbImage;
  /** Where the photo's landmarks are in frame t. */
  landmarksAt(t: number): Point3[];
}

function validate(o: SynthOptions): void {
  const ok = Number.isInteger(o.frames) && o.frames >= 3 && o.fps > 0 && Number.isInteger(o.onset) && Number.isInteger(o.apex) && Number.isInteger(o.offset);
  if (!ok || !(o.onset >= 0 && o.onset < o.apex && o.apex < o.offset && o.offset <= o.frames - 1)) {
    throw new AppError('INVALID_INPUT', `Synthesis needs integer frames 0 ≤ onset < apex < offset < frames and fps > 0 (got ${o.onset}/${o.apex}/${o.offset} of ${o.frames} at ${o.fps} fps).`);
  }
  if (o.photo.channels !== 3 || o.photo.data.length !== o.photo.width * o.photo.height * 3) {
    throw new AppError('INVALID_INPUT', 'Synthesis needs an RGB photo.');
  }
}

export function synthesize(options: SynthOptions): SynthClip {
  validate(options);
  const { photo, landmarks, fps, frames, onset, apex, offset } = options;
  const { width, height } = photo;
  const frame = faceFrame(landmarks);
  const displacement = expressionField(width, height, landmarks, frame, options.aus);
  const pose = (t: number): HeadPose => headPoseAt(options.head, frame.center, t, frames);
  const amount = (t: number): number => expressionProfile(t, onset, apex, offset);

  const groundTruth = (): SynthClip['flow'] => {
    const total = createFlowField(width, height);
    const head = createFlowField(width, height);
    const expression = createFlowField(width, height);
    const plane = width * height;
    const [po, pa, so, sa] = [pose(onset), pose(apex), amount(onset), amount(apex)];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const [dx, dy] = invertPose(po, x, y); // deformed point p + a(onset)·F(p)
        const [px, py] = invertDisplacement(displacement, so, dx, dy);
        const [u, v] = sampleField(displacement, px, py);
        const [x1, y1] = applyPose(pa, px + sa * u, py + sa * v);
        const [hx, hy] = applyPose(pa, dx, dy);
        const i = y * width + x;
        total.data[i] = x1 - x;
        total.data[plane + i] = y1 - y;
        head.data[i] = hx - x;
        head.data[plane + i] = hy - y;
        expression.data[i] = x1 - hx;
        expression.data[plane + i] = y1 - hy;
      }
    }
    return { total, head, expression };
  };

  const render = (t: number): RgbImage => {
    if (!Number.isInteger(t) || t < 0 || t >= frames) throw new AppError('INVALID_INPUT', `Frame ${t} is outside 0..${frames - 1}.`);
    const p = pose(t);
    const s = amount(t);
    const noise = options.noise ?? 0;
    const rand = gaussian(((options.seed ?? 1) * 7919 + t) >>> 0);
    const out = new Uint8Array(width * height * 3);
    const rgb = new Float32Array(3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const [dx, dy] = invertPose(p, x, y);
        const [px, py] = invertDisplacement(displacement, s, dx, dy);
        sampleRgb(photo, px, py, rgb, 0);
        const o = (y * width + x) * 3;
        for (let c = 0; c < 3; c += 1) out[o + c] = Math.min(255, Math.max(0, Math.round((rgb[c] as number) + (noise > 0 ? noise * rand() : 0))));
      }
    }
    return { width, height, channels: 3, data: out };
  };

  const landmarksAt = (t: number): Point3[] => {
    const p = pose(t);
    const s = amount(t);
    return landmarks.map(([x, y, z]) => {
      const [u, v] = sampleField(displacement, x, y);
      const [qx, qy] = applyPose(p, x + s * u, y + s * v);
      return [qx, qy, z * p.scale] as Point3;
    });
  };

  const aus = options.aus.map((a) => ({ au: a.au, side: a.side ?? ('B' as const), intensity: a.intensity }));
  const label = options.label ?? inferEmotion(aus.map((a) => ({ au: a.au, confidence: 1, blink: a.au === 45 }))).label;
  const truth: SynthTruth = {
    fps,
    frames,
    width,
    height,
    onset,
    apex,
    offset,
    kind: ((offset - onset) / fps) * 1000 <= 500 ? 'micro' : 'macro',
    aus,
    facs: facsString(aus.map((a) => ({ ...a, blink: a.au === 45 }))),
    label,
    faceHeight: frame.height,
    head: options.head ?? {},
    noise: options.noise ?? 0,
    seed: options.seed ?? 1,
  };
  let flow: SynthClip['flow'] | undefined;
  return {
    truth,
    get flow() {
      flow ??= groundTruth();
      return flow;
    },
    displacement,
    render,
    landmarksAt,
  };
}
