import { AppError } from '@shared/errors';
import { createFlowField, type FlowField } from '../../inference/flow/types';
import type { Point3 } from '../../inference/face/types';
import type { FaceFrame } from './face-frame';
import type { LightingOptions } from './lighting';
import type { SynthAu } from './expression-field';

/**
 * What happens on a face besides the micro-expression, each with exact truth: blinks and
 * half blinks (the upper lid drawn down), saccades (the irises shift and hold), speech
 * (the jaw and lips open and close at syllable rate), further expressions (micro or macro),
 * head tremor (small fast rigid motion), glasses (drawn over the face, rigid with the head)
 * and lighting (lighting.ts). Skin motions are dense displacement fields scaled per frame,
 * so the truth flow stays exact; glasses and lighting change pixels, never the skin.
 */

/** Upper-eyelid closure: 1 closes the eye, 0.4–0.7 is a half blink. */
export interface Blink {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly closure: number;
}

/** A gaze shift from the gaze held before to `to` (−1 … 1: subject's right … left), onset → offset. */
export interface Saccade {
  readonly onset: number;
  readonly offset: number;
  readonly to: number;
}

/** Talking: the jaw opens `depth` (0–1) at `rate` syllables a second, onset → offset. */
export interface Speech {
  readonly onset: number;
  readonly offset: number;
  readonly rate: number;
  readonly depth: number;
}

/** A further expression in the same recording (micro or macro by its duration). */
export interface SynthExpression {
  readonly aus: readonly SynthAu[];
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
}

/** Small fast rigid head motion: `amplitude` pixels at about `frequency` Hz. */
export interface Tremor {
  readonly amplitude: number;
  readonly frequency: number;
}

/**
 * Eyeglasses: a dark frame around both eyes with a bridge and temples, drawn over the
 * rendered face and moving with the head pose (not with the skin). `slide` lets them slip
 * down the nose by that many pixels over the clip (a frame edge moving on the face).
 */
export interface Glasses {
  readonly slide?: number;
  /** Specular highlights on the lenses (default true). */
  readonly reflections?: boolean;
}

export interface Confounders {
  readonly blinks?: readonly Blink[];
  readonly saccades?: readonly Saccade[];
  readonly speech?: readonly Speech[];
  readonly expressions?: readonly SynthExpression[];
  readonly tremor?: Tremor;
  readonly glasses?: Glasses;
  readonly lighting?: LightingOptions;
}

export type IntervalKind = 'micro' | 'macro' | 'blink' | 'gaze' | 'speech';

/** One truth interval of a recording (0-based frames, inclusive). */
export interface TruthInterval {
  readonly kind: IntervalKind;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** Expressions: the FACS string; blinks: 45 with the closure. */
  readonly facs?: string;
  readonly closure?: number;
}

/** The field's frame-t weight: displacement(t) = Σ amount(t) · field. */
export interface SkinLayer {
  readonly field: FlowField;
  readonly amount: (t: number) => number;
  /** Frames where amount may be non-zero (inclusive). */
  readonly from: number;
  readonly to: number;
}

/** The micro/macro boundary of the field's definitions: the whole expression within 500 ms. */
export const MICRO_MAX_MS = 500;
export const expressionKind = (onset: number, offset: number, fps: number): 'micro' | 'macro' => (((offset - onset) / fps) * 1000 <= MICRO_MAX_MS ? 'micro' : 'macro');

const RIGHT_EYE = { outer: 33, inner: 133, upper: [157, 158, 159, 160, 161], lower: [154, 153, 145, 144, 163], top: 159, bottom: 145, brow: [70, 63, 105, 66, 107] };
const LEFT_EYE = { outer: 263, inner: 362, upper: [384, 385, 386, 387, 388], lower: [381, 380, 374, 373, 390], top: 386, bottom: 374, brow: [300, 293, 334, 296, 336] };
export const EYES = [RIGHT_EYE, LEFT_EYE] as const;
const LOWER_LIP = [84, 181, 17, 314, 405];
const CHIN = [199, 200, 152, 175];
const UPPER_LIP = [37, 39, 0, 267, 269];

const at = (landmarks: readonly Point3[], i: number): Point3 => landmarks[i] as Point3;

/** An eye's centre, width (corner to corner) and opening (upper to lower lid), in photo pixels. */
export function eyeGeometry(landmarks: readonly Point3[], eye: (typeof EYES)[number]): { center: [number, number]; width: number; opening: number } {
  const [o, i] = [at(landmarks, eye.outer), at(landmarks, eye.inner)];
  const [t, b] = [at(landmarks, eye.top), at(landmarks, eye.bottom)];
  return { center: [(o[0] + i[0]) / 2, (o[1] + i[1]) / 2], width: Math.hypot(o[0] - i[0], o[1] - i[1]), opening: Math.max(1, Math.hypot(t[0] - b[0], t[1] - b[1])) };
}

/**
 * Σ over anchors of a displacement d with an anisotropic Gaussian weight (σ along the
 * face's leftward and up axes), blended as Σ g·d / max(1, Σ g) like the AU fields.
 */
function anchoredField(width: number, height: number, frame: FaceFrame, anchors: ReadonlyArray<{ p: readonly [number, number]; d: readonly [number, number]; sx: number; sy: number }>): FlowField {
  const field = createFlowField(width, height);
  const plane = width * height;
  const den = new Float32Array(plane);
  const [lx, ly] = frame.leftward;
  const [ux, uy] = frame.up;
  for (const { p, d, sx, sy } of anchors) {
    const reach = Math.ceil(3 * Math.max(sx, sy));
    for (let y = Math.max(0, Math.floor(p[1] - reach)); y <= Math.min(height - 1, Math.ceil(p[1] + reach)); y += 1) {
      for (let x = Math.max(0, Math.floor(p[0] - reach)); x <= Math.min(width - 1, Math.ceil(p[0] + reach)); x += 1) {
        const a = (x - p[0]) * lx + (y - p[1]) * ly;
        const b = (x - p[0]) * ux + (y - p[1]) * uy;
        const g = Math.exp(-(a * a) / (2 * sx * sx) - (b * b) / (2 * sy * sy));
        const i = y * width + x;
        field.data[i] = (field.data[i] as number) + g * d[0];
        field.data[plane + i] = (field.data[plane + i] as number) + g * d[1];
        den[i] = (den[i] as number) + g;
      }
    }
  }
  for (let i = 0; i < plane; i += 1) {
    const n = Math.max(1, den[i] as number);
    field.data[i] = (field.data[i] as number) / n;
    field.data[plane + i] = (field.data[plane + i] as number) / n;
  }
  return field;
}

/** Share of the lid opening the upper lid travels at closure 1 (the lashes meet before the lid does). */
export const LID_TRAVEL = 0.8;

/** The upper lids drawn down by LID_TRAVEL of each eye's opening: a full blink at amount 1. */
export function blinkField(width: number, height: number, landmarks: readonly Point3[], frame: FaceFrame): FlowField {
  return anchoredField(width, height, frame, EYES.map((eye) => {
    const g = eyeGeometry(landmarks, eye);
    const travel = LID_TRAVEL * g.opening;
    // One anchor per lid, so the blend never saturates below it: the lower lid keeps ~70 %
    // of the opening's travel back, and the steepest fall (0.61·travel/σ) stays under 1 (no fold).
    const top = at(landmarks, eye.top);
    return { p: [top[0], top[1]] as const, d: [-frame.up[0] * travel, -frame.up[1] * travel] as const, sx: g.width / 3, sy: 0.65 * g.opening };
  }));
}

/** Iris shift per unit of gaze, in eye widths. */
export const GAZE_SHIFT = 0.12;

/** Both irises shifted leftward (the subject's left) by GAZE_SHIFT eye widths at amount 1. */
export function gazeField(width: number, height: number, landmarks: readonly Point3[], frame: FaceFrame): FlowField {
  return anchoredField(width, height, frame, EYES.map((eye) => {
    const g = eyeGeometry(landmarks, eye);
    const s = GAZE_SHIFT * g.width;
    return { p: g.center, d: [frame.leftward[0] * s, frame.leftward[1] * s] as const, sx: g.width / 5, sy: g.opening / 2 };
  }));
}

/** Jaw drop of speech at depth 1: lower lip and chin down 1.6 % of the face height, upper lip up a little. */
export function speechField(width: number, height: number, landmarks: readonly Point3[], frame: FaceFrame): FlowField {
  const drop = 0.016 * frame.height;
  const sigma = 0.035 * frame.height;
  const down = [-frame.up[0] * drop, -frame.up[1] * drop] as const;
  const up = [frame.up[0] * drop * 0.2, frame.up[1] * drop * 0.2] as const;
  const point = (i: number) => [at(landmarks, i)[0], at(landmarks, i)[1]] as const;
  return anchoredField(width, height, frame, [
    ...LOWER_LIP.map((i) => ({ p: point(i), d: down, sx: sigma * 1.5, sy: sigma })),
    ...CHIN.map((i) => ({ p: point(i), d: down, sx: sigma * 2, sy: sigma * 1.5 })),
    ...UPPER_LIP.map((i) => ({ p: point(i), d: up, sx: sigma * 1.5, sy: sigma * 0.6 })),
  ]);
}

/** Raised-cosine bump onset → apex → offset (the expression profile of head-motion.ts). */
export function bump(t: number, onset: number, apex: number, offset: number): number {
  if (t <= onset || t >= offset) return 0;
  const x = t <= apex ? (t - onset) / (apex - onset) : (offset - t) / (offset - apex);
  return 0.5 * (1 - Math.cos(Math.PI * x));
}

const smoothstep = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

/** The gaze at frame t (−1 … 1): each saccade moves it from the gaze before to its target and holds. */
export function gazeAt(saccades: readonly Saccade[], t: number): number {
  let gaze = 0;
  for (const s of saccades) {
    if (t <= s.onset) break;
    gaze += (s.to - gaze) * smoothstep((t - s.onset) / (s.offset - s.onset));
  }
  return gaze;
}

/** Jaw opening at frame t of a speech bout: syllables at `rate`, faded in and out over 150 ms. */
export function speechAt(s: Speech, t: number, fps: number): number {
  if (t <= s.onset || t >= s.offset) return 0;
  const tau = (t - s.onset) / fps;
  const fade = Math.min(1, tau / 0.15, (s.offset - t) / fps / 0.15);
  return s.depth * fade * 0.5 * (1 - Math.cos(2 * Math.PI * s.rate * tau));
}

/** Rigid tremor offset at frame t: two incommensurate sinusoids per axis, so it never repeats exactly. */
export function tremorAt(tremor: Tremor | undefined, t: number, fps: number): [number, number] {
  if (!tremor) return [0, 0];
  const tau = t / fps;
  const w = 2 * Math.PI * tremor.frequency;
  return [
    tremor.amplitude * (0.7 * Math.sin(w * tau) + 0.3 * Math.sin(w * 1.618 * tau + 1)),
    tremor.amplitude * (0.6 * Math.sin(w * 1.13 * tau + 2) + 0.4 * Math.sin(w * 0.71 * tau + 0.5)),
  ];
}

export function checkConfounders(c: Confounders, frames: number): void {
  const frame = (v: number) => Number.isInteger(v) && v >= 0 && v < frames;
  const fail = (what: string) => {
    throw new AppError('INVALID_INPUT', `Synthesis confounders: ${what} (frames 0..${frames - 1}).`);
  };
  for (const b of c.blinks ?? []) {
    if (!(frame(b.onset) && frame(b.offset) && b.onset < b.apex && b.apex < b.offset)) fail(`a blink needs onset < apex < offset, got ${b.onset}/${b.apex}/${b.offset}`);
    if (!(b.closure > 0 && b.closure <= 1)) fail(`a blink's closure must be in (0, 1], got ${b.closure}`);
  }
  let last = -1;
  for (const s of c.saccades ?? []) {
    if (!(frame(s.onset) && frame(s.offset) && s.onset < s.offset && s.onset >= last)) fail(`saccades need onset < offset, in order, got ${s.onset}/${s.offset}`);
    if (!(Math.abs(s.to) <= 1)) fail(`a saccade's target must be −1…1, got ${s.to}`);
    last = s.offset;
  }
  for (const s of c.speech ?? []) {
    if (!(frame(s.onset) && frame(s.offset) && s.onset < s.offset)) fail(`speech needs onset < offset, got ${s.onset}/${s.offset}`);
    if (!(s.rate > 0 && s.rate <= 10 && s.depth > 0 && s.depth <= 1)) fail(`speech needs a rate in (0, 10] syllables/s and a depth in (0, 1], got ${s.rate}/${s.depth}`);
  }
  for (const e of c.expressions ?? []) {
    if (!(frame(e.onset) && frame(e.offset) && e.onset < e.apex && e.apex < e.offset)) fail(`an expression needs onset < apex < offset, got ${e.onset}/${e.apex}/${e.offset}`);
  }
  if (c.tremor && !(c.tremor.amplitude >= 0 && c.tremor.amplitude <= 5 && c.tremor.frequency > 0 && c.tremor.frequency <= 30)) fail(`tremor needs 0–5 px at up to 30 Hz, got ${c.tremor.amplitude} px at ${c.tremor.frequency} Hz`);
  if (c.glasses?.slide !== undefined && !(Math.abs(c.glasses.slide) <= 20)) fail(`glasses slide at most 20 px, got ${c.glasses.slide}`);
}
