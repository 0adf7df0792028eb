import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';

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
}

export interface LlmFolderInfo {
  readonly folder: string;
  /** Absolute path of the chosen ONNX file. */
  readonly modelFile: string;
  /** Weight format from the file name: fp32, fp16, q4, q4f16, int8, uint8, quantized, bnb4. */
  readonly quantization: string;
  /** External-data files that belong to the model (loaded by ONNX Runtime next to it). */
  readonly externalData: readonly string[];
  /** Bytes of the model file plus its external data. */
  readonly bytes: number;
  readonly config: LlmConfig;
}

export const quantizationOf = (file: string): string => /^model_?(.*)\.onnx$/.exec(file)?.[1] || 'fp32';

async function readJson<T>(folder: string, file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(join(folder, file), 'utf8')) as T;
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
  const externalData = onnxFiles.filter((name) => name.startsWith(`${file}_data`)).sort();
  const sizes = await Promise.all([file, ...externalData].map(async (name) => (await stat(join(folder, 'onnx', name))).size));
  return {
    folder,
    modelFile: join(folder, 'onnx', file),
    quantization: quantizationOf(file),
    externalData: externalData.map((name) => join(folder, 'onnx', name)),
    bytes: sizes.reduce((a, b) => a + b, 0),
    config,
  };
}

export { readJson as readModelJson };
