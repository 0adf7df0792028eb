/**
 * The inputs of one decoder step, built without per-element work where the step repeats
 * the same values: the attention mask is a view of one all-ones buffer that grows by
 * doubling, a decode step's ids and position are one-element arrays, and the KV cache is
 * handed from `present.*` to `past_key_values.*` by precomputed names. Per token this
 * costs a few small objects, not one BigInt per token of context.
 */
import * as ort from 'onnxruntime-node';
import type { KvLayout } from './model';

type Feeds = Record<string, ort.Tensor>;

const ONES_START = 1024;

function int64Of(values: readonly number[], from: number, offset = 0): BigInt64Array {
  const out = new BigInt64Array(values.length - from);
  for (let i = 0; i < out.length; i++) out[i] = BigInt((values[from + i] as number) + offset);
  return out;
}

function positions(from: number, count: number): BigInt64Array {
  const out = new BigInt64Array(count);
  for (let i = 0; i < count; i++) out[i] = BigInt(from + i);
  return out;
}

export class StepFeeds {
  readonly #kv: KvLayout;
  /** [past input name, present output name] per layer and kind. */
  readonly #names: ReadonlyArray<readonly [string, string]>;
  readonly #mask: boolean;
  readonly #positions: boolean;
  #ones = new BigInt64Array(0);

  constructor(kv: KvLayout, inputNames: ReadonlySet<string>) {
    this.#kv = kv;
    const names: Array<readonly [string, string]> = [];
    for (let layer = 0; layer < kv.layers; layer++) {
      for (const kind of ['key', 'value']) names.push([`past_key_values.${layer}.${kind}`, `present.${layer}.${kind}`]);
    }
    this.#names = names;
    this.#mask = inputNames.has('attention_mask');
    this.#positions = inputNames.has('position_ids');
  }

  /** A cache of zero past tokens (the first step, and every step without the cache). */
  emptyCache(): Feeds {
    const { kvHeads, headDim, type } = this.#kv;
    const dims = [1, kvHeads, 0, headDim];
    const cache: Feeds = {};
    for (const [past] of this.#names) cache[past] = type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
    return cache;
  }

  /** The cache the next step reads: this step's `present.*` outputs, as ONNX Runtime returned them. */
  nextCache(outputs: ort.InferenceSession.ReturnType): Feeds {
    const cache: Feeds = {};
    for (const [past, present] of this.#names) cache[past] = outputs[present] as ort.Tensor;
    return cache;
  }

  /** Feeds for `sequence[past…]` on top of `cache` (which holds the first `past` tokens). */
  build(sequence: readonly number[], past: number, cache: Feeds): Feeds {
    const fresh = sequence.length - past;
    const ids = fresh === 1 ? BigInt64Array.of(BigInt(sequence[past] as number)) : int64Of(sequence, past);
    const feeds: Feeds = { input_ids: new ort.Tensor('int64', ids, [1, fresh]), ...cache };
    if (this.#mask) feeds.attention_mask = new ort.Tensor('int64', this.#onesOf(sequence.length), [1, sequence.length]);
    if (this.#positions) feeds.position_ids = new ort.Tensor('int64', fresh === 1 ? BigInt64Array.of(BigInt(past)) : positions(past, fresh), [1, fresh]);
    return feeds;
  }

  #onesOf(length: number): BigInt64Array {
    if (this.#ones.length < length) {
      let size = Math.max(ONES_START, this.#ones.length);
      while (size < length) size *= 2;
      this.#ones = new BigInt64Array(size).fill(1n);
    }
    return this.#ones.subarray(0, length);
  }
}
