import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { AppError } from '@shared/errors';
import type { Image8 } from '../../media/image';
import { locateModelFileSync, MODEL_FILE_LIMITS, readModelFile, readModelTextSync, type ModelFile } from '../model-files';
import { externalDataLocations } from '../onnx/external-data';
import type { SessionCache, SessionGuard } from '../onnx/session';
import { assertSameSize, grayPlane, throwIfAborted, type FlowEstimateOptions, type FlowModel } from './model';
import type { FlowField } from './types';

/**
 * Learned flow models (RAFT, SEA-RAFT, WAFT, MEFlowNet exports) drop in as a folder with
 * the .onnx file and a `flow.json` contract beside it that says how to feed and read it.
 */
export const FlowContractSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  model: z.string().default('model.onnx'),
  /** Input tensor names for frame1 and frame2 (or one name with `stacked`: [1, 2C, H, W]). */
  inputs: z.tuple([z.string(), z.string()]).or(z.tuple([z.string()])),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  /** Pixel range the network expects: 0–255, 0–1, or −1–1 (then mean/std if given). */
  range: z.enum(['0-255', '0-1', '-1-1']).default('0-255'),
  mean: z.tuple([z.number(), z.number(), z.number()]).optional(),
  std: z.tuple([z.number(), z.number(), z.number()]).optional(),
  /** H and W are padded (edge replicate, centred like RAFT's InputPadder) to a multiple of this. */
  padMultiple: z.number().int().min(1).max(512).default(8),
  output: z.string().default('flow'),
  /** Multiplies the output to get pixels of the input (e.g. 1, or 20 for FlowNet-style). */
  outputScale: z.number().default(1),
});
export type FlowContract = z.infer<typeof FlowContractSchema>;

export function readFlowContract(folder: string): FlowContract {
  const path = join(folder, 'flow.json');
  let text: string;
  try {
    text = readModelTextSync(folder, 'flow.json', MODEL_FILE_LIMITS.json);
  } catch (error) {
    // A FIFO, a device, a link out of the folder: refused as such, not as a missing contract.
    if (error instanceof AppError && error.code === 'MODEL_INVALID') throw error;
    throw new AppError('MODEL_MISSING', `No readable flow.json contract in ${folder}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError('MODEL_INVALID', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = FlowContractSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('MODEL_INVALID', `${path} is not a valid flow contract: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Checks a folder a user chose as a learned flow model before anything is loaded from it:
 * an absolute path, a valid flow.json, and the ONNX file it names inside the folder, a
 * regular file within the size limit. The session itself is first created in the sandbox
 * when the model is used (LearnedFlowModel).
 */
export function checkFlowModelFolder(folder: string): FlowContract {
  if (!isAbsolute(folder)) throw new AppError('INVALID_INPUT', `A flow model folder must be an absolute path, got "${folder}"`);
  const contract = readFlowContract(folder);
  locateModelFileSync(folder, contract.model, MODEL_FILE_LIMITS.onnx);
  return contract;
}

export interface Padding {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

export function paddingFor(width: number, height: number, multiple: number): Padding {
  const paddedW = Math.ceil(width / multiple) * multiple;
  const paddedH = Math.ceil(height / multiple) * multiple;
  return { left: Math.floor((paddedW - width) / 2), top: Math.floor((paddedH - height) / 2), width: paddedW, height: paddedH };
}

/** Planar CHW float input, edge-padded and normalised per the contract. */
function toInput(image: Image8, contract: FlowContract, pad: Padding): Float32Array {
  const { width, height } = image;
  const channels = contract.channels;
  const source = channels === 1 ? grayPlane(image) : null;
  const out = new Float32Array(channels * pad.width * pad.height);
  const scale = contract.range === '0-255' ? 1 : contract.range === '0-1' ? 1 / 255 : 2 / 255;
  const offset = contract.range === '-1-1' ? -1 : 0;
  for (let c = 0; c < channels; c += 1) {
    const mean = contract.mean?.[c] ?? 0;
    const std = contract.std?.[c] ?? 1;
    for (let y = 0; y < pad.height; y += 1) {
      const sy = Math.min(Math.max(y - pad.top, 0), height - 1);
      for (let x = 0; x < pad.width; x += 1) {
        const sx = Math.min(Math.max(x - pad.left, 0), width - 1);
        const p = sy * width + sx;
        const value = source ? (source[p] as number) : (image.data[p * image.channels + (image.channels === 1 ? 0 : c)] as number);
        out[(c * pad.height + y) * pad.width + x] = (value * scale + offset - mean) / std;
      }
    }
  }
  return out;
}

export class LearnedFlowModel implements FlowModel {
  readonly id: string;
  readonly contract: FlowContract;
  readonly #file: ModelFile;
  readonly #sessions: SessionCache;
  readonly #guard: SessionGuard | undefined;

  /**
   * `guard`: where the session is first created, apart from this process (the sandbox);
   * absent, only in this process (a job process's own).
   */
  constructor(sessions: SessionCache, folder: string, guard?: SessionGuard) {
    this.contract = readFlowContract(folder);
    // Inside the folder, a regular file, at most one ONNX file's size: or refused here.
    this.#file = locateModelFileSync(folder, this.contract.model, MODEL_FILE_LIMITS.onnx);
    this.#sessions = sessions;
    this.#guard = guard;
    this.id = this.contract.id;
  }

  /** The model's bytes, once they proved self-contained and (with a guard) loadable elsewhere first. */
  async #bytes(): Promise<Uint8Array> {
    const bytes = await readModelFile(this.#file, MODEL_FILE_LIMITS.onnx);
    const external = externalDataLocations(bytes, `${this.#file.name} in ${this.#file.folder}`);
    if (external.length) {
      // Loaded from bytes, ONNX Runtime would look for them relative to the working directory.
      throw new AppError('MODEL_INVALID', `${this.#file.name} in ${this.#file.folder} keeps weights in external data (${external.join(', ')}); a flow model must be one self-contained .onnx file.`);
    }
    await this.#guard?.check(this.#file, createHash('sha256').update(bytes).digest('hex'));
    return bytes;
  }

  async estimate(frame1: Image8, frame2: Image8, options: FlowEstimateOptions = {}): Promise<FlowField> {
    assertSameSize(frame1, frame2);
    const { contract } = this;
    const session = await this.#sessions.get(this.#file.path, () => this.#bytes());
    const pad = paddingFor(frame1.width, frame1.height, contract.padMultiple);
    const a = toInput(frame1, contract, pad);
    const b = toInput(frame2, contract, pad);
    const c = contract.channels;
    const feeds: Record<string, ort.Tensor> =
      contract.inputs.length === 2
        ? {
            [contract.inputs[0]]: new ort.Tensor('float32', a, [1, c, pad.height, pad.width]),
            [contract.inputs[1] as string]: new ort.Tensor('float32', b, [1, c, pad.height, pad.width]),
          }
        : { [contract.inputs[0]]: new ort.Tensor('float32', concat(a, b), [1, 2 * c, pad.height, pad.width]) };
    throwIfAborted(options.signal);
    let output: ort.Tensor | undefined;
    try {
      output = (await session.run(feeds))[contract.output];
    } catch (error) {
      throw new AppError('MODEL_INVALID', `Flow model ${this.id} failed: ${(error as Error).message}`, { cause: error });
    }
    const dims = output?.dims ?? [];
    if (!output || dims.length !== 4 || dims[1] !== 2 || dims[2] !== pad.height || dims[3] !== pad.width) {
      throw new AppError('MODEL_INVALID', `Flow model ${this.id}: output ${contract.output} has shape [${dims.join(',')}], expected [1,2,${pad.height},${pad.width}]`);
    }
    return unpad(output.data as Float32Array, pad, frame1.width, frame1.height, contract.outputScale);
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function unpad(data: Float32Array, pad: Padding, width: number, height: number, scale: number): FlowField {
  const out = new Float32Array(2 * width * height);
  for (let c = 0; c < 2; c += 1) {
    for (let y = 0; y < height; y += 1) {
      const from = (c * pad.height + y + pad.top) * pad.width + pad.left;
      const row = data.subarray(from, from + width);
      const to = (c * height + y) * width;
      for (let x = 0; x < width; x += 1) out[to + x] = (row[x] as number) * scale;
    }
  }
  return { width, height, data: out };
}
