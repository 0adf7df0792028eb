import { readFile } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../../util/atomic-write';
import type { FlowField } from './types';

/**
 * Middlebury `.flo`: float32 magic 202021.25 ("PIEH"), int32 width, int32 height, then
 * width·height interleaved (u, v) float32 pairs, row-major, little-endian. Values above
 * 1e9 mark unknown flow (kept as they are: callers decide how to treat them).
 */
export const FLO_MAGIC = 202021.25;
export const FLO_UNKNOWN = 1e9;
const HEADER_BYTES = 12;
/** Far beyond any video frame; guards against allocating gigabytes for a garbage header. */
const MAX_SIDE = 1 << 15;

export function isUnknownFlow(u: number, v: number): boolean {
  return !(Math.abs(u) <= FLO_UNKNOWN && Math.abs(v) <= FLO_UNKNOWN);
}

export function decodeFlo(bytes: Uint8Array, name = '.flo data'): FlowField {
  if (bytes.byteLength < HEADER_BYTES) {
    throw new AppError('INVALID_INPUT', `${name} is not a .flo file: ${bytes.byteLength} bytes is shorter than the 12-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getFloat32(0, true);
  if (magic !== FLO_MAGIC) {
    throw new AppError('INVALID_INPUT', `${name} is not a .flo file: bad magic number ${magic} (expected ${FLO_MAGIC})`);
  }
  const width = view.getInt32(4, true);
  const height = view.getInt32(8, true);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new AppError('INVALID_INPUT', `${name} has an impossible size ${width}×${height}`);
  }
  const expected = HEADER_BYTES + width * height * 8;
  if (bytes.byteLength !== expected) {
    const what = bytes.byteLength < expected ? 'truncated' : 'longer than its header says';
    throw new AppError('INVALID_INPUT', `${name} is ${what}: ${bytes.byteLength} bytes for ${width}×${height} (expected ${expected})`);
  }
  const plane = width * height;
  const data = new Float32Array(2 * plane);
  for (let i = 0, offset = HEADER_BYTES; i < plane; i += 1, offset += 8) {
    data[i] = view.getFloat32(offset, true);
    data[plane + i] = view.getFloat32(offset + 4, true);
  }
  return { width, height, data };
}

export function encodeFlo(field: FlowField): Uint8Array {
  const { width, height, data } = field;
  const plane = width * height;
  if (data.length !== 2 * plane) {
    throw new AppError('INVALID_INPUT', `Flow field holds ${data.length} values, expected ${2 * plane} for ${width}×${height}`);
  }
  const bytes = new Uint8Array(HEADER_BYTES + plane * 8);
  const view = new DataView(bytes.buffer);
  view.setFloat32(0, FLO_MAGIC, true);
  view.setInt32(4, width, true);
  view.setInt32(8, height, true);
  for (let i = 0, offset = HEADER_BYTES; i < plane; i += 1, offset += 8) {
    view.setFloat32(offset, data[i] as number, true);
    view.setFloat32(offset + 4, data[plane + i] as number, true);
  }
  return bytes;
}

export async function readFlo(path: string): Promise<FlowField> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError('NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return decodeFlo(bytes, path);
}

/** Writes atomically: a crash never leaves a half-written .flo behind. */
export async function writeFlo(path: string, field: FlowField): Promise<void> {
  await writeFileAtomic(path, encodeFlo(field), 0o644);
}

/** Mean end-point error over pixels whose ground truth is known. */
export function endPointError(estimate: FlowField, truth: FlowField): number {
  if (estimate.width !== truth.width || estimate.height !== truth.height) {
    throw new AppError('INVALID_INPUT', `Flow sizes differ: ${estimate.width}×${estimate.height} vs ${truth.width}×${truth.height}`);
  }
  const plane = truth.width * truth.height;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < plane; i += 1) {
    const gu = truth.data[i] as number;
    const gv = truth.data[plane + i] as number;
    if (isUnknownFlow(gu, gv)) continue;
    sum += Math.hypot((estimate.data[i] as number) - gu, (estimate.data[plane + i] as number) - gv);
    count += 1;
  }
  return count ? sum / count : Number.NaN;
}
