import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import { locateModelFile, MODEL_FILE_LIMITS, readModelFile, type ModelFile } from '../model-files';

/** Files every decoder-only ONNX export in the common (Optimum / transformers.js) layout has. */
export const REQUIRED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/**
 * ONNX weight files in order of preference on CPU: 4-bit and 8-bit first (smallest,
 * fastest with MatMulNBits / integer kernels), fp32, then fp16 variants that CPU runs slowly.
 */
export const ONNX_VARIANTS = [
  'model_q4.onnx',
  'model_int8.onnx',
  'model_quantized.onnx',
  'model_uint8.onnx',
  'model.onnx',
  'model_q4f16.onnx',
  'model_bnb4.onnx',
  'model_fp16.onnx',
] as const;

export interface LlmConfig {
  readonly architectures?: string[];
  readonly model_type?: string;
  readonly num_hidden_layers?: number;
  readonly num_attention_heads?: number;
  readonly num_key_value_heads?: number;
  readonly hidden_size?: number;
  readonly head_dim?: number;
  readonly eos_token_id?: number | number[];
  /** The longest sequence (prompt and answer) the model was made for. */
  readonly max_position_embeddings?: number;
}

export interface LlmFolderInfo {
  readonly folder: string;
  /** Real path of the chosen ONNX file (checked: inside the folder, a regular file). */
  readonly modelFile: string;
  /** Weight format from the file name: fp32, fp16, q4, q4f16, int8, uint8, quantized, bnb4. */
  readonly quantization: string;
  /** External-data files that belong to the model (loaded by ONNX Runtime next to it). */
  readonly externalData: readonly string[];
  /** Bytes of the model file plus its external data. */
  readonly bytes: number;
  readonly config: LlmConfig;
  /** The required JSON files, the model file and its external data, each checked. */
  readonly files: readonly ModelFile[];
}

export const quantizationOf = (file: string): string => /^model_?(.*)\.onnx$/.exec(file)?.[1] || 'fp32';

/** The most a file of the folder may weigh before it is read (see inference/model-files.ts). */
function limitFor(file: string): number {
  if (file === 'tokenizer.json') return MODEL_FILE_LIMITS.tokenizer;
  if (file.endsWith('.json')) return MODEL_FILE_LIMITS.json;
  if (file.endsWith('.onnx')) return MODEL_FILE_LIMITS.onnx;
  return MODEL_FILE_LIMITS.weights;
}

async function readJson<T>(folder: string, file: string): Promise<T> {
  const bytes = await readModelFile(await locateModelFile(folder, file, limitFor(file)), limitFor(file));
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new AppError('MODEL_INVALID', `${file} in ${folder} is not readable JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads and checks a model folder without loading weights: missing files are named. */
export async function inspectLlmFolder(folder: string, variant?: string): Promise<LlmFolderInfo> {
  const present = new Set(await readdir(folder).catch(() => null));
  if (present.size === 0) throw new AppError('MODEL_MISSING', `The language model folder ${folder} does not exist or is empty.`);
  const missing = REQUIRED_FILES.filter((file) => !present.has(file));
  if (missing.length) {
    throw new AppError('MODEL_MISSING', `The language model folder ${folder} is incomplete: ${missing.join(', ')} missing.`);
  }
  const onnxFiles = await readdir(join(folder, 'onnx')).catch(() => [] as string[]);
  const wanted = variant ? [variant.endsWith('.onnx') ? variant : `model_${variant}.onnx`] : ONNX_VARIANTS;
  const file = wanted.find((name) => onnxFiles.includes(name));
  if (!file) {
    throw new AppError('MODEL_MISSING', `The language model folder ${folder} is incomplete: onnx/${wanted.join(' or onnx/')} missing.`);
  }
  const config = await readJson<LlmConfig>(folder, 'config.json');
  const causal = (config.architectures ?? []).some((a) => a.endsWith('ForCausalLM'));
  if (!causal) {
    throw new AppError(
      'MODEL_INVALID',
      `${folder} is not a causal language model (config.json architectures: ${JSON.stringify(config.architectures ?? null)}; expected …ForCausalLM).`,
    );
  }
  const names = [...REQUIRED_FILES, ...[file, ...onnxFiles.filter((name) => name.startsWith(`${file}_data`)).sort()].map((name) => `onnx/${name}`)];
  // Each inside the folder once links are followed, a regular file, within its size: ONNX
  // Runtime opens the weights itself (and refuses external data outside their folder).
  const files = await Promise.all(names.map((name) => locateModelFile(folder, name, limitFor(name))));
  const weights = files.slice(REQUIRED_FILES.length);
  return {
    folder,
    modelFile: (weights[0] as ModelFile).path,
    quantization: quantizationOf(file),
    externalData: weights.slice(1).map((f) => f.path),
    bytes: weights.reduce((sum, f) => sum + f.bytes, 0),
    config,
    files,
  };
}

export { readJson as readModelJson };
