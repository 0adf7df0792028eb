import type { FlowField } from '../../inference/flow/types';
import type { RgbImage } from '../../media/image';

/** Bilinear samples of fields and images with edge clamping: the synthesiser's exact warping primitives. */

interface Cell {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly fx: number;
  readonly fy: number;
}

/** The clamped pixel cell around (x, y) and the fractional position inside it. */
function cellAt(width: number, height: number, x: number, y: number): Cell {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  return { x0, y0, x1: Math.min(x0 + 1, width - 1), y1: Math.min(y0 + 1, height - 1), fx: cx - x0, fy: cy - y0 };
}

export function sampleField(field: FlowField, x: number, y: number): [number, number] {
  const { width, height, data } = field;
  const { x0, y0, x1, y1, fx, fy } = cellAt(width, height, x, y);
  const plane = width * height;
  const i00 = y0 * width + x0;
  const i10 = y0 * width + x1;
  const i01 = y1 * width + x0;
  const i11 = y1 * width + x1;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  return [
    w00 * (data[i00] as number) + w10 * (data[i10] as number) + w01 * (data[i01] as number) + w11 * (data[i11] as number),
    w00 * (data[plane + i00] as number) + w10 * (data[plane + i10] as number) + w01 * (data[plane + i01] as number) + w11 * (data[plane + i11] as number),
  ];
}

/**
 * Solves p + s·F(p) = (x, y) for p by fixed-point iteration: F is smooth and small
 * (|∇F| ≪ 1), so p ← q − s·F(p) contracts; 1e-6 px is reached in a few steps.
 */
export function invertDisplacement(field: FlowField, s: number, x: number, y: number): [number, number] {
  let px = x;
  let py = y;
  if (s === 0) return [px, py];
  for (let k = 0; k < 30; k += 1) {
    const [u, v] = sampleField(field, px, py);
    const nx = x - s * u;
    const ny = y - s * v;
    const done = Math.abs(nx - px) < 1e-6 && Math.abs(ny - py) < 1e-6;
    px = nx;
    py = ny;
    if (done) break;
  }
  return [px, py];
}

/** Writes the bilinear RGB sample of `image` at (x, y) into out[offset..offset+2] (floats). */
export function sampleRgb(image: RgbImage, x: number, y: number, out: Float32Array, offset: number): void {
  const { width, height, data } = image;
  const { x0, y0, x1, y1, fx, fy } = cellAt(width, height, x, y);
  for (let c = 0; c < 3; c += 1) {
    const a = data[(y0 * width + x0) * 3 + c] as number;
    const b = data[(y0 * width + x1) * 3 + c] as number;
    const d = data[(y1 * width + x0) * 3 + c] as number;
    const e = data[(y1 * width + x1) * 3 + c] as number;
    out[offset + c] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * d + fx * e);
  }
}
