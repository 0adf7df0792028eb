import { ROI_NAMES } from '@shared/rois';
import { inferAus } from './au-rules';
import { AU_RULES } from './au-table';
import type { RoiFeature } from './roi-features';

/**
 * One frame's motion evidence for per-frame exports (OpenFace-style rows): the
 * expression flow from frame t − lag to t that spotting computes anyway, so keeping it
 * costs no extra flow. ROI magnitudes are mean flow magnitudes in reference-crop pixels
 * (the units of the MELLM prompt); AU evidence is the rule engine's evidence in percent
 * of the face height, 0 when the AU's rule does not fire on that frame.
 */
export interface FrameMotion {
  /** 0-based frame of the clip. */
  readonly frame: number;
  /** Mean magnitude per ROI, in ROI_NAMES order (a typed array: cheap to post and to store). */
  readonly roiMagnitudes: Float32Array;
  /** Evidence per AU number of the rule table. */
  readonly auEvidence: Readonly<Record<string, number>>;
}

/** A motion scan over frames first..last (rows from first + lag on): what it replaces in the store. */
export interface FrameMotionScan {
  readonly lag: number;
  readonly first: number;
  readonly last: number;
  readonly rows: FrameMotion[];
}

const RULE_AUS = [...new Set(AU_RULES.map((rule) => rule.au))].sort((a, b) => a - b);

/** `roll`: the face's in-plane tilt (radians), as the AU rules take it. */
export function frameMotion(frame: number, features: readonly RoiFeature[], roll = 0): FrameMotion {
  const byRegion = new Map(features.map((f) => [f.region, f.meanMagnitude]));
  const roiMagnitudes = Float32Array.from(ROI_NAMES, (region) => byRegion.get(region) ?? Number.NaN);
  const fired = new Map(inferAus(features, AU_RULES, roll).map((a) => [a.au, a.evidence]));
  const auEvidence: Record<string, number> = {};
  for (const au of RULE_AUS) auEvidence[au] = fired.get(au) ?? 0;
  return { frame, roiMagnitudes, auEvidence };
}
