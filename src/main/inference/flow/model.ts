import type { Image8 } from '../../media/image';
import { AppError } from '@shared/errors';
import type { FlowField } from './types';

/**
 * The flow-model contract every stage caller relies on: two frames of the same size in
 * (any size: the model pads or resizes internally), dense flow out in pixels of the
 * input, frame1 (x, y) → frame2 (x + u, y + v).
 */
export interface FlowModel {
  readonly id: string;
  estimate(frame1: Image8, frame2: Image8, options?: FlowEstimateOptions): Promise<FlowField>;
}

export interface FlowEstimateOptions {
  readonly signal?: AbortSignal;
}

export function assertSameSize(frame1: Image8, frame2: Image8): void {
  if (frame1.width !== frame2.width || frame1.height !== frame2.height) {
    throw new AppError(
      'INVALID_INPUT',
      `The two frames differ in size: ${frame1.width}×${frame1.height} and ${frame2.width}×${frame2.height}`,
    );
  }
  if (frame1.width < 2 || frame1.height < 2) {
    throw new AppError('INVALID_INPUT', `Frames of ${frame1.width}×${frame1.height} are too small for optical flow`);
  }
}

/**
 * Gray intensities 0–255 as float32 (BT.601 luma for colour frames, rounded as toGray
 * rounds it), written straight into the plane: no 8-bit gray image in between.
 */
export function grayPlane(image: Image8): Float32Array {
  const out = new Float32Array(image.width * image.height);
  writeGray(image, out, 0, 1);
  return out;
}

/**
 * Writes `image`'s gray intensities × `scale` into `out` from `offset` (each product rounded
 * to float32 once, as a float32 multiplication in a graph would round it).
 */
export function writeGray(image: Image8, out: Float32Array, offset: number, scale: number): void {
  const { width, height, channels, data } = image;
  const plane = width * height;
  if (data.length < plane * channels) throw new AppError('INVALID_INPUT', `A ${width}×${height} frame needs ${plane * channels} bytes, got ${data.length}`);
  if (out.length < offset + plane) throw new RangeError(`writeGray: ${out.length} values cannot hold a ${width}×${height} plane at ${offset}`);
  if (channels === 1) {
    for (let i = 0; i < plane; i += 1) out[offset + i] = (data[i] as number) * scale;
    return;
  }
  for (let i = 0, j = 0; i < plane; i += 1, j += 3) out[offset + i] = Math.round(0.299 * (data[j] as number) + 0.587 * (data[j + 1] as number) + 0.114 * (data[j + 2] as number)) * scale;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('CANCELLED', 'Optical flow was cancelled');
}
