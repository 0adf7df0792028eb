import type { Intensity } from '../au-table';
import type { SynthAu } from './expression-field';
import type { HeadMotion } from './head-motion';
import { uniform } from './random';
import { synthesize, type SynthClip } from './synthesize';
import type { SynthFace } from './photo';
import type { Confounders } from './confounders';

/**
 * Randomised synthetic micro-expressions for demo corpora and the pipeline benchmark:
 * AU combinations of the CASME II emotion prototypes (a fifth one-sided), ME timing at
 * the clip's frame rate, optional slow head motion, sensor noise and compression.
 */

/** AU combinations seen in CASME II / SAMM codings, covering all three MEGC classes. */
export const SYNTH_PROTOTYPES: ReadonlyArray<readonly number[]> = [
  [6, 12], [12], [1, 2], [1, 2, 25], [1, 2, 5], [9], [10], [4, 7], [1, 4, 15], [1, 2, 4, 20], [14], [17], [24], [15, 17], [4],
];
const LETTERS: readonly Intensity[] = ['B', 'C', 'D', 'E'];

export interface SynthSpec {
  readonly aus: readonly SynthAu[];
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly head?: HeadMotion;
  readonly noise: number;
  /** x264 CRF the clip is encoded with (higher = more compression). */
  readonly crf: number;
  readonly seed: number;
}

export interface SpecOptions {
  readonly frames: number;
  readonly fps: number;
  /** Share of clips with head motion / with noise and strong compression (default 0.3 each). */
  readonly headShare?: number;
  readonly degradeShare?: number;
  readonly headMotion?: boolean;
}

/** One random ME: onset → apex 100–200 ms, apex → offset 100–250 ms, placed inside the clip. */
export function randomSpec(rand: () => number, seed: number, o: SpecOptions, aus?: readonly SynthAu[]): SynthSpec {
  const proto = SYNTH_PROTOTYPES[Math.floor(rand() * SYNTH_PROTOTYPES.length)] as readonly number[];
  const side = rand() < 0.2 ? (rand() < 0.5 ? 'L' : 'R') : 'B';
  const chosen = aus ?? proto.map((au) => ({ au, side, intensity: LETTERS[Math.floor(rand() * LETTERS.length)] as Intensity }));
  const rise = Math.max(2, Math.round(o.fps * (0.1 + 0.1 * rand())));
  const fall = Math.max(2, Math.round(o.fps * (0.1 + 0.15 * rand())));
  const room = Math.max(1, o.frames - 1 - rise - fall - Math.round(0.2 * o.fps));
  const onset = Math.min(o.frames - 2 - rise - fall, Math.round(0.15 * o.fps) + Math.floor(rand() * Math.max(1, room - Math.round(0.15 * o.fps))));
  const moving = o.headMotion ?? rand() < (o.headShare ?? 0.3);
  const degraded = rand() < (o.degradeShare ?? 0.3);
  const head: HeadMotion | undefined = moving
    ? { translate: [(rand() - 0.5) * 6, (rand() - 0.5) * 4], rotateDeg: (rand() - 0.5) * 2, scale: 1 + (rand() - 0.5) * 0.01 }
    : undefined;
  return { aus: chosen, onset, apex: onset + rise, offset: onset + rise + fall, ...(head ? { head } : {}), noise: degraded ? 2 : 0.5, crf: degraded ? 26 : 14, seed };
}

export function randomSpecs(count: number, seed: number, o: SpecOptions, aus?: readonly SynthAu[]): SynthSpec[] {
  const rand = uniform(seed);
  return Array.from({ length: count }, (_, i) => randomSpec(rand, seed * 1000 + i, o, aus));
}

export function synthesizeSpec(face: SynthFace, spec: SynthSpec, o: SpecOptions, confounders?: Confounders): SynthClip {
  return synthesize({
    photo: face.photo,
    landmarks: face.landmarks,
    aus: spec.aus,
    fps: o.fps,
    frames: o.frames,
    onset: spec.onset,
    apex: spec.apex,
    offset: spec.offset,
    ...(spec.head ? { head: spec.head } : {}),
    noise: spec.noise,
    seed: spec.seed,
    ...(confounders ? { confounders } : {}),
  });
}
