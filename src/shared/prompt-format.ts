/**
 * The prompt texts an LLM can be given for the ROI features of an expression: `mellm`,
 * the MELLM reference's own text (what a fine-tuned MELLM checkpoint was trained on), and
 * `json`, one clean JSON object per ROI for display and tools.
 */
export const PROMPT_FORMATS = ['mellm', 'json'] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];
export const DEFAULT_PROMPT_FORMAT: PromptFormat = 'mellm';
