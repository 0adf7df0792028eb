import { AppError } from '@shared/errors';
import { AffineFitter, forEachBlock } from './affine-fit';
import { leavingFrame } from './border-extrapolation';

/**
 * Where frame 1 has no texture the data term says nothing, and the first-order smoothness
 * fills the region with a flow near the constant its surroundings average to: a rotating
 * or zooming layer's dark or flat part gets a translation, pixels off by the rotation
 * times the distance. Each `tile`×`tile` block holding textureless pixels (the smaller
 * eigenvalue of frame 1's structure tensor, averaged over a (2·half + 1)² window, below
 * `threshold`) gets a robust affine fit of the textured pixels' flow within `reach` of the
 * block (every `step` pixels), and its textureless pixels move towards the fit, fully
 * where the texture is absent and in proportion where it is faint.
 */
export interface TexturelessFillOptions {
  /** Pyramid level it runs on, after that level's warps. */
  readonly level: number;
  /** Half the side of the structure tensor's averaging window. */
  readonly half: number;
  /** Smaller eigenvalue (mean squared gradient, frames in [0, 1] per pixel) below which a pixel has no texture of its own. */
  readonly threshold: number;
  readonly tile: number;
  readonly reach: number;
  readonly step: number;
  readonly rounds: number;
  /** Cauchy scale of the residual (px). */
  readonly scale: number;
  /** Fewest textured samples a fit needs. */
  readonly minSamples: number;
  /**
   * Seed the fit with the block's textureless pixels' mean flow (the smoothness filled
   * them from their own surroundings, mostly their own layer), so a neighbouring layer's
   * textured pixels weigh little from the first round.
   */
  readonly seeded?: boolean;
  /** A pixel whose fitted flow differs from its own by more than this (px) keeps its own (absent: no limit). */
  readonly maxChange?: number;
}

const MAX_HALF = 16;

/**
 * Box mean of `values` over a (2·half + 1)² window clipped at the borders, from a summed-area
 * table (`table`: (width + 1)·(height + 1) entries, reused between calls).
 */
function boxMean(values: Float32Array, width: number, height: number, half: number, table: Float64Array): Float32Array {
  const stride = width + 1;
  for (let y = 0; y < height; y += 1) {
    let row = 0;
    for (let x = 0; x < width; x += 1) {
      row += values[y * width + x] as number;
      table[(y + 1) * stride + x + 1] = (table[y * stride + x + 1] as number) + row;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const top = Math.max(0, y - half) * stride;
    const bottom = (Math.min(height - 1, y + half) + 1) * stride;
    const rows = bottom / stride - top / stride;
    for (let x = 0; x < width; x += 1) {
      const left = Math.max(0, x - half);
      const right = Math.min(width - 1, x + half) + 1;
      const sum = (table[bottom + right] as number) - (table[bottom + left] as number) - (table[top + right] as number) + (table[top + left] as number);
      out[y * width + x] = sum / (rows * (right - left));
    }
  }
  return out;
}

/** The smaller eigenvalue of frame 1's structure tensor (central differences, box-averaged) per pixel. */
export function textureStrength(frame1: Float32Array, width: number, height: number, half: number): Float32Array {
  const plane = width * height;
  const jxx = new Float32Array(plane);
  const jxy = new Float32Array(plane);
  const jyy = new Float32Array(plane);
  for (let y = 0; y < height; y += 1) {
    const up = y > 0 ? -width : 0;
    const down = y < height - 1 ? width : 0;
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const gx = ((frame1[x < width - 1 ? i + 1 : i] as number) - (frame1[x > 0 ? i - 1 : i] as number)) / 2;
      const gy = ((frame1[i + down] as number) - (frame1[i + up] as number)) / 2;
      jxx[i] = gx * gx;
      jxy[i] = gx * gy;
      jyy[i] = gy * gy;
    }
  }
  // The table's first row and column stay zero; every other entry is rewritten per plane.
  const table = new Float64Array((width + 1) * (height + 1));
  const a = boxMean(jxx, width, height, half, table);
  const b = boxMean(jxy, width, height, half, table);
  const c = boxMean(jyy, width, height, half, table);
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i += 1) {
    const p = ((a[i] as number) + (c[i] as number)) / 2;
    const q = ((a[i] as number) - (c[i] as number)) / 2;
    out[i] = Math.max(0, p - Math.sqrt(q * q + (b[i] as number) ** 2));
  }
  return out;
}

/** Whether any pixel of the block is textureless (a weight below 1). */
function blockNeedsFit(weight: Float32Array, width: number, tx: number, x1: number, ty: number, y1: number): boolean {
  for (let y = ty; y < y1; y += 1) for (let x = tx; x < x1; x += 1) if ((weight[y * width + x] as number) < 1) return true;
  return false;
}

/** The mean flow of the block's textureless pixels as a constant fit (a b c, d e f). */
function seedBlock(fit: Float64Array, flow: Float32Array, weight: Float32Array, width: number, plane: number, tx: number, x1: number, ty: number, y1: number): void {
  let u = 0;
  let v = 0;
  let n = 0;
  for (let y = ty; y < y1; y += 1) {
    for (let x = tx; x < x1; x += 1) {
      const i = y * width + x;
      if ((weight[i] as number) >= 1) continue;
      u += flow[i] as number;
      v += flow[plane + i] as number;
      n += 1;
    }
  }
  fit.fill(0);
  fit[0] = u / n;
  fit[3] = v / n;
}

/** The block's pixels moved towards the fit by 1 − their texture weight (those within `maxChange` of it). */
function blendBlock(out: Float32Array, flow: Float32Array, weight: Float32Array, width: number, plane: number, tx: number, x1: number, ty: number, y1: number, cx: number, cy: number, fit: Float64Array, maxChange: number): void {
  const a = fit[0] as number, b = fit[1] as number, c = fit[2] as number;
  const d = fit[3] as number, e = fit[4] as number, f = fit[5] as number;
  for (let y = ty; y < y1; y += 1) {
    for (let x = tx; x < x1; x += 1) {
      const i = y * width + x;
      const w = weight[i] as number;
      if (w >= 1) continue;
      const fu = a + b * (x - cx) + c * (y - cy);
      const fv = d + e * (x - cx) + f * (y - cy);
      if (Math.hypot(fu - (flow[i] as number), fv - (flow[plane + i] as number)) > maxChange) continue;
      out[i] = w * (flow[i] as number) + (1 - w) * fu;
      out[plane + i] = w * (flow[plane + i] as number) + (1 - w) * fv;
    }
  }
}

function assertOptions(options: TexturelessFillOptions): void {
  const { half, threshold, tile, reach, step, rounds, scale, minSamples } = options;
  const integer = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!integer(half, 1, MAX_HALF) || !(threshold > 0) || !integer(tile, 4, 1024) || !integer(reach, 1, 256) || !integer(step, 1, 64) || !integer(rounds, 0, 10) || !(scale > 0) || !integer(minSamples, 6, 1 << 20) || !((options.maxChange ?? Infinity) > 0)) {
    throw new AppError('INVALID_INPUT', `The textureless fill needs a window half-side of 1–${MAX_HALF}, a positive threshold and scale, a tile ≥ 4, a reach of 1–256, a step of 1–64, 0–10 rounds and at least 6 samples`);
  }
}

/** The flow with its textureless pixels moved towards their block's robust affine fit of the textured ones (see above). */
export function fillTextureless(frame1: Float32Array, flow: Float32Array, width: number, height: number, options: TexturelessFillOptions): Float32Array {
  const plane = width * height;
  if (width < 2 || height < 2 || frame1.length !== plane || flow.length !== 2 * plane) throw new AppError('INVALID_INPUT', `The textureless fill needs a ${width}×${height} frame (at least 2×2) and its flow`);
  assertOptions(options);
  const { half, threshold, tile, reach, step, rounds, scale, minSamples, seeded = false, maxChange = Infinity } = options;
  const strength = textureStrength(frame1, width, height, half);
  // Pixels leaving the frame have no data term either: they neither feed a fit nor take one
  // here (the border extrapolation handles them).
  const skip = leavingFrame(flow, width, height);
  const weight = new Float32Array(plane);
  for (let i = 0; i < plane; i += 1) {
    const w = skip[i] ? 1 : Math.min(1, (strength[i] as number) / threshold);
    weight[i] = w;
    if (w < 1) skip[i] = 1;
  }
  const out = flow.slice();
  const fitter = new AffineFitter();
  forEachBlock(width, height, tile, reach, step, (tx, x1, ty, y1, window) => {
    if (!blockNeedsFit(weight, width, tx, x1, ty, y1)) return;
    if (seeded) seedBlock(fitter.fit, flow, weight, width, plane, tx, x1, ty, y1);
    if (fitter.fitWindow(flow, skip, width, plane, window, rounds, scale, minSamples, seeded)) blendBlock(out, flow, weight, width, plane, tx, x1, ty, y1, window.cx, window.cy, fitter.fit, maxChange);
  });
  return out;
}
