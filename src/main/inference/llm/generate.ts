import { freemem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type * as ort from 'onnxruntime-node';
import { AppError } from '@shared/errors';
import { DEFAULT_MAX_NEW_TOKENS, type Thinking } from '@shared/llm-generation';
import type { ChatMessage, KvLayout, LlmModel } from './model';
import { argmax, sampleToken, type SamplingOptions } from './sampling';
import { StepFeeds } from './step-feeds';
import { stripThinking as stripThinkingText, TextDeltaDecoder, ThinkingFilter } from './stream';
import { seededRandom } from '../../util/random';

export interface GenerateOptions {
  /** The cap on new tokens (default DEFAULT_MAX_NEW_TOKENS; MELLM's is 16384); the model's context length caps it too. */
  readonly maxNewTokens?: number;
  /** null / absent: greedy decoding (MELLM's default). */
  readonly sampling?: SamplingOptions | null;
  /** Keep Qwen3's `<think>…</think>` block in the text (it is stripped by default). */
  readonly keepThinking?: boolean;
  /** Receives each text delta (whole UTF-8 characters) as soon as it is decoded. */
  readonly onDelta?: (delta: string) => void;
  /** Extra stop token ids on top of the model's eos ids and <|im_end|>. */
  readonly stopTokens?: readonly number[];
  /** Receives each generated token id (stop token excluded). */
  readonly onToken?: (id: number) => void;
  /** Checked before every token step: generation stops within one step of abort(). */
  readonly signal?: AbortSignal;
  /** false re-runs the whole sequence every step (the reference the cache is tested against). */
  readonly kvCache?: boolean;
  /**
   * Memory the KV cache may take; default: the memory free when generation starts. The
   * cache grows with every token, so a long answer is stopped with INSUFFICIENT_MEMORY
   * before it takes the machine.
   */
  readonly memoryBudgetBytes?: number;
}

export interface GenerateTimings {
  readonly promptTokens: number;
  readonly newTokens: number;
  readonly firstTokenMs: number;
  readonly totalMs: number;
  /** Time inside session.run(); the rest of totalMs is this loop's own overhead. */
  readonly runMs: number;
  readonly tokensPerSecond: number;
}

export interface GenerateResult {
  /** Generated text (thinking stripped unless keepThinking). */
  readonly text: string;
  /** Generated text as decoded, including any thinking block. */
  readonly rawText: string;
  /** Generated token ids, stop token excluded. */
  readonly tokens: number[];
  readonly finishReason: 'stop' | 'length';
  readonly timings: GenerateTimings;
}

export interface ChatRequest extends GenerateOptions {
  readonly prompt?: string;
  readonly messages?: readonly ChatMessage[];
  readonly system?: string;
  /** enable_thinking of the chat template; null or absent: the template's own default (Qwen3 thinks). */
  readonly thinking?: Thinking;
}

/** Renders the chat template for a prompt or message list and generates the assistant turn. */
export async function generateChat(model: LlmModel, request: ChatRequest): Promise<GenerateResult> {
  const messages: ChatMessage[] = request.messages
    ? [...request.messages]
    : [...(request.system ? [{ role: 'system' as const, content: request.system }] : []), { role: 'user', content: request.prompt ?? '' }];
  if (!messages.length || messages.every((m) => !m.content.trim())) throw new AppError('INVALID_INPUT', 'The prompt is empty.');
  const text = await model.renderChat(messages, { enableThinking: request.thinking ?? null, ...(request.signal ? { signal: request.signal } : {}) });
  return generate(model, model.encode(text), request);
}

/**
 * The same generation as an async iterator of text deltas (the result is its return
 * value). Leaving the loop early (break / return) cancels the generation.
 */
export async function* streamChat(model: LlmModel, request: ChatRequest): AsyncGenerator<string, GenerateResult | null> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const pending: string[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  const run = generateChat(model, {
    ...request,
    signal: controller.signal,
    onDelta: (delta) => {
      pending.push(delta);
      wake?.();
    },
  }).finally(() => {
    finished = true;
    wake?.();
  });
  run.catch(() => undefined);
  try {
    while (!finished || pending.length) {
      if (!pending.length) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      while (pending.length) yield pending.shift() as string;
    }
    return await run;
  } finally {
    if (!finished) controller.abort();
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The logits of the last position as float32, read in place: a view of the output for
 * float32, float16 outputs widened into `scratch` (reused across steps) through a table
 * of all 65,536 half values, so a step allocates nothing vocabulary-sized.
 */
function lastLogits(logits: ort.Tensor, scratch: { row: Float32Array | null }): Float32Array {
  const vocab = logits.dims[logits.dims.length - 1] as number;
  const start = logits.size - vocab;
  if (logits.type === 'float32') return (logits.data as Float32Array).subarray(start, logits.size);
  if (logits.type === 'float16') {
    const half = (logits.data as Uint16Array).subarray(start, logits.size);
    const row = scratch.row?.length === vocab ? scratch.row : (scratch.row = new Float32Array(vocab));
    const table = halfTable();
    for (let i = 0; i < vocab; i++) row[i] = table[half[i] as number] as number;
    return row;
  }
  throw new AppError('MODEL_INVALID', `Unsupported logits type ${logits.type}.`);
}

let HALF_TO_FLOAT: Float32Array | null = null;

function halfTable(): Float32Array {
  if (!HALF_TO_FLOAT) {
    HALF_TO_FLOAT = new Float32Array(65_536);
    for (let h = 0; h < 65_536; h++) HALF_TO_FLOAT[h] = halfToFloat(h);
  }
  return HALF_TO_FLOAT;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Bytes the KV cache holds per token of the sequence: keys and values of every layer. */
export function kvBytesPerToken(kv: KvLayout): number {
  return 2 * kv.layers * kv.kvHeads * kv.headDim * (kv.type === 'float16' ? 2 : 4);
}

const MB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/** The new tokens a prompt leaves room for: the cap, within the model's context length. */
function newTokenLimit(model: LlmModel, promptTokens: number, cap: number): number {
  const context = model.info.config.max_position_embeddings;
  if (!context) return cap;
  if (promptTokens >= context) {
    throw new AppError('INVALID_INPUT', `The prompt has ${promptTokens} tokens; ${model.info.folder} reads at most ${context} (max_position_embeddings) and has no room left to answer.`);
  }
  return Math.min(cap, context - promptTokens);
}

/** Autoregressive decoding from prompt token ids, with the KV cache carried between steps. */
export async function generate(model: LlmModel, promptIds: readonly number[], options: GenerateOptions = {}): Promise<GenerateResult> {
  const maxNewTokens = newTokenLimit(model, promptIds.length, options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
  const perToken = kvBytesPerToken(model.kv);
  const budget = options.memoryBudgetBytes ?? freemem();
  const useCache = options.kvCache ?? true;
  const random = options.sampling ? seededRandom(options.sampling.seed) : null;
  const deltas = new TextDeltaDecoder((ids) => model.decode(ids));
  const thinking = new ThinkingFilter(options.keepThinking ?? false);
  const emit = (delta: string) => {
    const visible = thinking.push(delta);
    if (visible) options.onDelta?.(visible);
  };
  const sequence = [...promptIds];
  const tokens: number[] = [];
  let rawText = '';
  const steps = new StepFeeds(model.kv, model.inputNames);
  let cache = steps.emptyCache();
  const widened = { row: null as Float32Array | null };
  let runMs = 0;
  let firstTokenMs = 0;
  let finishReason: GenerateResult['finishReason'] = 'length';
  const started = performance.now();

  while (tokens.length < maxNewTokens) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'Generation was cancelled.');
    // While a step runs, the cache fed in and the one coming out (a token longer) both live.
    const cacheBytes = 2 * (sequence.length + 1) * perToken;
    if (cacheBytes > budget) {
      throw new AppError(
        'INSUFFICIENT_MEMORY',
        `The answer reached ${tokens.length} tokens: its next step needs ${MB(cacheBytes)} of KV cache, more than the ${MB(budget)} free when it started. Lower the maximum of new tokens or close other programs.`,
      );
    }
    const past = useCache && tokens.length > 0 ? sequence.length - 1 : 0;
    const feeds = steps.build(sequence, past, useCache ? cache : steps.emptyCache());
    const runStart = performance.now();
    let outputs: ort.InferenceSession.ReturnType;
    try {
      outputs = await model.session.run(feeds);
    } catch (error) {
      throw new AppError('INTERNAL', `The language model failed at token ${tokens.length}: ${(error as Error).message}`, { cause: error });
    }
    runMs += performance.now() - runStart;
    const logits = lastLogits(outputs.logits as ort.Tensor, widened);
    const next = random && options.sampling ? sampleToken(logits, options.sampling, random) : argmax(logits);
    if (useCache) cache = steps.nextCache(outputs);
    if (tokens.length === 0) firstTokenMs = performance.now() - started;
    if (model.stopIds.has(next) || options.stopTokens?.includes(next)) {
      finishReason = 'stop';
      break;
    }
    tokens.push(next);
    sequence.push(next);
    options.onToken?.(next);
    const delta = deltas.push(next);
    rawText += delta;
    if (delta) emit(delta);
  }
  const tail = deltas.flush();
  rawText += tail;
  if (tail) emit(tail);
  const last = thinking.finish();
  if (last) options.onDelta?.(last);
  const totalMs = performance.now() - started;
  return {
    text: options.keepThinking ? rawText : stripThinkingText(rawText),
    rawText,
    tokens,
    finishReason,
    timings: {
      promptTokens: promptIds.length,
      newTokens: tokens.length,
      firstTokenMs,
      totalMs,
      runMs,
      tokensPerSecond: tokens.length / Math.max(totalMs / 1000, 1e-9),
    },
  };
}


