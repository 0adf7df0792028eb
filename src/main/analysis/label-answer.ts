import { REFERENCE_CROP } from '@shared/rois';
import { describeCodedLabel, type CodedLabel, type MeasuredRegion } from './describer';
import { octantOf } from './roi-features';

/**
 * The answer a labelled event teaches an MELLM-style model: the three sections the
 * MELLM prompt asks for, written from a coder's label over the event's measured motion.
 * The reference repository publishes no training answers, so the shape follows its
 * prompt: one `### n.` section per step it lists, titled by that step, the third a
 * one-line summary `AUs: <the coder's FACS as written>; micro-expression: <3-class>`.
 * The text is English, the reference prompt's language.
 */

export const ANSWER_HEADINGS = [
  '### 1. Analyze ROIs (Regions of Interest)',
  '### 2. Infer the micro-expression category',
  '### 3. Summarize the AUs and the micro-expression',
] as const;

/** A region's motion as a stored analysis keeps it: magnitudes in reference-crop pixels. */
export interface StoredRegionMotion {
  readonly region: string;
  readonly meanMagnitude: number;
  /** Degrees counter-clockwise from right (y up); null or absent without a dominant direction. */
  readonly angle?: number | null | undefined;
  /** Mean magnitude in % of the face height; absent when the analysis kept no face. */
  readonly meanNormalized?: number | null | undefined;
}

export interface AnsweredLabel extends CodedLabel {
  /** The coder's FACS text exactly as written. */
  readonly facs: string;
  /** The coder's own description, kept as the reasoning when written. */
  readonly description: string | null;
}

/**
 * The face height (reference-crop pixels) assumed when an analysis kept no face: the
 * crop's 480 px height without the face crop's 10 % margins on each side, i.e. a face
 * that fills the crop's height. Real faces are no taller, so percentages come out no
 * larger than they are and no region is called moving that is not.
 */
const NOMINAL_FACE_HEIGHT = REFERENCE_CROP.height / 1.2;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function measured(motion: StoredRegionMotion): MeasuredRegion {
  const angle = motion.angle ?? null;
  return {
    region: motion.region,
    meanMagnitude: motion.meanMagnitude,
    meanNormalized: motion.meanNormalized ?? round3((motion.meanMagnitude / NOMINAL_FACE_HEIGHT) * 100),
    angle,
    octant: angle === null ? null : octantOf(angle),
  };
}

/** The three sections, separated by an empty line; section 2 is the coder's description when they wrote one. */
export function labelAnswer(label: AnsweredLabel, motion: readonly StoredRegionMotion[]): string {
  const { roiAnalysis, reasoning } = describeCodedLabel(label, motion.map(measured), 'en');
  const own = label.description?.trim();
  const summary = `AUs: ${label.facs.trim() || 'none'}; micro-expression: ${label.label}`;
  const [first, second, third] = ANSWER_HEADINGS;
  return [`${first}\n${roiAnalysis}`, `${second}\n${own || reasoning}`, `${third}\n${summary}`].join('\n\n');
}
