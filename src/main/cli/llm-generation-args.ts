import { AppError } from '@shared/errors';
import { MAX_NEW_TOKENS_LIMIT, type LlmGeneration } from '@shared/llm-generation';

/** parseArgs options of the commands that run the language model (parse with `allowNegative: true`). */
export const LLM_GENERATION_OPTIONS = {
  'max-new-tokens': { type: 'string' },
  thinking: { type: 'boolean' },
} as const;

export const LLM_GENERATION_USAGE = '[--max-new-tokens N] [--thinking | --no-thinking]';

/** What the flags ask for; a flag left out is absent, so Settings (defaults: @shared/llm-generation) decide. */
export function llmGenerationArgs(values: { readonly 'max-new-tokens'?: string | undefined; readonly thinking?: boolean | undefined }): Partial<LlmGeneration> {
  const text = values['max-new-tokens'];
  const maxNewTokens = text === undefined ? undefined : Number(text);
  if (maxNewTokens !== undefined && (!/^\d+$/.test(text ?? '') || maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS_LIMIT)) {
    throw new AppError('INVALID_INPUT', `--max-new-tokens must be a whole number from 1 to ${MAX_NEW_TOKENS_LIMIT}, got "${text}"`);
  }
  return { ...(maxNewTokens !== undefined ? { maxNewTokens } : {}), ...(values.thinking !== undefined ? { thinking: values.thinking } : {}) };
}
