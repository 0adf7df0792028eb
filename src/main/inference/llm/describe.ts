import { AppError } from '@shared/errors';
import { DEFAULT_LLM_GENERATION, type Thinking } from '@shared/llm-generation';
import { generateChat, type GenerateResult } from './generate';
import type { LlmPool } from './pool';
import type { SamplingOptions } from './sampling';
import { splitThinking } from './stream';

/**
 * The describer integration point: the analysis pipeline calls this with the MELLM
 * prompt text when an LLM is configured (otherwise it uses the deterministic FACS
 * describer). It generates as the reference does unless told otherwise (one user message
 * through the chat template, greedy, the template's thinking default) with the cap of
 * @shared/llm-generation (2048 new tokens; MELLM's is 16384). The result carries the model id so both descriptions
 * can be stored.
 */
export interface DescribeWithLlmOptions {
  readonly folder: string;
  readonly maxNewTokens?: number;
  /** enable_thinking; null / absent: the template's default. The reasoning is stripped from the text unless keepThinking. */
  readonly thinking?: Thinking;
  readonly keepThinking?: boolean;
  /** null / absent: greedy, as MELLM decodes. */
  readonly sampling?: SamplingOptions | null;
  readonly system?: string;
  readonly onDelta?: (delta: string) => void;
  /** Called after each generated token with the count so far and the cap. */
  readonly onTokens?: (generated: number, maxNewTokens: number) => void;
  readonly signal?: AbortSignal;
  /** Where the model is loaded (and so how its chat template is rendered). */
  readonly pool: LlmPool;
}

export interface LlmDescription {
  /** The answer as shown: the `<think>` block removed (kept only with keepThinking). */
  readonly text: string;
  /** The model's reasoning (the `<think>` block's content), null when it wrote none. */
  readonly thinking: string | null;
  /** `<model_type>:<folder>:<quantization>`, stored with the description. */
  readonly modelId: string;
  /** The fingerprint of the model's files (identity.ts), stored with the description too. */
  readonly modelContent: string;
  readonly source: 'llm';
  readonly tokens: number;
  readonly finishReason: GenerateResult['finishReason'];
  readonly timings: GenerateResult['timings'];
}

export async function describeWithLlm(prompt: string, options: DescribeWithLlmOptions): Promise<LlmDescription> {
  const model = await options.pool.get(options.folder);
  const maxNewTokens = options.maxNewTokens ?? DEFAULT_LLM_GENERATION.maxNewTokens;
  let generated = 0;
  const result = await generateChat(model, {
    prompt,
    maxNewTokens,
    thinking: options.thinking ?? DEFAULT_LLM_GENERATION.thinking,
    ...(options.keepThinking !== undefined ? { keepThinking: options.keepThinking } : {}),
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.system ? { system: options.system } : {}),
    ...(options.onDelta ? { onDelta: options.onDelta } : {}),
    ...(options.onTokens ? { onToken: () => options.onTokens?.(++generated, maxNewTokens) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { thinking, answer } = splitThinking(result.rawText);
  const text = result.text.trim();
  // Without the reasoning shown there would be nothing to show; with it (keepThinking) it is the text.
  if (!options.keepThinking && !answer.trim() && thinking !== null && result.finishReason === 'length') {
    throw new AppError(
      'INVALID_INPUT',
      `The language model spent all ${result.tokens.length} new tokens thinking and wrote no description: raise the maximum of new tokens or turn thinking off.`,
    );
  }
  return {
    text,
    thinking,
    modelId: model.id,
    modelContent: model.contentId,
    source: 'llm',
    tokens: result.tokens.length,
    finishReason: result.finishReason,
    timings: result.timings,
  };
}
