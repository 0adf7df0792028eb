import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write';
import { AppError } from '@shared/errors';
import { locateModelFile, MODEL_FILE_LIMITS, readModelFile } from '../model-files';
import { QWEN3_CHAT_TEMPLATE } from './qwen3-template';
import { ExternalDataFile } from '../onnx/external-data-file';
import { buildQwen3Decoder, type DecoderWeights, type Qwen3DecoderShape } from './qwen3-graph';
import { SPECIAL_TOKENS, tinyTokenizerJson } from './tiny-tokenizer';

export interface TinyModelOptions {
  readonly seed?: number;
  readonly layers?: number;
  readonly kvType?: 'float32' | 'float16';
  /**
   * A folder with a real tokenizer.json + tokenizer_config.json (e.g. a Qwen3 export) to
   * use instead of the built-in tiny vocabulary: the model then has the real vocabulary,
   * special tokens and chat template, and the graph the real vocabulary width (loop costs
   * that scale with it, argmax and sampling, are measured at full size). The tests pass
   * Qwen3's own files (test/helpers/qwen3.ts).
   */
  readonly tokenizerFrom?: string;
  /** Overrides of the tiny shape (the bench passes QWEN3_0_6B_SHAPE). */
  readonly shape?: Partial<Qwen3DecoderShape>;
  /** float32 (onnx/model.onnx) or 4-bit MatMulNBits (onnx/model_q4.onnx). */
  readonly weights?: DecoderWeights;
  /** Weights in onnx/<model>.onnx_data beside the graph, as real exports past 2 GB ship them. */
  readonly externalData?: boolean;
}

/** Qwen3-0.6B's published configuration (Qwen/Qwen3-0.6B config.json). */
export const QWEN3_0_6B_SHAPE: Qwen3DecoderShape = {
  vocabSize: 151_936,
  hiddenSize: 1024,
  numHeads: 16,
  numKvHeads: 8,
  headDim: 128,
  intermediateSize: 3072,
  numLayers: 28,
  ropeTheta: 1_000_000,
  rmsNormEps: 1e-6,
  kvType: 'float32',
  tieWordEmbeddings: true,
};

interface TokenizerFiles {
  /** tokenizer.json and tokenizer_config.json as written into the model folder. */
  readonly tokenizer: string | Buffer;
  readonly config: string | Buffer;
  readonly vocabSize: number;
  tokenId(content: string): number;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A real tokenizer's two files, copied byte for byte (the template and vocabulary exactly as released). */
async function realTokenizer(folder: string): Promise<TokenizerFiles> {
  const read = async (name: string, limit: number) => readModelFile(await locateModelFile(folder, name, limit), limit);
  const [tokenizerBytes, config] = await Promise.all([read('tokenizer.json', MODEL_FILE_LIMITS.tokenizer), read('tokenizer_config.json', MODEL_FILE_LIMITS.json)]);
  let tokenizer: { model: { vocab: Record<string, number> }; added_tokens: Array<{ id: number; content: string }> };
  try {
    tokenizer = JSON.parse(tokenizerBytes.toString('utf8')) as typeof tokenizer;
    JSON.parse(config.toString('utf8'));
  } catch (error) {
    throw new AppError('MODEL_INVALID', `The tokenizer files in ${folder} are not readable JSON: ${(error as Error).message}`, { cause: error });
  }
  const ids = [...Object.values(tokenizer.model?.vocab ?? {}), ...(tokenizer.added_tokens ?? []).map((t) => t.id)];
  const vocabSize = ids.reduce((a, b) => Math.max(a, b), 0) + 1;
  const tokenId = (content: string) => {
    const id = (tokenizer.added_tokens ?? []).find((t) => t.content === content)?.id;
    if (id === undefined) throw new AppError('MODEL_INVALID', `${folder}/tokenizer.json has no ${content} token.`);
    return id;
  };
  return { tokenizer: tokenizerBytes, config, vocabSize, tokenId };
}

function builtInTokenizer(): TokenizerFiles {
  const { json: tokenizer, vocabSize } = tinyTokenizerJson();
  const tokenId = (content: string) => vocabSize - SPECIAL_TOKENS.length + SPECIAL_TOKENS.indexOf(content as (typeof SPECIAL_TOKENS)[number]);
  const config = {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    unk_token: null,
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
    tokenizer_class: 'Qwen2Tokenizer',
    errors: 'replace',
    split_special_tokens: false,
    chat_template: QWEN3_CHAT_TEMPLATE,
  };
  return { tokenizer: json(tokenizer), config: json(config), vocabSize, tokenId };
}

/**
 * Writes a complete, tiny, random-weight Qwen3-style ONNX export into `folder`
 * (config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx). Deterministic for a given seed. Used by tests, the bench and
 * `mellm llm make-tiny`; its text is gibberish by design.
 */
export async function makeTinyModel(folder: string, options: TinyModelOptions = {}): Promise<string> {
  const seed = options.seed ?? 1234;
  const source = options.tokenizerFrom ? await realTokenizer(options.tokenizerFrom) : builtInTokenizer();
  const { vocabSize, tokenId } = source;
  const shape: Qwen3DecoderShape = {
    vocabSize,
    hiddenSize: 32,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 8,
    intermediateSize: 64,
    numLayers: options.layers ?? 2,
    ropeTheta: 1_000_000,
    rmsNormEps: 1e-6,
    kvType: options.kvType ?? 'float32',
    ...options.shape,
  };
  if (shape.vocabSize < vocabSize) throw new AppError('INVALID_INPUT', `A vocabulary of ${shape.vocabSize} is narrower than the tokenizer's ${vocabSize} ids.`);
  const config = {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    vocab_size: shape.vocabSize,
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.numLayers,
    num_attention_heads: shape.numHeads,
    num_key_value_heads: shape.numKvHeads,
    head_dim: shape.headDim,
    hidden_act: 'silu',
    max_position_embeddings: options.shape ? 40_960 : 4096,
    rms_norm_eps: shape.rmsNormEps,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: shape.tieWordEmbeddings ?? false,
    torch_dtype: shape.kvType,
    bos_token_id: tokenId('<|endoftext|>'),
    eos_token_id: tokenId('<|im_end|>'),
  };
  const generationConfig = {
    bos_token_id: tokenId('<|endoftext|>'),
    eos_token_id: [tokenId('<|im_end|>'), tokenId('<|endoftext|>')],
    pad_token_id: tokenId('<|endoftext|>'),
    do_sample: false,
  };
  await mkdir(join(folder, 'onnx'), { recursive: true });
  const weights = options.weights ?? { format: 'float32' };
  const file = weights.format === 'q4' ? 'model_q4.onnx' : 'model.onnx';
  const external = options.externalData ? new ExternalDataFile(join(folder, 'onnx', `${file}_data`)) : null;
  let graph: Uint8Array;
  try {
    graph = buildQwen3Decoder(shape, seed, { weights, ...(external ? { external } : {}) });
  } finally {
    external?.close();
  }
  await writeFileAtomic(join(folder, 'onnx', file), graph);
  await writeFileAtomic(join(folder, 'tokenizer.json'), source.tokenizer);
  await writeFileAtomic(join(folder, 'tokenizer_config.json'), source.config);
  await writeFileAtomic(join(folder, 'generation_config.json'), json(generationConfig));
  await writeFileAtomic(join(folder, 'config.json'), json(config));
  return folder;
}
