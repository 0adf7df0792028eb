import type { RoiBox } from '@shared/rois';
import type { FlowField } from '../inference/flow/types';
import { inferAus } from './au-rules';
import { AU_RULES } from './au-table';
import type { AnalysisEvidence } from './describer';
import { inferEmotion } from './emotion';
import { roiFeatures, type OcclusionMask, type RoiFeature } from './roi-features';
import type { MotionSignal } from './spotting';

/**
 * The analysis of one onset → apex expression flow: ROI features → AU evidence →
 * emotion. `roll` is the face's in-plane tilt (faceRollOf): the AU rules read directions
 * in the face's frame; pixels under `occlusion` (glasses, hair) are not read. (The prompt is written from the reference statistics instead:
 * reference-stats.ts.)
 */
export function analyzeExpressionFlow(flow: FlowField, rois: readonly RoiBox[], faceHeight: number, roll = 0, occlusion?: OcclusionMask): AnalysisEvidence {
  const features = roiFeatures(flow, rois, faceHeight, occlusion);
  const aus = inferAus(features, AU_RULES, roll);
  return { features, aus, emotion: inferEmotion(aus) };
}

/**
 * Spotting input from per-frame ROI features: entry t holds the features of the
 * expression flow from frame t − lag to frame t (null for t < lag or frames without a
 * face). Each ROI's value is its coherent motion |mean vector| in % of face height.
 */
export function motionSignalFromFeatures(perFrame: ReadonlyArray<readonly RoiFeature[] | null>, lag: number): MotionSignal {
  const channels: Record<string, Float32Array> = {};
  perFrame.forEach((features, t) => addSignalFrame(channels, perFrame.length, t, features ?? []));
  return { lag, channels };
}

/** Writes frame t's ROI values into the signal's channels (each `length` frames long, made on first use). */
export function addSignalFrame(channels: Record<string, Float32Array>, length: number, t: number, features: readonly RoiFeature[]): void {
  for (const f of features) {
    const values = (channels[f.region] ??= new Float32Array(length));
    values[t] = Math.hypot(f.meanVectorNormalized[0], f.meanVectorNormalized[1]);
  }
}
