/**
 * The AU rules as data. Each rule lists the ROIs whose motion is the visible trace of
 * one FACS Action Unit and the direction that motion takes, in the subject's frame:
 * "up" is towards the forehead, "outward" away from the face's midline (for the
 * subject's left side that is image +x in a frontal, non-mirrored view). The engine in
 * au-rules.ts turns these into per-side evidence; nothing else encodes FACS knowledge.
 *
 * `{side}` in a region name expands to "Left"/"Right"; names without it are midline or
 * fixed regions and count for both sides.
 */

import { AU_CALIBRATION } from './au-calibration';

export type CueDirection =
  | 'up'
  | 'down'
  | 'inward'
  | 'outward'
  | 'up-inward'
  | 'up-outward'
  | 'down-inward'
  | 'down-outward';

export interface AuCue {
  readonly regions: readonly string[];
  readonly direction: CueDirection;
  readonly weight: number;
  /**
   * core cues make the evidence; support cues only raise or lower the confidence;
   * against cues are motion another AU explains (the cheek rising under AU6 lifts the
   * lower lid too): weight × their score is subtracted from the evidence; compensate
   * cues (with `projection`) add back what another AU's pull took away.
   */
  readonly role: 'core' | 'support' | 'against' | 'compensate';
  /**
   * Score by plain (signed) projection on the direction instead of the angular tuning: for a
   * region two AUs pull along different directions, where their motions add as vectors
   * (the inner brow: AU1 up, AU4 down and inward). A `compensate` cue adds back, weight ×
   * its positive score, what another AU took from the core cue.
   */
  readonly projection?: boolean;
  /** Multiplies the score: the whole motion per unit of the part a projection reads. */
  readonly gain?: number;
  /**
   * Scores below a trace (intensity A) count as zero: a projection reads sensor and codec
   * noise along its axis too, and what is added back or amplified must not be noise.
   */
  readonly gated?: boolean;
  /** Angular half-width (degrees) beyond which motion no longer counts; default 50°. */
  readonly tolerance?: number;
  /**
   * On a brow beside an eyeglass frame's rim (RoiFeature.besideRim), the cue counts on
   * one side only if the same region on the other side, when it rises beyond a trace, moves
   * along the cue too. The frame's top rim drags a rising brow sideways, one side at a
   * time, and the corrugator pulls both brows in; a brow that pulls in while the other one
   * stays still keeps its reading (a one-sided AU4).
   */
  readonly mirroredUnderFrame?: boolean;
  /** Counts only on a region beside an eyeglass frame's rim (RoiFeature.besideRim), zero elsewhere. */
  readonly besideRimOnly?: boolean;
  /**
   * Scores the cue by the median of its regions' scores instead of their mean: for parts of one
   * structure that the AU moves alike, where one part's flow can read something else.
   */
  readonly median?: boolean;
  /** Read on the other side's region (a lateral rule's left side reads the right one's). */
  readonly otherSide?: boolean;
}

export interface AuRule {
  readonly au: number;
  /** The FACS appearance change this rule encodes (Ekman, Friesen & Hager 2002). */
  readonly facs: string;
  /** true when FACS scores the AU per side (L/R/B); false for midline AUs. */
  readonly lateral: boolean;
  /**
   * Multiplies the intensity thresholds: blinks are large and need more motion; the
   * fitted calibration (au-calibration.ts) expresses them against the flow's response.
   */
  readonly thresholdScale?: number;
  /** Below this weaker/stronger side ratio the AU is one-sided (default UNILATERAL_RATIO). */
  readonly unilateralRatio?: number;
  readonly cues: readonly AuCue[];
}

const lids = (lid: 'Upper' | 'Lower'): string[] =>
  ['Inner', 'Center', 'Outer'].map((part) => `{side} ${lid} Eyelid ${part}`);
const allLowerLip = ['Lower Lip Left', 'Lower Lip Center', 'Lower Lip Right'];

/** How far AU4 lowers the inner brow per unit it draws it in (≈ 0.8 / 0.6: its pull runs ~53° below the horizontal). */
const AU4_DROP_PER_PULL = 1.33;
/** AU4's whole movement per unit of its inward pull (1 / 0.6). */
const AU4_MOVE_PER_PULL = 1.67;
/** How far a smile's corner pull lifts the nasal wing (seed 7100 `blinks_me_001`: a 12D corner pull of 0.59 % of the face lifted one wing 0.45, of which the cheek explains 0.18). */
const AU9_WING_PER_CORNER = 0.15;
/**
 * AU4's whole movement per unit of its drop (1 / 0.8), read beside an eyeglass rim. There the
 * flow barely shows the inward pull: on seed 7500's glasses clips true AU4B–E pulled in 0.06–0.2
 * % of the face height while dropping 0.2–0.56 (without glasses the pull is ¾ of the drop).
 */
const AU4_MOVE_PER_DROP = 1.25;

/** A lateral AU read from one region moving one way. */
const oneCue = (au: number, facs: string, region: string | readonly string[], direction: CueDirection, tolerance?: number): AuRule => ({
  au,
  facs,
  lateral: true,
  cues: [{ regions: typeof region === 'string' ? [region] : region, direction, weight: 1, role: 'core', ...(tolerance === undefined ? {} : { tolerance }) }],
});

/**
 * A lateral AU that draws a mouth corner in or out. A mouth shifted sideways as a whole (what
 * the head fit leaves beside a strong brow raise, or of a tremor's sway) moves one corner
 * outward and the other inward as far; the muscle moves one corner, or both the same way
 * relative to the midline. So the other corner's motion the opposite way is held against it.
 */
const sidewaysCornerPull = (au: number, facs: string, direction: 'inward' | 'outward', tolerance: number): AuRule => ({
  au,
  facs,
  lateral: true,
  cues: [
    { regions: ['{side} Mouth Corner'], direction, weight: 1, role: 'core', tolerance },
    { regions: ['{side} Mouth Corner'], direction: direction === 'inward' ? 'outward' : 'inward', weight: 1, role: 'against', projection: true, gated: true, otherSide: true },
  ],
});

/** The rules as FACS describes them, with hand-set weights and thresholds (before fitting). */
export const FACS_RULES: readonly AuRule[] = [
  {
    au: 1,
    facs: 'Frontalis, pars medialis: pulls the inner portion of the eyebrow upwards.',
    lateral: true,
    cues: [
      { regions: ['{side} Inner Eyebrow'], direction: 'up', weight: 1, role: 'core', projection: true },
      // AU4 lowers the inner brow while drawing it in: its inward pull tells how much rise it hid.
      { regions: ['{side} Inner Eyebrow'], direction: 'inward', weight: AU4_DROP_PER_PULL, role: 'compensate', projection: true, gated: true },
    ],
  },
  oneCue(2, 'Frontalis, pars lateralis: pulls the lateral portion of the eyebrow upwards.', '{side} Outer Eyebrow', 'up'),
  {
    au: 4,
    facs: 'Corrugator/depressor supercilii, procerus: lowers the brows and draws them together.',
    lateral: true,
    cues: [
      // Read from the inward pull alone: AU1's rise is vertical and cannot hide it, as it hides the drop.
      // Under glasses, the rim drags a rising brow inward on one side: a pull the other rising brow lacks is the rim's.
      { regions: ['{side} Inner Eyebrow'], direction: 'inward', weight: 1, role: 'core', projection: true, gain: AU4_MOVE_PER_PULL, gated: true, mirroredUnderFrame: true },
      // Beside the rim the inward pull barely reaches the flow while the drop does: the drop tells what the rim hid.
      { regions: ['{side} Inner Eyebrow'], direction: 'down', weight: AU4_MOVE_PER_DROP, role: 'compensate', projection: true, gated: true, besideRimOnly: true },
      { regions: ['{side} Outer Eyebrow'], direction: 'down', weight: 0.5, role: 'support', tolerance: 65 },
    ],
  },
  {
    au: 5,
    facs: 'Levator palpebrae superioris: raises the upper lid, widening the eye aperture.',
    lateral: true,
    cues: [
      // Centre and outer lid only: a raised inner brow lifts the inner upper lid about half as far
      // (seed 7500: R1E lifted it 0.73 % of the face, the outer lid 0.03), AU5 the whole lid.
      { regions: ['{side} Upper Eyelid Center', '{side} Upper Eyelid Outer'], direction: 'up', weight: 1, role: 'core' },
      // Raised brows (AU1, AU2) stretch the lid fold upwards with them.
      { regions: ['{side} Inner Eyebrow', '{side} Outer Eyebrow'], direction: 'up', weight: 0.1, role: 'against' },
      // Lids tightened (AU7) or a raised cheek (AU6) lift the lower lid, and the flow carries part of
      // that rise across the narrowed eye onto the upper lid's box: 4+7 read as 4+5+7 (fitting seeds
      // 7700 `blinks_me_004`, 7900 `saccades_me_004`; half the lower lid's rise explains both, the
      // only false AU5s on seeds 7100–7900, and loses none of the 26 true ones).
      { regions: lids('Lower'), direction: 'up', weight: 0.5, role: 'against', median: true },
    ],
  },
  {
    au: 6,
    facs: 'Orbicularis oculi, pars orbitalis: raises the cheek, pushes the lower-lid skin up.',
    lateral: true,
    cues: [
      { regions: ['{side} Cheek'], direction: 'up', weight: 1, role: 'core', tolerance: 60 },
      { regions: lids('Lower'), direction: 'up', weight: 0.5, role: 'support' },
      // A strong AU12 pushes the cheek up a little, AU9 the cheek beside the nose: that is not AU6.
      // (Weights from the training set: the cheek ROI rises by ~5 % of the corner's pull.)
      { regions: ['{side} Mouth Corner'], direction: 'up-outward', weight: 0.05, role: 'against', tolerance: 40 },
      // A nose wrinkle lifts the cheek beside the nose by up to ~0.4 of the wing's rise (seed 7100: a 9E's wings 1.0–1.35, cheek 0.6).
      { regions: ['{side} Nasal Wing'], direction: 'up', weight: 0.3, role: 'against', tolerance: 60 },
    ],
  },
  {
    au: 7,
    facs: 'Orbicularis oculi, pars palpebralis: tightens the lids, raising the lower lid.',
    lateral: true,
    cues: [
      // The lid rises as one piece; its median part reads it where one part's flow misses the
      // rise (an iris held turned under that part, a rim over it) and ignores one part moving alone.
      { regions: lids('Lower'), direction: 'up', weight: 1, role: 'core', median: true },
      { regions: lids('Upper'), direction: 'down', weight: 0.3, role: 'support' },
      // The cheek rising (AU6) lifts the lower lid by about half as much (the cheek ROI's mean underestimates the rise: 0.7).
      { regions: ['{side} Cheek'], direction: 'up', weight: 0.7, role: 'against', tolerance: 60 },
      // A strongly raised upper lid (AU5) drags the lower lid's skin up with it.
      { regions: lids('Upper'), direction: 'up', weight: 0.3, role: 'against' },
    ],
  },
  {
    au: 9,
    facs: 'Levator labii superioris alaeque nasi: wrinkles the nose, pulling the nasal wings up.',
    lateral: true,
    cues: [
      { regions: ['{side} Nasal Wing'], direction: 'up', weight: 1, role: 'core', tolerance: 60 },
      { regions: ['{side} Inner Eyebrow'], direction: 'down', weight: 0.3, role: 'support', tolerance: 65 },
      { regions: ['{side} Cheek'], direction: 'up', weight: 0.3, role: 'against', tolerance: 60 },
      // A strong AU12 drags the nasolabial skin, and the nasal wing's edge with it, up along the corner's pull.
      { regions: ['{side} Mouth Corner'], direction: 'up-outward', weight: AU9_WING_PER_CORNER, role: 'against', tolerance: 40 },
    ],
  },
  {
    au: 10,
    facs: 'Levator labii superioris: raises the upper lip (its centre more than the corners).',
    lateral: true,
    cues: [
      { regions: ['Upper Lip {side}'], direction: 'up', weight: 1, role: 'core' },
      { regions: ['Upper Lip Center'], direction: 'up', weight: 0.5, role: 'support' },
      { regions: ['{side} Nasal Wing'], direction: 'up', weight: 0.3, role: 'support' },
      // Parting lips (AU25) lift the upper lip slightly.
      { regions: allLowerLip, direction: 'down', weight: 0.3, role: 'against' },
      // The chin boss pushed up (AU17) presses the lower lip into the upper one and lifts it (seed
      // 7100 `flicker_me_007`, a 17D: chin up 1.32 % of the face, the upper lip's side 0.32).
      { regions: ['Chin'], direction: 'up', weight: 0.3, role: 'against' },
      // A smile's corner pull drags the upper lip's side up with it (seed 7100 `flicker_me_002`, a
      // 12E: the right corner up and out 1.41, the upper lip's right side up 0.56).
      { regions: ['{side} Mouth Corner'], direction: 'up-outward', weight: 0.25, role: 'against', tolerance: 40 },
    ],
  },
  {
    au: 12,
    facs: 'Zygomaticus major: pulls the lip corners up and back along the cheekbone (obliquely).',
    lateral: true,
    cues: [
      { regions: ['{side} Mouth Corner'], direction: 'up-outward', weight: 1, role: 'core', tolerance: 40 },
      { regions: ['{side} Cheek'], direction: 'up', weight: 0.3, role: 'support', tolerance: 60 },
    ],
  },
  // A corner pulled in, its other corner not pushed out: a mouth shifted as a whole (the
  // still face with glasses, head motion and tremor of analysis-occlusion.test.ts: both
  // corners 0.2 % of the face towards image right) read as R14A.
  sidewaysCornerPull(14, 'Buccinator: tightens the lip corners, pulling them inwards/back and forming a dimple.', 'inward', 40),
  {
    au: 15,
    facs: 'Depressor anguli oris: pulls the lip corners down.',
    lateral: true,
    cues: [
      { regions: ['{side} Mouth Corner'], direction: 'down', weight: 1, role: 'core', tolerance: 40 },
      { regions: ['Lower Lip {side}'], direction: 'down', weight: 0.3, role: 'support' },
      // Lips pressed together (AU24) lower the upper lip, and the corner's edge with it.
      { regions: ['Upper Lip {side}'], direction: 'down', weight: 0.5, role: 'against' },
    ],
  },
  {
    au: 17,
    facs: 'Mentalis: pushes the chin boss and the lower lip upwards.',
    lateral: false,
    cues: [
      { regions: ['Chin'], direction: 'up', weight: 1, role: 'core' },
      { regions: ['Lower Lip Center'], direction: 'up', weight: 0.5, role: 'support' },
    ],
  },
  // The stretch pulls the corners apart (seed 7100 `tremor_me_002`, a 1E+2D+25E surprise: the
  // mouth corners, lips and chin 0.14–0.33 % of the face towards image left, read as R20B).
  sidewaysCornerPull(20, 'Risorius/platysma: stretches the lips horizontally, pulling the corners outwards.', 'outward', 35),
  {
    au: 24,
    facs: 'Orbicularis oris: presses the lips together (upper lip down, lower lip up).',
    // Scored per side from the lip thirds (a one-sided press moves one side of both lips).
    lateral: true,
    cues: [
      { regions: ['Upper Lip {side}', 'Upper Lip Center'], direction: 'down', weight: 1, role: 'core' },
      { regions: ['Lower Lip {side}', 'Lower Lip Center'], direction: 'up', weight: 1, role: 'core' },
      // The chin boss pushed up (AU17) lifts the lower lip without pressing the lips.
      { regions: ['Chin'], direction: 'up', weight: 0.3, role: 'against' },
    ],
  },
  {
    au: 25,
    facs: 'Depressor labii / relaxed mentalis: parts the lips (upper lip up, lower lip down).',
    lateral: true,
    cues: [
      { regions: ['Lower Lip {side}'], direction: 'down', weight: 1, role: 'core' },
      { regions: ['Lower Lip Center'], direction: 'down', weight: 0.5, role: 'support' },
      { regions: ['Upper Lip {side}'], direction: 'up', weight: 0.5, role: 'support' },
      // Lip corners pulled down (AU15) drag the lower lip's sides with them.
      { regions: ['{side} Mouth Corner'], direction: 'down', weight: 0.5, role: 'against', tolerance: 40 },
    ],
  },
  {
    au: 45,
    facs: 'Relaxed levator / contracted orbicularis oculi: the upper lids drop to close the eye briefly (blink).',
    lateral: true,
    thresholdScale: 3,
    cues: [
      { regions: lids('Upper'), direction: 'down', weight: 1, role: 'core' },
      { regions: lids('Lower'), direction: 'up', weight: 0.3, role: 'support' },
    ],
  },
];

/** Intensity letters and their lower bounds in percent of the face height (A = trace … E = maximum). */
export const INTENSITY_LEVELS = [
  { letter: 'A', min: 0.12 },
  { letter: 'B', min: 0.25 },
  { letter: 'C', min: 0.45 },
  { letter: 'D', min: 0.75 },
  { letter: 'E', min: 1.2 },
] as const;

export type Intensity = (typeof INTENSITY_LEVELS)[number]['letter'];

/**
 * No intensity level sits below this (% of face height), whatever an AU's calibration:
 * on the training seeds' still faces, sensor noise and H.264 at CRF 26 reach 0.147 at the
 * given onset/apex, and a face that does not move must show no AU, not even a trace.
 */
export const TRACE_FLOOR = 0.15;

/** Below this weaker/stronger side ratio an AU is scored unilateral (L or R), else bilateral. */
export const UNILATERAL_RATIO = 0.5;

/** Fitted numbers of one rule (bench/fit/fit-au-rules.ts): calibration, side ratio, cue weights in table order. */
export interface AuFit {
  readonly thresholdScale: number;
  readonly unilateralRatio?: number;
  readonly weights?: readonly number[];
}
export type AuCalibration = Readonly<Record<number, AuFit>>;

/** The table with fitted numbers applied; AUs without a fit keep their hand-set values. */
export function withCalibration(rules: readonly AuRule[], calibration: AuCalibration): AuRule[] {
  return rules.map((rule) => {
    const fit = calibration[rule.au];
    if (!fit) return rule;
    const { weights } = fit;
    return {
      ...rule,
      // The fit calibrates against the flow; the table's own scale (blinks, AU4's inward share) stays.
      thresholdScale: (rule.thresholdScale ?? 1) * fit.thresholdScale,
      ...(fit.unilateralRatio === undefined ? {} : { unilateralRatio: fit.unilateralRatio }),
      cues: weights && weights.length === rule.cues.length ? rule.cues.map((cue, i) => ({ ...cue, weight: weights[i] as number })) : rule.cues,
    };
  });
}

/** The rules the pipeline evaluates: the FACS table with the calibration fitted on training clips. */
export const AU_RULES: readonly AuRule[] = withCalibration(FACS_RULES, AU_CALIBRATION);
