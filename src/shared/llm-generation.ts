import { z } from 'zod';

/**
 * How the language model generates unless told otherwise: as the MELLM reference does
 * (zyzhangUstc/MELLM, MELLM_pipeline/pipeline.py): one user message through the model's
 * own chat template with the generation prompt, greedy decoding, `enable_thinking` left
 * to the template (Qwen3's thinks). Settings, the API, the CLI and the describer all take
 * their defaults from here.
 *
 * The new-token cap is where this departs from the reference (16384): measured at
 * Qwen3-0.6B's size on this project's 2-core CPU machine, the 4-bit model spends about
 * 0.77 s of CPU per token at a MELLM prompt's context (docs/benchmarks.md, bench
 * llm-real), so 16384 tokens would be hours of waiting; 2048 bounds the worst case to
 * roughly a quarter of an hour and leaves Qwen3 room to think first. The estimate shown
 * before a description starts says what the chosen cap costs on the user's machine, and
 * Settings raises it up to MAX_NEW_TOKENS_LIMIT.
 */
export const DEFAULT_MAX_NEW_TOKENS = 2048;

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
