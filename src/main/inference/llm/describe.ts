import { generateChat, type GenerateResult } from './generate';
import type { LlmPool } from './pool';
import type { SamplingOptions } from './sampling';

/**
 * The describer integration point: the analysis pipeline calls this with the MELLM
 * prompt text when an LLM is configured (otherwise it uses the deterministic FACS
 * describer). The result carries the model id so both descriptions can be stored.
 */
export interface DescribeWithLlmOptions {
  readonly folder: string;
  readonly maxNewTokens?: number;
  /** Qwen3 thinking (enable_thinking); the reasoning is stripped unless keepThinking. */
  readonly thinking?: boolean;
  readonly keepThinking?: boolean;
  /** null / absent: greedy, as MELLM decodes. */
  readonly sampling?: SamplingOptions | null;
  readonly system?: string;
  readonly onDelta?: (delta: string) => void;
  readonly signal?: AbortSignal;
  /** Where the model is loaded (and so how its chat template is rendered). */
  readonly pool: LlmPool;
}

export interface LlmDescription {
  readonly text: string;
  /** `<model_type>:<folder>:<quantization>`, stored with the description. */
  readonly modelId: string;
  readonly source: 'llm';
  readonly tokens: number;
  readonly finishReason: GenerateResult['finishReason'];
  readonly timings: GenerateResult['timings'];
}

export async function describeWithLlm(prompt: string, options: DescribeWithLlmOptions): Promise<LlmDescription> {
  const model = await options.pool.get(options.folder);
  const result = await generateChat(model, {
    prompt,
    maxNewTokens: options.maxNewTokens ?? 512,
    thinking: options.thinking ?? false,
    ...(options.keepThinking !== undefined ? { keepThinking: options.keepThinking } : {}),
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.system ? { system: options.system } : {}),
    ...(options.onDelta ? { onDelta: options.onDelta } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    text: result.text.trim(),
    modelId: model.id,
    source: 'llm',
    tokens: result.tokens.length,
    finishReason: result.finishReason,
    timings: result.timings,
  };
}
