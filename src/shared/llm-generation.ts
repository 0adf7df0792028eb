import { z } from 'zod';

/**
 * How the language model generates unless told otherwise: as the MELLM reference does
 * (zyzhangUstc/MELLM, MELLM_pipeline/pipeline.py): one user message through the model's
 * own chat template with the generation prompt, greedy decoding, `enable_thinking` left
 * to the template (Qwen3's thinks), at most 16384 new tokens. Settings, the API, the CLI
 * and the describer all take their defaults from here.
 */
export const DEFAULT_MAX_NEW_TOKENS = 16_384;

/** The most new tokens a setting or request may ask for: Qwen3 reads 40,960 tokens in all. */
export const MAX_NEW_TOKENS_LIMIT = 32_768;

export const MaxNewTokensSchema = z.number().int().min(1).max(MAX_NEW_TOKENS_LIMIT);

/** `enable_thinking` for the chat template; null leaves it out, so the template's own default holds. */
export const ThinkingSchema = z.boolean().nullable();
export type Thinking = z.infer<typeof ThinkingSchema>;

export interface LlmGeneration {
  readonly maxNewTokens: number;
  readonly thinking: Thinking;
}

/** Greedy is not a field: sampling is only ever asked for explicitly (llm.generate's `sampling`). */
export const DEFAULT_LLM_GENERATION: LlmGeneration = { maxNewTokens: DEFAULT_MAX_NEW_TOKENS, thinking: null };

/** The generation a run uses: what the caller asks for (CLI flags), else the Settings. */
export function generationFor(
  settings: { readonly llmMaxNewTokens: number; readonly llmThinking: Thinking },
  asked: Partial<LlmGeneration> = {},
): LlmGeneration {
  return { maxNewTokens: asked.maxNewTokens ?? settings.llmMaxNewTokens, thinking: asked.thinking !== undefined ? asked.thinking : settings.llmThinking };
}
