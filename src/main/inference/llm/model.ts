import { freemem } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { AppError } from '@shared/errors';
import type { ExecutionProvider } from '../onnx/session';
import { inspectLlmFolder, readModelJson, type LlmFolderInfo } from './folder';
import { llmContentId } from './identity';
import { checkChatTemplate, type ChatMessage, type TemplateRenderer } from './template';

export type { ChatMessage } from './template';

export interface LoadLlmOptions {
  /** Renders the folder's chat template: the sandbox (jobs/sandbox.ts) for any folder a user chose. */
  readonly renderer: TemplateRenderer;
  /** ONNX file to use (`q4`, `fp16`, `model.onnx`, …); default: the first of ONNX_VARIANTS present. */
  readonly variant?: string;
  readonly providers?: readonly ExecutionProvider[];
  readonly intraOpThreads?: number;
  /** Free memory to check the weights against; os.freemem() by default. */
  readonly freeMemoryBytes?: number;
  /** The files' content fingerprint when the caller has just read it (identity.ts); else read here. */
  readonly contentId?: string;
}

/** Shape of the KV cache as the session declares it: [batch, kvHeads, past, headDim]. */
export interface KvLayout {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: 'float32' | 'float16';
}

// Weights are mapped into memory once; activations and the KV cache need headroom on top.
const MEMORY_HEADROOM = 1.2;

/** A loaded decoder-only model: ONNX session, tokenizer, chat template, stop tokens. */
export class LlmModel {
  private constructor(
    readonly info: LlmFolderInfo,
    /** The fingerprint of the files it was loaded from (identity.ts): what the model is, wherever it is. */
    readonly contentId: string,
    readonly session: ort.InferenceSession,
    readonly tokenizer: Tokenizer,
    readonly kv: KvLayout,
    readonly stopIds: ReadonlySet<number>,
    readonly inputNames: ReadonlySet<string>,
    private readonly chat: { readonly template: string; readonly renderer: TemplateRenderer; readonly special: { bos_token: string; eos_token: string } },
  ) {}

  /** Where the model is (type, folder, weight format), stored next to the descriptions it writes; `contentId` says what it is. */
  get id(): string {
    return `${this.info.config.model_type ?? 'llm'}:${this.info.folder}:${this.info.quantization}`;
  }

  static async load(folder: string, options: LoadLlmOptions): Promise<LlmModel> {
    const info = await inspectLlmFolder(folder, options.variant);
    const free = options.freeMemoryBytes ?? freemem();
    if (info.bytes * MEMORY_HEADROOM > free) {
      const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
      throw new AppError(
        'INSUFFICIENT_MEMORY',
        `The language model needs about ${mb(info.bytes * MEMORY_HEADROOM)} of memory but only ${mb(free)} is free; close other programs or choose a smaller (quantised) model.`,
      );
    }
    const [tokenizerJson, tokenizerConfig, generationConfig, contentId] = await Promise.all([
      readModelJson<object>(folder, 'tokenizer.json'),
      readModelJson<Record<string, unknown>>(folder, 'tokenizer_config.json'),
      readModelJson<{ eos_token_id?: number | number[] }>(folder, 'generation_config.json'),
      options.contentId ?? llmContentId(info.files),
    ]);
    // Before the weights load: a template that cannot render makes the folder unusable.
    const { template, special } = await checkChatTemplate(tokenizerConfig, folder, options.renderer);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new AppError('MODEL_INVALID', `The tokenizer in ${folder} cannot be used: ${(error as Error).message}`, { cause: error });
    }
    let session: ort.InferenceSession;
    try {
      // From the path (not bytes) so ONNX Runtime finds *.onnx_data next to the model.
      session = await ort.InferenceSession.create(info.modelFile, {
        executionProviders: [...(options.providers ?? []).filter((p) => p !== 'cpu'), 'cpu'],
        graphOptimizationLevel: 'all',
        ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      });
    } catch (error) {
      throw new AppError('MODEL_INVALID', `${info.modelFile} is not a loadable ONNX model: ${(error as Error).message}`, { cause: error });
    }
    try {
      const kv = kvLayout(session, info);
      const stop = new Set<number>([generationConfig.eos_token_id ?? [], info.config.eos_token_id ?? []].flat());
      const imEnd = tokenizer.token_to_id('<|im_end|>');
      if (imEnd !== undefined) stop.add(imEnd);
      return new LlmModel(info, contentId, session, tokenizer, kv, stop, new Set(session.inputNames), { template, renderer: options.renderer, special });
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * `apply_chat_template(messages, add_generation_prompt=True, enable_thinking=…)` as text,
   * rendered by the model's renderer; `enableThinking` null or absent leaves the variable
   * out, so the template's own default holds.
   */
  renderChat(messages: readonly ChatMessage[], options: { enableThinking?: boolean | null; addGenerationPrompt?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const context = {
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? true,
      ...(typeof options.enableThinking === 'boolean' ? { enable_thinking: options.enableThinking } : {}),
      ...this.chat.special,
    };
    return this.chat.renderer.render({ template: this.chat.template, context, origin: this.info.folder }, options.signal ? { signal: options.signal } : {});
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: false });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function kvLayout(session: ort.InferenceSession, info: LlmFolderInfo): KvLayout {
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  if (!inputs.has('input_ids') || !session.outputNames.includes('logits')) {
    throw new AppError('MODEL_INVALID', `${info.modelFile} is not a causal language model: it needs an input_ids input and a logits output.`);
  }
  // Feeds are built for exactly these inputs; anything else (e.g. a different export's extras) cannot be run.
  const unknown = [...inputs.keys()].filter((name) => !/^(input_ids|attention_mask|position_ids|past_key_values\.\d+\.(key|value))$/.test(name));
  if (unknown.length) {
    throw new AppError('MODEL_INVALID', `${info.modelFile} has inputs this loader does not feed: ${unknown.join(', ')}.`);
  }
  const layers = [...inputs.keys()].filter((name) => /^past_key_values\.\d+\.key$/.test(name)).length;
  const first = inputs.get('past_key_values.0.key');
  if (!layers || !first?.isTensor) {
    throw new AppError('MODEL_INVALID', `${info.modelFile} has no past_key_values inputs: export it with a KV cache ("with past").`);
  }
  const { config } = info;
  const dim = (index: number, fallback: number | undefined): number => {
    const declared = first.shape[index];
    const value = typeof declared === 'number' && declared > 0 ? declared : fallback;
    if (!value) throw new AppError('MODEL_INVALID', `config.json in ${info.folder} lacks the KV cache dimensions (num_key_value_heads, head_dim).`);
    return value;
  };
  const headDim = config.head_dim ?? (config.hidden_size && config.num_attention_heads ? config.hidden_size / config.num_attention_heads : undefined);
  if (first.type !== 'float32' && first.type !== 'float16') {
    throw new AppError('MODEL_INVALID', `${info.modelFile} has a ${first.type} KV cache; float32 and float16 are supported.`);
  }
  const layout = { layers, kvHeads: dim(1, config.num_key_value_heads), headDim: dim(3, headDim), type: first.type };
  // config.json and the graph must agree, or the cache fed back would have the wrong shape.
  const expected = { layers: config.num_hidden_layers, kvHeads: config.num_key_value_heads, headDim };
  for (const [key, value] of Object.entries(expected)) {
    const actual = layout[key as keyof typeof expected];
    if (value !== undefined && value !== actual) {
      throw new AppError('MODEL_INVALID', `config.json in ${info.folder} does not match ${info.modelFile}: ${key} ${value} in config, ${actual} in the ONNX model.`);
    }
  }
  return layout;
}
