import { AppError } from '@shared/errors';
import type { Intensity } from '../au-table';
import type { Blink, Confounders, Saccade, Speech, SynthExpression, Tremor } from './confounders';
import type { LightingOptions } from './lighting';
import { SYNTH_PROTOTYPES } from './corpus';
import { uniform } from './random';
import { synthesize, type SynthClip } from './synthesize';
import type { RgbImage } from '../../media/image';
import type { Point3 } from '../../inference/face/types';

/**
 * Where confounders and expressions fall in a recording, drawn from a seed: the same seed
 * gives the same plan. Expressions (micro and macro) never overlap each other, speech or
 * blinks (with a margin), so every truth interval is clean; blinks and saccades never
 * overlap each other; saccades may fall in speech (people look around while talking).
 */

/** Which confounders a clip or session gets. */
export interface ConfounderChoice {
  readonly blinks?: boolean;
  readonly saccades?: boolean;
  readonly speech?: boolean;
  readonly tremor?: boolean;
  readonly glasses?: boolean;
  readonly flicker?: boolean;
}

export const CONFOUNDER_NAMES = ['blinks', 'saccades', 'speech', 'tremor', 'glasses', 'flicker'] as const;
export type ConfounderName = (typeof CONFOUNDER_NAMES)[number];

export interface SessionOptions extends ConfounderChoice {
  readonly seconds: number;
  readonly fps: number;
  readonly seed: number;
  /** Micro-expressions per minute (default 1) and macro-expressions per minute (default 0.6). */
  readonly microPerMinute?: number;
  readonly macroPerMinute?: number;
}

export interface SessionPlan {
  readonly frames: number;
  readonly fps: number;
  readonly seed: number;
  /** The first micro-expression (synthesize's own expression); the rest are in confounders.expressions. */
  readonly primary: SynthExpression;
  readonly confounders: Confounders;
}

const LETTERS: readonly Intensity[] = ['C', 'D', 'E'];
type Span = readonly [number, number];
const overlaps = (spans: readonly Span[], a: number, b: number, margin: number): boolean => spans.some(([s, e]) => a <= e + margin && b >= s - margin);

/** Flicker as a typical indoor lamp on 50 Hz mains with a camera's slow auto-exposure. */
export const FLICKER: LightingOptions = { mains: 50, banding: 0.04, flicker: 0.03, exposureDrift: 0.06, whiteBalanceDrift: 0.03, driftPeriod: 7 };
export const TREMOR: Tremor = { amplitude: 0.5, frequency: 8 };

function randomAus(rand: () => number, letters: readonly Intensity[]): SynthExpression['aus'] {
  const proto = SYNTH_PROTOTYPES[Math.floor(rand() * SYNTH_PROTOTYPES.length)] as readonly number[];
  const side = rand() < 0.2 ? (rand() < 0.5 ? 'L' : 'R') : 'B';
  const intensity = letters[Math.floor(rand() * letters.length)] as Intensity;
  return proto.map((au) => ({ au, side, intensity }));
}

/**
 * Blinks (every 2–6 s, a quarter of them half blinks), saccades (every 2–6 s, 30–60 ms)
 * and speech bouts (4–12 s, pauses 3–10 s) over frames 0..frames − 1, outside `keep`
 * (expression spans the others must leave alone, with `margin` frames around them).
 */
export function placeConfounders(rand: () => number, frames: number, fps: number, choice: ConfounderChoice, keep: readonly Span[], margin: number): Confounders {
  const f = (seconds: number) => Math.max(1, Math.round(seconds * fps));
  const speech: Speech[] = [];
  const sorted = [...keep].sort((a, b) => a[0] - b[0]);
  if (choice.speech) {
    let t = f(0.5 + rand());
    while (t < frames - f(1)) {
      const end = Math.min(frames - 2, t + f(4 + 8 * rand()));
      // A bout is cut short before an expression: the truth keeps them apart.
      const blocked = sorted.find(([s, e]) => t <= e + margin && end >= s - margin);
      const stop = blocked ? blocked[0] - margin - 1 : end;
      if (stop - t >= f(1) && !overlaps(keep, t, stop, margin)) speech.push({ onset: t, offset: stop, rate: 3.5 + 2 * rand(), depth: 0.6 + 0.4 * rand() });
      t = (blocked ? blocked[1] + margin + 1 : end) + f(3 + 7 * rand());
    }
  }
  const blinks: Blink[] = [];
  const taken: Span[] = [];
  if (choice.blinks) {
    for (let t = f(0.3 + 2 * rand()); t < frames - f(0.5); t += f(2 + 4 * rand())) {
      const length = Math.max(3, f(0.15 + 0.2 * rand()));
      const apex = t + Math.max(1, Math.round(length * 0.4));
      if (t + length >= frames || overlaps(keep, t, t + length, margin)) continue;
      blinks.push({ onset: t, apex, offset: t + length, closure: rand() < 0.25 ? 0.4 + 0.3 * rand() : 1 });
      taken.push([t, t + length]);
    }
  }
  // A short clip may have no room where the schedule fell: the first free place then.
  if (choice.blinks && blinks.length === 0) {
    const length = Math.max(3, f(0.2));
    for (let t = 1; t + length < frames - 1; t += 1) {
      if (overlaps(keep, t, t + length, margin)) continue;
      blinks.push({ onset: t, apex: t + Math.max(1, Math.round(length * 0.4)), offset: t + length, closure: 1 });
      taken.push([t, t + length]);
      break;
    }
  }
  const saccades: Saccade[] = [];
  if (choice.saccades) {
    let gaze = 0;
    for (let t = f(0.5 + 2 * rand()); t < frames - f(0.3); t += f(2 + 4 * rand())) {
      const end = t + f(0.03 + 0.03 * rand());
      if (end >= frames || overlaps(keep, t, end, margin) || overlaps(taken, t, end, 1)) continue;
      // A new target at least 0.4 away from the current gaze: a shift worth the name.
      let to = 2 * rand() - 1;
      if (Math.abs(to - gaze) < 0.4) to = gaze > 0 ? gaze - 0.6 : gaze + 0.6;
      gaze = Math.max(-1, Math.min(1, to));
      saccades.push({ onset: t, offset: end, to: gaze });
    }
    for (let t = 1; saccades.length === 0 && t + f(0.04) < frames - 1; t += 1) {
      if (!overlaps(keep, t, t + f(0.04), margin) && !overlaps(taken, t, t + f(0.04), 1)) saccades.push({ onset: t, offset: t + f(0.04), to: 0.8 });
    }
  }
  return {
    ...(blinks.length ? { blinks } : {}),
    ...(saccades.length ? { saccades } : {}),
    ...(speech.length ? { speech } : {}),
    ...(choice.tremor ? { tremor: TREMOR } : {}),
    ...(choice.glasses ? { glasses: {} } : {}),
    ...(choice.flicker ? { lighting: { ...FLICKER, phase: 2 * Math.PI * rand() } } : {}),
  };
}

/**
 * A long recording: sparse micro-expressions (onset → apex 100–200 ms, apex → offset
 * 100–250 ms, intensity C–E), macro-expressions (0.6–2 s, D–E), and the chosen confounders.
 */
export function planSession(o: SessionOptions): SessionPlan {
  if (!(o.seconds >= 5 && o.seconds <= 3600) || !(o.fps > 0 && o.fps <= 1000) || !Number.isInteger(o.seed)) {
    throw new AppError('INVALID_INPUT', `A session needs 5–3600 s at up to 1000 fps and an integer seed (got ${o.seconds} s at ${o.fps} fps).`);
  }
  const rand = uniform(o.seed);
  const frames = Math.round(o.seconds * o.fps);
  const f = (seconds: number) => Math.max(1, Math.round(seconds * o.fps));
  const minutes = o.seconds / 60;
  const micro = Math.max(1, Math.round(minutes * (o.microPerMinute ?? 1)));
  const macro = Math.round(minutes * (o.macroPerMinute ?? 0.6));
  const spans: Span[] = [];
  const expressions: SynthExpression[] = [];
  const gap = f(1.5);
  const place = (rise: number, fall: number, letters: readonly Intensity[]): void => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const onset = f(1) + Math.floor(rand() * Math.max(1, frames - f(2) - rise - fall));
      const offset = onset + rise + fall;
      if (offset >= frames - f(0.5) || overlaps(spans, onset, offset, gap)) continue;
      spans.push([onset, offset]);
      expressions.push({ aus: randomAus(rand, letters), onset, apex: onset + rise, offset });
      return;
    }
    throw new AppError('INVALID_INPUT', `A ${o.seconds}-s session has no room for ${micro} micro- and ${macro} macro-expressions.`);
  };
  for (let i = 0; i < micro; i += 1) place(Math.max(2, f(0.1 + 0.1 * rand())), Math.max(2, f(0.1 + 0.15 * rand())), LETTERS);
  for (let i = 0; i < macro; i += 1) place(f(0.25 + 0.45 * rand()), f(0.35 + 0.9 * rand()), ['D', 'E']);
  const primary = expressions[0] as SynthExpression;
  const rest = expressions.slice(1).sort((a, b) => a.onset - b.onset);
  const confounders = placeConfounders(rand, frames, o.fps, o, spans, f(0.4));
  return { frames, fps: o.fps, seed: o.seed, primary, confounders: { ...confounders, ...(rest.length ? { expressions: rest } : {}) } };
}

/** The session on a face: a clip to render frame by frame (never all at once); `noiseBank` as in SynthOptions. */
export function synthesizeSession(face: { readonly photo: RgbImage; readonly landmarks: readonly Point3[] }, plan: SessionPlan, noise = 0.5, noiseBank = 0): SynthClip {
  const { primary } = plan;
  return synthesize({
    photo: face.photo,
    landmarks: face.landmarks,
    aus: primary.aus,
    fps: plan.fps,
    frames: plan.frames,
    onset: primary.onset,
    apex: primary.apex,
    offset: primary.offset,
    noise,
    noiseBank,
    seed: plan.seed,
    confounders: plan.confounders,
  });
}
