import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '@shared/errors';

/**
 * The parts of a TF.js graph-model `model.json` the converter reads. Attribute values
 * follow TF's AttrValue JSON: strings are base64, integers are decimal strings.
 */
export interface TfAttr {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: string;
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly (string | number)[]; readonly f?: readonly number[] };
  readonly shape?: { readonly dim?: readonly { readonly size?: string | number }[] };
}

export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfAttr>>;
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool' | string;
  readonly quantization?: { readonly dtype: 'float16' | 'uint8' | 'uint16'; readonly min?: number; readonly scale?: number };
}

export interface ModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: { readonly node: readonly TfNode[] };
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly WeightSpec[] }[];
  readonly signature?: unknown;
  readonly userDefinedMetadata?: unknown;
}

/** A decoded constant: float weights dequantised to float32, index tensors as int32. */
export interface TfWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

export interface LoadedGraphModel {
  readonly json: ModelJson;
  /** All weight shards concatenated, in manifest order (what TF.js's IO handlers produce). */
  readonly weightData: ArrayBuffer;
  readonly weights: ReadonlyMap<string, TfWeight>;
}

export async function loadGraphModel(jsonPath: string): Promise<LoadedGraphModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  } catch (error) {
    throw new AppError('MODEL_MISSING', `Cannot read the TF.js model ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
  if (!json.modelTopology?.node || !Array.isArray(json.weightsManifest)) {
    throw new AppError('MODEL_INVALID', `${jsonPath} is not a TF.js graph model (no modelTopology.node / weightsManifest)`);
  }
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) shards.push(await readFile(join(dirname(jsonPath), path)));
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { json, weightData, weights: decodeWeights(json.weightsManifest.flatMap((g) => g.weights), weightData) };
}

const BYTES: Record<string, number> = { float16: 2, uint8: 1, uint16: 2, float32: 4, int32: 4, bool: 1 };

/** Walks the weight specs in order, dequantising float16 / uint8 / uint16 storage. */
export function decodeWeights(specs: readonly WeightSpec[], buffer: ArrayBuffer): Map<string, TfWeight> {
  const weights = new Map<string, TfWeight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES[stored];
    if (size === undefined) throw new AppError('MODEL_INVALID', `Weight ${spec.name}: unsupported storage dtype ${stored}`);
    const bytes = buffer.slice(offset, offset + count * size);
    if (bytes.byteLength !== count * size) throw new AppError('MODEL_INVALID', `Weight ${spec.name}: the weight shards are too short`);
    offset += count * size;
    weights.set(spec.name, { shape: spec.shape, data: decode(spec, stored, bytes, count) });
  }
  return weights;
}

function decode(spec: WeightSpec, stored: string, bytes: ArrayBuffer, count: number): Float32Array | Int32Array {
  const q = spec.quantization;
  if (spec.dtype === 'int32') {
    if (q) return Int32Array.from(dequantise(q, stored, bytes, count), Math.round);
    return new Int32Array(bytes);
  }
  if (spec.dtype === 'bool') return Int32Array.from(new Uint8Array(bytes));
  if (!q) return new Float32Array(bytes);
  return dequantise(q, stored, bytes, count);
}

function dequantise(q: NonNullable<WeightSpec['quantization']>, stored: string, bytes: ArrayBuffer, count: number): Float32Array {
  const out = new Float32Array(count);
  if (stored === 'float16') {
    const half = new Uint16Array(bytes);
    for (let i = 0; i < count; i += 1) out[i] = halfToFloat(half[i] as number);
    return out;
  }
  // Affine integer quantisation: value = q · scale + min (TF.js's dequantize rule).
  const ints = stored === 'uint8' ? new Uint8Array(bytes) : new Uint16Array(bytes);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  for (let i = 0; i < count; i += 1) out[i] = (ints[i] as number) * scale + min;
  return out;
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
