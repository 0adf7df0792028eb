import { MAX_NEW_TOKENS_LIMIT, type LlmGeneration } from '@shared/llm-generation';
import { defineOptions } from './options';

/** The options of the commands that run the language model. */
export const LLM_GENERATION_OPTIONS = defineOptions({
  'max-new-tokens': { kind: 'int', value: 'N', min: 1, max: MAX_NEW_TOKENS_LIMIT, help: 'the most tokens one answer may have, thinking included (default: Settings)' },
  thinking: { kind: 'flag', negatable: true, help: "Qwen3 thinking on or off (default: Settings, else the chat template's)" },
});

export const LLM_GENERATION_USAGE = '[--max-new-tokens N] [--thinking | --no-thinking]';

/** What the flags ask for; a flag left out is absent, so Settings (defaults: @shared/llm-generation) decide. */
export function llmGenerationArgs(values: { readonly 'max-new-tokens': number | undefined; readonly thinking: boolean | undefined }): Partial<LlmGeneration> {
  const maxNewTokens = values['max-new-tokens'];
  return { ...(maxNewTokens !== undefined ? { maxNewTokens } : {}), ...(values.thinking !== undefined ? { thinking: values.thinking } : {}) };
}
