import { auName } from '@shared/au-names';
import { AU_RULES, INTENSITY_LEVELS, TRACE_FLOOR, UNILATERAL_RATIO, type AuCue, type AuRule, type CueDirection, type Intensity } from './au-table';
import type { RoiFeature, Side } from './roi-features';

/**
 * The one engine that evaluates the AU rule table (au-table.ts) on ROI features.
 * A cue's score on one ROI is the ROI's coherent motion (mean flow vector, % of face
 * height) weighted by how well its direction matches the cue's, so random or
 * opposite motion scores zero (projection cues: the signed projection, times a gain when
 * it reads only part of the motion; gated cues ignore sub-trace scores). A rule's
 * evidence per side is the weighted mean of its core cues, plus what "compensate" cues
 * say another AU hid, minus what its "against" cues explain; support cues only move the
 * confidence.
 */

export type AuSide = 'L' | 'R' | 'B';

export interface AuEvidence {
  readonly au: number;
  readonly name: string;
  readonly side: AuSide;
  readonly intensity: Intensity;
  /** Evidence in percent of the face height (the stronger side for lateral AUs). */
  readonly evidence: number;
  readonly left: number;
  readonly right: number;
  /** In (0, 1): how far above threshold, and whether the supporting regions agree. */
  readonly confidence: number;
  /** Regions whose motion supports the AU, strongest first. */
  readonly regions: readonly string[];
  /** AU45: a blink, reported so spotting and emotion can ignore it. */
  readonly blink: boolean;
}

/** Subject-frame unit directions as (outward, up). */
const SUBJECT_DIRECTIONS: Record<CueDirection, readonly [number, number]> = {
  up: [0, 1],
  down: [0, -1],
  inward: [-1, 0],
  outward: [1, 0],
  'up-inward': [-Math.SQRT1_2, Math.SQRT1_2],
  'up-outward': [Math.SQRT1_2, Math.SQRT1_2],
  'down-inward': [-Math.SQRT1_2, -Math.SQRT1_2],
  'down-outward': [Math.SQRT1_2, -Math.SQRT1_2],
};

/**
 * The cue direction in image axes for a region on `side`: the subject's left is
 * image-right, so outward is +x there and −x on the right; image y points down.
 * Midline regions keep only the vertical part (null when nothing is left).
 */
export function imageDirection(direction: CueDirection, side: Side): [number, number] | null {
  const [outward, up] = SUBJECT_DIRECTIONS[direction];
  const x = side === 'L' ? outward : side === 'R' ? -outward : 0;
  const y = -up;
  const norm = Math.hypot(x, y);
  return norm === 0 ? null : [x / norm, y / norm];
}

const DEFAULT_TOLERANCE = 50;
const TRACE: number = INTENSITY_LEVELS[0].min;

/**
 * Directional score of one ROI for a cue: |v| × a cosine tuning that reaches 0 at the
 * tolerance. `roll` (radians, the angle of the eye line in the image, clockwise positive
 * as image y points down) turns the cue direction with a tilted face.
 */
export function cueScore(feature: RoiFeature, direction: CueDirection, tolerance = DEFAULT_TOLERANCE, roll = 0, projection = false): number {
  const upright = imageDirection(direction, feature.side);
  const [vx, vy] = feature.meanVectorNormalized;
  const mag = Math.hypot(vx, vy);
  if (!upright || mag === 0) return 0;
  const [c, s] = [Math.cos(roll), Math.sin(roll)];
  const dir = [upright[0] * c - upright[1] * s, upright[0] * s + upright[1] * c] as const;
  if (projection) return vx * dir[0] + vy * dir[1];
  const cos = (vx * dir[0] + vy * dir[1]) / mag;
  const floor = Math.cos((tolerance * Math.PI) / 180);
  return mag * Math.max(0, (cos - floor) / (1 - floor));
}

const mirrorName = (region: string): string => (region.startsWith('Left ') ? `Right ${region.slice(5)}` : region.startsWith('Right ') ? `Left ${region.slice(6)}` : region);

/**
 * The share of a brow's pull the other, rising brow must show for the pull to be read as
 * the corrugator's and not the rim's drag. On the fitting seeds' glasses clips (7100, 7300,
 * 7600, 7700) the rim's drags had 0.04 and 0.10 of their pull on the other side, the true
 * AU4s beside an AU1 0.8–1.1.
 */
export const MIRROR_PULL_SHARE = 0.25;

/**
 * Whether a `mirroredUnderFrame` cue's motion on a brow beside an eyeglass frame's rim is
 * the rim's drag: the mirror region rises beyond a trace (AU1 there) and moves along the cue
 * less than MIRROR_PULL_SHARE as far. Seed 7700's surprise under glasses: right inner brow
 * inward 1.16 % of the face (up 0.38), left inner brow up 1.00 and inward 0.05 — read as
 * R4E, fear.
 */
function rimDragged(cue: AuCue, feature: RoiFeature, score: number, byRegion: ReadonlyMap<string, RoiFeature>, roll: number): boolean {
  if (!cue.mirroredUnderFrame || !feature.besideRim || feature.side === 'C' || score <= 0) return false;
  const mirror = byRegion.get(mirrorName(feature.region));
  if (!mirror || mirror.pixels === 0) return false;
  return cueScore(mirror, 'up', undefined, roll, true) >= TRACE && cueScore(mirror, cue.direction, cue.tolerance, roll, cue.projection) < MIRROR_PULL_SHARE * score;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface CueResult {
  readonly cue: AuCue;
  readonly score: number;
  readonly perRegion: ReadonlyArray<readonly [string, number]>;
}

function evaluateCue(cue: AuCue, ownSide: 'L' | 'R' | 'C', byRegion: ReadonlyMap<string, RoiFeature>, roll: number): CueResult | null {
  const side = cue.otherSide ? ({ L: 'R', R: 'L', C: 'C' } as const)[ownSide] : ownSide;
  const perRegion: Array<[string, number]> = [];
  for (const template of cue.regions) {
    const names = template.includes('{side}')
      ? side === 'C'
        ? [template.replace('{side}', 'Left'), template.replace('{side}', 'Right')]
        : [template.replace('{side}', side === 'L' ? 'Left' : 'Right')]
      : [template];
    for (const name of names) {
      const feature = byRegion.get(name);
      if (!feature || feature.pixels === 0) continue;
      const score = cue.besideRimOnly && !feature.besideRim ? 0 : cueScore(feature, cue.direction, cue.tolerance, roll, cue.projection);
      perRegion.push([name, (cue.gated && score < TRACE) || rimDragged(cue, feature, score, byRegion, roll) ? 0 : (cue.gain ?? 1) * score]);
    }
  }
  if (perRegion.length === 0) return null;
  const score = cue.median ? median(perRegion.map(([, s]) => s)) : perRegion.reduce((sum, [, s]) => sum + s, 0) / perRegion.length;
  return { cue, score, perRegion };
}

interface SideResult {
  readonly evidence: number;
  readonly agreement: number | null;
  readonly regions: ReadonlyArray<readonly [string, number]>;
}

const weightedMean = (results: readonly CueResult[]): number => {
  const total = results.reduce((sum, r) => sum + r.cue.weight, 0);
  return total > 0 ? results.reduce((sum, r) => sum + r.cue.weight * r.score, 0) / total : 0;
};

function evaluateSide(rule: AuRule, side: 'L' | 'R' | 'C', byRegion: ReadonlyMap<string, RoiFeature>, roll: number): SideResult {
  const results = rule.cues.map((cue) => evaluateCue(cue, side, byRegion, roll)).filter((r): r is CueResult => r !== null);
  const core = results.filter((r) => r.cue.role === 'core');
  const support = results.filter((r) => r.cue.role === 'support');
  const explained = results.filter((r) => r.cue.role === 'against').reduce((sum, r) => sum + r.cue.weight * r.score, 0);
  const hidden = results.filter((r) => r.cue.role === 'compensate').reduce((sum, r) => sum + r.cue.weight * r.score, 0);
  let evidence = Math.max(0, weightedMean(core) + hidden - explained);
  // Several core cues must all move: the weakest one caps the evidence (AU24 needs both lips).
  if (core.length > 1 && evidence > 0) {
    const weakest = Math.min(...core.map((r) => r.score));
    evidence *= Math.min(1, weakest / (0.5 * evidence));
  }
  const agreement = support.length > 0 && evidence > 0 ? Math.min(1, weightedMean(support) / evidence) : null;
  const regions = results.filter((r) => r.cue.role !== 'against' && r.cue.role !== 'compensate').flatMap((r) => r.perRegion).filter(([, s]) => s > 0);
  return { evidence, agreement, regions };
}

/** The evidence a level needs at a calibration scale: its bound scaled, never below the noise floor. */
const levelThreshold = (min: number, scale: number): number => Math.max(min * scale, TRACE_FLOOR);

export function intensityOf(evidence: number, scale = 1): Intensity | null {
  let letter: Intensity | null = null;
  for (const level of INTENSITY_LEVELS) if (evidence >= levelThreshold(level.min, scale)) letter = level.letter;
  return letter;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

function evaluateRule(rule: AuRule, byRegion: ReadonlyMap<string, RoiFeature>, roll: number): AuEvidence | null {
  const scale = rule.thresholdScale ?? 1;
  // A midline AU has one reading that stands for both sides.
  const leftSide = evaluateSide(rule, rule.lateral ? 'L' : 'C', byRegion, roll);
  const rightSide = rule.lateral ? evaluateSide(rule, 'R', byRegion, roll) : leftSide;
  const left = leftSide.evidence;
  const right = rightSide.evidence;
  const strongest = right > left ? rightSide : leftSide;
  const evidence = strongest.evidence;
  const intensity = intensityOf(evidence, scale);
  if (!intensity) return null;
  const weaker = Math.min(left, right);
  const side: AuSide = !rule.lateral || weaker / evidence >= (rule.unilateralRatio ?? UNILATERAL_RATIO) ? 'B' : right > left ? 'R' : 'L';
  const threshold = levelThreshold(TRACE, scale);
  const margin = evidence / (evidence + threshold);
  const confidence = strongest.agreement === null ? margin : margin * (0.75 + 0.25 * strongest.agreement);
  const regionScores = new Map<string, number>();
  for (const result of side === 'B' ? [leftSide, rightSide] : [strongest]) {
    for (const [name, score] of result.regions) regionScores.set(name, Math.max(score, regionScores.get(name) ?? 0));
  }
  return {
    au: rule.au,
    name: auName(rule.au) ?? `AU${rule.au}`,
    side,
    intensity,
    evidence: round(evidence, 3),
    left: round(left, 3),
    right: round(right, 3),
    confidence: round(confidence, 2),
    regions: [...regionScores.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name),
    blink: rule.au === 45,
  };
}

/** Each rule's evidence (its stronger side), thresholds aside, by AU number. */
export function ruleEvidence(features: readonly RoiFeature[], rules: readonly AuRule[] = AU_RULES, roll = 0): Map<number, number> {
  const byRegion = new Map(features.map((f) => [f.region, f]));
  return new Map(
    rules.map((rule) => {
      const left = evaluateSide(rule, rule.lateral ? 'L' : 'C', byRegion, roll).evidence;
      return [rule.au, rule.lateral ? Math.max(left, evaluateSide(rule, 'R', byRegion, roll).evidence) : left];
    }),
  );
}

/**
 * The AUs the ROI motion supports (intensity ≥ A), sorted by AU number. AU45 is flagged
 * `blink`. `roll` is the face's in-plane tilt (radians, see cueScore): the rules read
 * directions in the subject's frame, so a tilted face's "up" is not the image's.
 */
export function inferAus(features: readonly RoiFeature[], rules: readonly AuRule[] = AU_RULES, roll = 0): AuEvidence[] {
  const byRegion = new Map(features.map((f) => [f.region, f]));
  return rules
    .map((rule) => evaluateRule(rule, byRegion, roll))
    .filter((e): e is AuEvidence => e !== null)
    .sort((a, b) => a.au - b.au);
}

/** FACS string of the non-blink AUs: side prefix (L/R, none when bilateral), AU number, intensity letter, e.g. "1B+2B+L12C". */
export function facsString(aus: ReadonlyArray<Pick<AuEvidence, 'au' | 'side' | 'intensity' | 'blink'>>): string {
  return aus
    .filter((a) => !a.blink)
    .map((a) => `${a.side === 'B' ? '' : a.side}${a.au}${a.intensity}`)
    .join('+');
}
