import type { Intensity } from '../au-table';

/**
 * How each synthesised AU moves the skin: FaceMesh-468 anchor landmarks, the direction
 * of their motion in the subject's frame (outward, up) and a spread. A synthetic AU is
 * a Gaussian-weighted displacement around its anchors, so what moves and where it moves
 * follows the FACS appearance changes encoded as evidence in ../au-table.ts.
 *
 * FaceMesh indices (subject's right / subject's left; the subject's left is image-right):
 *   inner brow 107, 55, 66 / 336, 285, 296       outer brow 70, 46, 63 / 300, 276, 293
 *   mid brow 105 / 334                           upper lid 157–161 / 384–388 (inner → outer)
 *   lower lid 154, 153, 145, 144, 163 / 381, 380, 374, 373, 390 (inner → outer)
 *   cheek 205, 50, 117 / 425, 280, 346
 *   nasal wing 129, 98, 48 / 358, 327, 278       mouth corner 61 / 291
 *   upper lip (outer) 37, 39 / 267, 269, mid 0   lower lip (outer) 84, 181 / 314, 405, mid 17
 *   chin boss 199, 200 (midline)
 */

export type AnchorSide = 'L' | 'R' | 'C';

export interface MotionAnchor {
  /** FaceMesh landmark indices on the subject's right; `left` mirrors them. Midline anchors use `midline`. */
  readonly right?: readonly number[];
  readonly left?: readonly number[];
  readonly midline?: readonly number[];
  /** Unit-free direction in the subject's frame: [outward, up]. */
  readonly direction: readonly [number, number];
  /** Share of the AU's amplitude at these anchors. */
  readonly weight: number;
  /** Gaussian spread in percent of the face height. */
  readonly spread: number;
}

export interface AuMotion {
  readonly au: number;
  readonly anchors: readonly MotionAnchor[];
  /** Scales the amplitude (a blink travels much further than a brow twitch). */
  readonly amplitudeScale?: number;
}

const BROW = 4;
const LID = 1.5;
const MOUTH = 3;
const CHEEK = 6;
const UPPER_LID_R = [157, 158, 159, 160, 161];
const UPPER_LID_L = [384, 385, 386, 387, 388];
const LOWER_LID_R = [154, 153, 145, 144, 163];
const LOWER_LID_L = [381, 380, 374, 373, 390];

export const AU_MOTIONS: readonly AuMotion[] = [
  { au: 1, anchors: [
    { right: [107, 55, 66], left: [336, 285, 296], direction: [0, 1], weight: 1, spread: BROW },
    { right: [105], left: [334], direction: [0, 1], weight: 0.4, spread: BROW },
  ] },
  { au: 2, anchors: [
    { right: [70, 46, 63], left: [300, 276, 293], direction: [0, 1], weight: 1, spread: BROW },
    { right: [105], left: [334], direction: [0, 1], weight: 0.5, spread: BROW },
  ] },
  { au: 4, anchors: [
    { right: [107, 55, 66], left: [336, 285, 296], direction: [-0.6, -0.8], weight: 1, spread: BROW },
    { right: [105], left: [334], direction: [-0.3, -1], weight: 0.5, spread: BROW },
  ] },
  { au: 5, anchors: [{ right: UPPER_LID_R, left: UPPER_LID_L, direction: [0, 1], weight: 1, spread: LID }] },
  { au: 6, anchors: [
    { right: [205, 50, 117], left: [425, 280, 346], direction: [0.2, 1], weight: 1, spread: CHEEK },
    { right: LOWER_LID_R, left: LOWER_LID_L, direction: [0, 1], weight: 0.5, spread: LID },
  ] },
  { au: 7, anchors: [
    { right: LOWER_LID_R, left: LOWER_LID_L, direction: [0, 1], weight: 1, spread: LID },
    { right: [159], left: [386], direction: [0, -1], weight: 0.3, spread: LID },
  ] },
  { au: 9, anchors: [
    { right: [129, 98, 48], left: [358, 327, 278], direction: [-0.3, 1], weight: 1, spread: MOUTH },
    { right: [55], left: [285], direction: [0, -1], weight: 0.3, spread: BROW },
  ] },
  { au: 10, anchors: [
    { right: [37, 39], left: [267, 269], direction: [0, 1], weight: 1, spread: MOUTH },
    { midline: [0], direction: [0, 1], weight: 1, spread: MOUTH },
  ] },
  { au: 12, anchors: [
    { right: [61], left: [291], direction: [0.7, 0.7], weight: 1, spread: MOUTH },
    { right: [205], left: [425], direction: [0.2, 1], weight: 0.15, spread: CHEEK },
  ] },
  { au: 14, anchors: [{ right: [61], left: [291], direction: [-1, 0], weight: 1, spread: MOUTH }] },
  { au: 15, anchors: [
    { right: [61], left: [291], direction: [0.1, -1], weight: 1, spread: MOUTH },
    { right: [84, 181], left: [314, 405], direction: [0, -1], weight: 0.3, spread: MOUTH },
  ] },
  { au: 17, anchors: [
    { midline: [199, 200], direction: [0, 1], weight: 1, spread: 4 },
    { midline: [17], direction: [0, 1], weight: 0.5, spread: MOUTH },
  ] },
  { au: 20, anchors: [{ right: [61], left: [291], direction: [1, -0.1], weight: 1, spread: MOUTH }] },
  { au: 24, anchors: [
    { right: [37, 39], left: [267, 269], midline: [0], direction: [0, -1], weight: 1, spread: 1.8 },
    { right: [84, 181], left: [314, 405], midline: [17], direction: [0, 1], weight: 1, spread: 1.8 },
  ] },
  { au: 25, anchors: [
    { right: [84, 181], left: [314, 405], midline: [17], direction: [0, -1], weight: 1, spread: 2.5 },
    { right: [37, 39], left: [267, 269], midline: [0], direction: [0, 1], weight: 0.2, spread: 1.8 },
  ] },
  { au: 45, amplitudeScale: 3, anchors: [{ right: UPPER_LID_R, left: UPPER_LID_L, direction: [0, -1], weight: 1, spread: LID }] },
];

export const SYNTH_AUS: readonly number[] = AU_MOTIONS.map((m) => m.au);

/**
 * Peak skin displacement per intensity, in percent of the face height: the middle of
 * the bands the AU rules read (au-table.ts INTENSITY_LEVELS), so a synthetic AU at
 * intensity C is inferred at C from a perfect flow. For a 200-px face: 0.4 px (A) to 3 px (E).
 */
export const SYNTH_AMPLITUDE: Readonly<Record<Intensity, number>> = { A: 0.2, B: 0.36, C: 0.6, D: 0.98, E: 1.5 };
