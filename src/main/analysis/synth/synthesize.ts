import { AppError } from '@shared/errors';
import { createFlowField, type FlowField } from '../../inference/flow/types';
import type { Point3 } from '../../inference/face/types';
import type { RgbImage } from '../../media/image';
import { facsString } from '../au-rules';
import { inferEmotion, type ThreeClass } from '../emotion';
import { expressionField, type SynthAu, type SynthSide } from './expression-field';
import { faceFrame } from './face-frame';
import { applyPose, expressionProfile, headPoseAt, invertPose, type HeadMotion, type HeadPose } from './head-motion';
import { invertDisplacement, sampleField } from './warp';
import { frameWarper, type FrameDeformation } from './warp-frame';
import { deformationAt, deformationScratch, type DeformationScratch } from './deformation';
import { gaussian } from './random';
import type { Intensity } from '../au-table';
import {
  blinkField, bump, checkConfounders, expressionKind, gazeAt, gazeField, speechAt, speechField, tremorAt,
  type Confounders, type SkinLayer, type TruthInterval,
} from './confounders';
import { drawGlasses, glassesShape, type GlassesShape } from './glasses';
import { frameLighting, hasLighting } from './lighting';
import { quantizeFrame, type FrameNoise } from './sensor';

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
  /**
   * Draw the noise from a seeded bank of this many frames (each frame takes one, offset by a
   * few pixels that change every pass through the bank) instead of fresh per frame: a long
   * recording's fresh Gaussian per pixel and frame costs more than its warp. Default 0: fresh.
   */
  readonly noiseBank?: number;
  /** Overrides the 3-class label derived from the AUs. */
  readonly label?: ThreeClass;
  /** Blinks, saccades, speech, further expressions, tremor, glasses, lighting (confounders.ts). */
  readonly confounders?: Confounders;
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
  /** Every interval of the clip with its kind, the expression above first, ordered by onset after it. */
  readonly intervals: readonly TruthInterval[];
  /** The confounders the clip was made with (their own intervals are in `intervals`). */
  readonly confounders: {
    readonly tremor: Confounders['tremor'] | null;
    readonly glasses: Confounders['glasses'] | null;
    readonly lighting: Confounders['lighting'] | null;
  };
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
  /** Where a neutral-photo point of the glasses is drawn in frame t (rigid with the head, plus any slide); null without glasses. */
  glassesPointAt(t: number, x: number, y: number): [number, number] | null;
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

/** How many pixel offsets a bank frame takes in turn, one per pass through the bank. */
const BANK_SHIFTS = 7;

function noiseBank(size: number, length: number, seed: number): Float32Array[] {
  const rand = gaussian((seed * 104729 + 17) >>> 0);
  const planes: Float32Array[] = [];
  for (let k = 0; k < size; k += 1) {
    const plane = new Float32Array(length);
    for (let i = 0; i < length; i += 1) plane[i] = rand();
    planes.push(plane);
  }
  return planes;
}

export function synthesize(options: SynthOptions): SynthClip {
  validate(options);
  const { photo, landmarks, fps, frames, onset, apex, offset } = options;
  const c = options.confounders ?? {};
  checkConfounders(c, frames);
  const { width, height } = photo;
  const frame = faceFrame(landmarks);
  const displacement = expressionField(width, height, landmarks, frame, options.aus);
  const pose = (t: number): HeadPose => {
    const rigid = headPoseAt(options.head, frame.center, t, frames);
    if (!c.tremor) return rigid;
    const [tx, ty] = tremorAt(c.tremor, t, fps);
    return { ...rigid, translate: [rigid.translate[0] + tx, rigid.translate[1] + ty] };
  };
  const layers = skinLayers(options, c, displacement, frame);

  const rest: FrameDeformation = { field: displacement, scale: 0, box: null };
  const deformation = (t: number, scratch?: DeformationScratch): FrameDeformation => deformationAt(layers, width, height, t, scratch) ?? rest;

  const groundTruth = (): SynthClip['flow'] => {
    const total = createFlowField(width, height);
    const head = createFlowField(width, height);
    const expression = createFlowField(width, height);
    const plane = width * height;
    const [po, pa, so, sa] = [pose(onset), pose(apex), deformation(onset), deformation(apex)];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const [dx, dy] = invertPose(po, x, y); // deformed point p + D_onset(p)
        const [px, py] = invertDisplacement(so.field, so.scale, dx, dy);
        const [u, v] = sampleField(sa.field, px, py);
        const [x1, y1] = applyPose(pa, px + sa.scale * u, py + sa.scale * v);
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

  const glasses: GlassesShape | null = c.glasses ? glassesShape(landmarks, frame) : null;
  /** The glasses' slide down the nose at frame t, in photo pixels along −up (smoothstep over the clip, like the head drift). */
  const slideAt = (t: number): [number, number] => {
    const f = frames > 1 ? t / (frames - 1) : 0;
    const s = (c.glasses?.slide ?? 0) * f * f * (3 - 2 * f);
    return [-frame.up[0] * s, -frame.up[1] * s];
  };
  const glassesPointAt = (t: number, x: number, y: number): [number, number] | null => {
    if (!glasses) return null;
    const [sx, sy] = slideAt(t);
    return applyPose(pose(t), x + sx, y + sy);
  };

  const bankSize = options.noiseBank ?? 0;
  if (!(Number.isInteger(bankSize) && bankSize >= 0 && bankSize <= 64)) throw new AppError('INVALID_INPUT', `A noise bank holds 0–64 frames, got ${bankSize}.`);
  const bank = bankSize > 0 && (options.noise ?? 0) > 0 ? noiseBank(bankSize, width * height * 3 + 3 * BANK_SHIFTS, options.seed ?? 1) : null;

  // The warp's buffers, reused frame after frame (render hands out a new byte image each time).
  const rgb = new Float32Array(width * height * 3);
  const scratch = deformationScratch(width, height);
  const warp = frameWarper(photo);

  const render = (t: number): RgbImage => {
    if (!Number.isInteger(t) || t < 0 || t >= frames) throw new AppError('INVALID_INPUT', `Frame ${t} is outside 0..${frames - 1}.`);
    const p = pose(t);
    const noise = options.noise ?? 0;
    warp(p, deformation(t, scratch), rgb);
    if (glasses) {
      // A reflection slides across the lens against the head's movement.
      const glint: [number, number] = [-0.05 * (p.translate[0] * frame.leftward[0] + p.translate[1] * frame.leftward[1]), -0.05 * (p.translate[0] * frame.up[0] + p.translate[1] * frame.up[1])];
      drawGlasses(rgb, width, height, glasses, p, slideAt(t), c.glasses?.reflections ?? true, glint);
    }
    const light = c.lighting && hasLighting(c.lighting) ? frameLighting(c.lighting, t, fps, height) : null;
    const out = new Uint8Array(width * height * 3);
    const frameNoise: FrameNoise = noise > 0 && bank
      ? { kind: 'bank', level: noise, plane: bank[t % bank.length] as Float32Array, shift: 3 * (Math.floor(t / bank.length) % BANK_SHIFTS) }
      : noise > 0 ? { kind: 'fresh', level: noise, normal: gaussian(((options.seed ?? 1) * 7919 + t) >>> 0) } : { kind: 'none' };
    quantizeFrame(rgb, width, light, frameNoise, out);
    return { width, height, channels: 3, data: out };
  };

  const landmarksAt = (t: number): Point3[] => {
    const p = pose(t);
    const { field, scale } = deformation(t);
    return landmarks.map(([x, y, z]) => {
      const [u, v] = sampleField(field, x, y);
      const [qx, qy] = applyPose(p, x + scale * u, y + scale * v);
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
    kind: expressionKind(onset, offset, fps),
    aus,
    facs: facsString(aus.map((a) => ({ ...a, blink: a.au === 45 }))),
    label,
    faceHeight: frame.height,
    head: options.head ?? {},
    noise: options.noise ?? 0,
    seed: options.seed ?? 1,
    intervals: truthIntervals(options, c),
    confounders: { tremor: c.tremor ?? null, glasses: c.glasses ?? null, lighting: c.lighting ?? null },
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
    glassesPointAt,
  };
}

/** The skin's moving parts: the expression above, further expressions, blinks, gaze and speech. */
function skinLayers(o: SynthOptions, c: Confounders, displacement: FlowField, frame: ReturnType<typeof faceFrame>): SkinLayer[] {
  const { width, height } = o.photo;
  const layers: SkinLayer[] = [{ field: displacement, amount: (t) => expressionProfile(t, o.onset, o.apex, o.offset), from: o.onset, to: o.offset }];
  for (const e of c.expressions ?? []) {
    layers.push({ field: expressionField(width, height, o.landmarks, frame, e.aus), amount: (t) => bump(t, e.onset, e.apex, e.offset), from: e.onset, to: e.offset });
  }
  if (c.blinks?.length) {
    const field = blinkField(width, height, o.landmarks, frame);
    for (const b of c.blinks) layers.push({ field, amount: (t) => b.closure * bump(t, b.onset, b.apex, b.offset), from: b.onset, to: b.offset });
  }
  if (c.saccades?.length) {
    const saccades = c.saccades;
    layers.push({ field: gazeField(width, height, o.landmarks, frame), amount: (t) => gazeAt(saccades, t), from: saccades[0]?.onset ?? 0, to: o.frames - 1 });
  }
  if (c.speech?.length) {
    const field = speechField(width, height, o.landmarks, frame);
    for (const s of c.speech) layers.push({ field, amount: (t) => speechAt(s, t, o.fps), from: s.onset, to: s.offset });
  }
  return layers;
}

function truthIntervals(o: SynthOptions, c: Confounders): TruthInterval[] {
  const facs = (aus: SynthOptions['aus']) => facsString(aus.map((a) => ({ au: a.au, side: a.side ?? 'B', intensity: a.intensity, blink: a.au === 45 })));
  const others: TruthInterval[] = [
    ...(c.expressions ?? []).map((e) => ({ kind: expressionKind(e.onset, e.offset, o.fps), onset: e.onset, apex: e.apex, offset: e.offset, facs: facs(e.aus) })),
    ...(c.blinks ?? []).map((b) => ({ kind: 'blink' as const, onset: b.onset, apex: b.apex, offset: b.offset, facs: '45', closure: b.closure })),
    ...(c.saccades ?? []).map((s) => ({ kind: 'gaze' as const, onset: s.onset, apex: s.offset, offset: s.offset })),
    ...(c.speech ?? []).map((s) => ({ kind: 'speech' as const, onset: s.onset, apex: s.onset + Math.min(s.offset - s.onset, Math.max(1, Math.round(o.fps / (2 * s.rate)))), offset: s.offset })),
  ].sort((a, b) => a.onset - b.onset);
  const primary: TruthInterval[] = o.aus.length ? [{ kind: expressionKind(o.onset, o.offset, o.fps), onset: o.onset, apex: o.apex, offset: o.offset, facs: facs(o.aus) }] : [];
  return [...primary, ...others];
}
