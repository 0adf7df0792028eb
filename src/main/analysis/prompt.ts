import type { PromptFormat, RoiReport, RoiStats } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { MELLM_ROI_BY_REGION, MELLM_ROIS } from './mellm-rois';
import { numpyRound, pyFloatRepr, pyFormatFixed, pyFormatG } from './python-format';
import { referenceDirection } from './reference-stats';
import { NO_DOMINANT_DIRECTION, NO_MOTION } from './roi-features';

/**
 * The prompt a language model gets for one onset → apex pair, from the stored ROI reports
 * (`expression.rois` of an analysis), in one of two formats:
 *
 * - `mellm`: the MELLM reference's text byte for byte (its `PROMPT` filled by `get_prompt`):
 *   the header, one line per ROI in the reference's order and names, an empty line, the
 *   steps. The line is the reference's string formatting, which is not JSON:
 *   `{"region":"Left Inner Eyebrow,"mean_magnitude":0.412,"max_magnitude":0.901,"direction":up(92°))}`
 *   with NumPy's rounding and Python's number printing. It needs each ROI's `stats`.
 * - `json`: our ROI names and order, each line valid JSON, and our wording of the steps.
 */

export const PROMPT_HEADER = 'Based on the following information, analyze the facial action unit(s) and micro-expression:';

/** The reference's instructions after the ROI lines, its trailing newline included. */
export const MELLM_STEPS = [
  'Follow these steps for the analysis:',
  '### 1. Analyze ROIs (Regions of Interest) that are significantly related to facial micro-expressions:',
  '* Provide a brief analysis for regions showing clear movement in **magnitude and/or direction**, and infer the associated Action Unit(s).',
  '* For regions without significant movement, **no attention or analysis is required**.',
  '* For regions with noticeable movement but unrelated to micro-expressions, provide only a brief note without further analysis.',
  '### 2. Infer the micro-expression category from the overall movement pattern (descriptive reasoning):',
  '* Based on the combined movement of all significant ROIs (direction and magnitude distribution), provide step-by-step causal/inductive reasoning that explains how local movements converge into a specific micro-expression conclusion.',
  '### 3. **Summarize the AUs and the micro-expression ( Negative | Positive | Surprise ).**',
  '',
].join('\n');

/** The steps of the `json` format. */
export const PROMPT_STEPS: readonly string[] = [
  'Step 1: Analyze the regions of interest that show clear movement, describe how each moves, and infer the facial action unit(s) (AUs) responsible.',
  'Step 2: Reason from the combined facial movements to the emotional category they indicate.',
  'Step 3: Summarize the identified AUs and the micro-expression category (Negative, Positive, or Surprise).',
];

/** What a prompt is built from: the stored per-ROI report. */
export type PromptRoi = RoiReport;

/** The reference's direction text (`describe_flow_direction`). */
export function mellmDirection(stats: RoiStats): string {
  const direction = referenceDirection(stats);
  if (direction.kind === 'still') return `${NO_MOTION} (mean magnitude ≈ ${pyFormatG(stats.mean, 6)}).`;
  if (direction.kind === 'isotropic') {
    return `${NO_DOMINANT_DIRECTION} (motion is more isotropic or noisy; mean magnitude ≈ ${pyFormatG(stats.mean, 6)}, concentration ≈ ${pyFormatFixed(stats.concentration, 3)}).`;
  }
  return `${direction.octant}(${direction.degrees}°))`;
}

/** Our display wording of the same reading: "up (92°)", or one of the two phrases alone. */
export function cleanDirection(stats: RoiStats): string {
  const direction = referenceDirection(stats);
  if (direction.kind === 'still') return NO_MOTION;
  if (direction.kind === 'isotropic') return NO_DOMINANT_DIRECTION;
  return `${direction.octant} (${direction.degrees}°)`;
}

/** One reference line, its newline included. */
function mellmLine(name: string, stats: RoiStats): string {
  const mean = pyFloatRepr(numpyRound(stats.mean, 3));
  const max = pyFloatRepr(numpyRound(stats.max, 3));
  return `{"region":"${name},"mean_magnitude":${mean},"max_magnitude":${max},"direction":${mellmDirection(stats)}}\n`;
}

function mellmPrompt(rois: readonly PromptRoi[]): string {
  const byRegion = new Map<string, PromptRoi>();
  for (const roi of rois) {
    if (!MELLM_ROI_BY_REGION.has(roi.region)) throw new AppError('INVALID_INPUT', `"${roi.region}" is not one of the 29 MELLM ROIs.`);
    if (byRegion.has(roi.region)) throw new AppError('INVALID_INPUT', `ROI "${roi.region}" is listed twice.`);
    byRegion.set(roi.region, roi);
  }
  let lines = '';
  for (const { name, region } of MELLM_ROIS) {
    const roi = byRegion.get(region);
    if (!roi) continue;
    if (!roi.stats) {
      throw new AppError('INVALID_INPUT', `ROI "${region}" has no reference statistics (an analysis made before they were kept); analyse the event again for a mellm prompt.`);
    }
    // An empty box is skipped, as the reference skips a ROI with no flow.
    if (roi.stats.pixels > 0) lines += mellmLine(name, roi.stats);
  }
  return `${PROMPT_HEADER}\n${lines}\n${MELLM_STEPS}`;
}

/** One `json` line: `{"region": "Left Inner Eyebrow", "mean_magnitude": 0.412, "max_magnitude": 0.9, "direction": "up (88°)"}`. */
function jsonLine(roi: PromptRoi): string {
  return `{"region": ${JSON.stringify(roi.region)}, "mean_magnitude": ${pyFloatRepr(roi.mean_magnitude)}, "max_magnitude": ${pyFloatRepr(roi.max_magnitude)}, "direction": ${JSON.stringify(roi.direction)}}`;
}

function jsonPrompt(rois: readonly PromptRoi[]): string {
  return [PROMPT_HEADER, ...rois.filter((roi) => !roi.stats || roi.stats.pixels > 0).map(jsonLine), ...PROMPT_STEPS].join('\n');
}

/** The prompt for the ROI reports of one onset → apex pair. */
export function buildPrompt(rois: readonly PromptRoi[], format: PromptFormat = 'mellm'): string {
  if (format === 'mellm') return mellmPrompt(rois);
  if (format === 'json') return jsonPrompt(rois);
  throw new AppError('INVALID_INPUT', `Unknown prompt format "${String(format)}" (mellm or json).`);
}

/** The stored report of one ROI: the reference statistics and what display reads from them. */
export function roiReport(region: string, stats: RoiStats): RoiReport {
  const direction = referenceDirection(stats);
  return {
    region,
    mean_magnitude: numpyRound(stats.mean, 3),
    max_magnitude: numpyRound(stats.max, 3),
    direction: cleanDirection(stats),
    angle: direction.kind === 'dominant' ? numpyRound(stats.angle, 3) : null,
    stats,
  };
}
