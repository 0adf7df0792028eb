import type { PromptFormat } from '@shared/prompt-format';
import { roiLine, type RoiFeature } from './roi-features';

export type { PromptFormat } from '@shared/prompt-format';

/**
 * The MELLM v3 prompt: a fixed header, one JSON line per ROI, then the three reasoning
 * steps. The reference builds the ROI lines by string formatting and can emit invalid
 * JSON (unescaped quotes, Python reprs); here every line is valid JSON with the same
 * keys, key order and number formatting, so the text a fine-tuned model sees is the
 * reference's text wherever the reference's was well-formed.
 */

export const PROMPT_HEADER = 'Based on the following information, analyze the facial action unit(s) and micro-expression:';

export const PROMPT_STEPS: readonly string[] = [
  'Step 1: Analyze the regions of interest that show clear movement, describe how each moves, and infer the facial action unit(s) (AUs) responsible.',
  'Step 2: Reason from the combined facial movements to the emotional category they indicate.',
  'Step 3: Summarize the identified AUs and the micro-expression category (Negative, Positive, or Surprise).',
];

/** What the prompt says of one ROI: a stored analysis keeps this much, so an export can rebuild the prompt from it. */
export type PromptFeature = Pick<RoiFeature, 'region' | 'meanMagnitude' | 'maxMagnitude' | 'direction'>;

/** The full prompt text for the ROI features of one onset → apex pair, in `format` (default mellm). */
export function buildPrompt(features: readonly PromptFeature[], _format: PromptFormat = 'mellm'): string {
  return [PROMPT_HEADER, ...features.map(roiLine), ...PROMPT_STEPS].join('\n');
}
