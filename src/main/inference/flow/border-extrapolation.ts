import { AppError } from '@shared/errors';

/**
 * Pixels whose flow carries them out of the frame have no data term (the warp reads
 * nothing there), so the smoothness term extrapolates their flow about constantly from the
 * visible pixels; a zoom or rotation grows linearly towards the border instead. Each
 * `tile`×`tile` block holding such pixels gets a robust (Cauchy-weighted, `rounds`
 * reweightings) affine fit u, v = a + b·x + c·y to the visible pixels within `reach` of
 * the block (sampled every `step` pixels), and its leaving pixels take the fitted flow.
 */
export interface BorderExtrapolationOptions {
  readonly tile: number;
  readonly reach: number;
  readonly step: number;
  readonly rounds: number;
  /** Cauchy scale of the residual (px). */
  readonly scale: number;
}

/** 1 where the flow carries the pixel outside the frame. */
export function leavingFrame(flow: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const mask = new Uint8Array(plane);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      const i = row * width + column;
      const x = column + (flow[i] as number);
      const y = row + (flow[plane + i] as number);
      mask[i] = x < 0 || y < 0 || x > width - 1 || y > height - 1 ? 1 : 0;
    }
  }
  return mask;
}

/** Solves the 3×3 symmetric system m·p = r (m row-major) by Cramer's rule; null when singular. */
function solve3(m: Float64Array, r: Float64Array): [number, number, number] | null {
  const [a, b, c, e, f, i] = [m[0], m[1], m[2], m[4], m[5], m[8]] as [number, number, number, number, number, number];
  const det = a * (e * i - f * f) - b * (b * i - f * c) + c * (b * f - e * c);
  if (!(Math.abs(det) > 1e-9)) return null;
  const [r0, r1, r2] = [r[0], r[1], r[2]] as [number, number, number];
  const x = (r0 * (e * i - f * f) - b * (r1 * i - f * r2) + c * (r1 * f - e * r2)) / det;
  const y = (a * (r1 * i - f * r2) - r0 * (b * i - f * c) + c * (b * r2 - r1 * c)) / det;
  const z = (a * (e * r2 - r1 * f) - b * (b * r2 - r1 * c) + r0 * (b * f - e * c)) / det;
  return [x, y, z];
}

/** Where `accumulate` writes one round's sums: the normal equations' m0 m1 m2 m4 m5 m8, u0 u1 u2, v0 v1 v2, then the sample count. */
const SUMS = 13;

/**
 * One round's weighted normal equations over the visible samples of a window (every
 * `step` pixels from x0, y0 up to x1, y1 exclusive), coordinates relative to (cx, cy);
 * `fit` (a + b·X + c·Y for u then v) gives the Cauchy weights, or none (weight 1). A small
 * function of plain number arithmetic into a preallocated array: the optimiser keeps every
 * sum unboxed, where one large function with the loop inside allocated a heap number per
 * operation until it was optimised, and was re-optimised whenever a new branch ran.
 */
function accumulate(flow: Float32Array, leaving: Uint8Array, width: number, plane: number, x0: number, x1: number, y0: number, y1: number, step: number, cx: number, cy: number, fit: Float64Array | null, scale: number, sums: Float64Array): void {
  let m0 = 0, m1 = 0, m2 = 0, m4 = 0, m5 = 0, m8 = 0;
  let u0 = 0, u1 = 0, u2 = 0, v0 = 0, v1 = 0, v2 = 0;
  let count = 0;
  const weighted = fit !== null;
  const a = weighted ? (fit[0] as number) : 0, b = weighted ? (fit[1] as number) : 0, c = weighted ? (fit[2] as number) : 0;
  const d = weighted ? (fit[3] as number) : 0, e = weighted ? (fit[4] as number) : 0, f = weighted ? (fit[5] as number) : 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = y * width + x;
      if (leaving[i]) continue;
      const u = flow[i] as number;
      const v = flow[plane + i] as number;
      const X = x - cx;
      const Y = y - cy;
      let weight = 1;
      if (weighted) {
        const r2 = (a + b * X + c * Y - u) ** 2 + (d + e * X + f * Y - v) ** 2;
        weight = 1 / (1 + r2 / (scale * scale));
      }
      m0 += weight; m1 += weight * X; m2 += weight * Y;
      m4 += weight * X * X; m5 += weight * X * Y; m8 += weight * Y * Y;
      u0 += weight * u; u1 += weight * X * u; u2 += weight * Y * u;
      v0 += weight * v; v1 += weight * X * v; v2 += weight * Y * v;
      count += 1;
    }
  }
  sums[0] = m0; sums[1] = m1; sums[2] = m2; sums[3] = m4; sums[4] = m5; sums[5] = m8;
  sums[6] = u0; sums[7] = u1; sums[8] = u2; sums[9] = v0; sums[10] = v1; sums[11] = v2;
  sums[12] = count;
}

/** Whether any pixel of the tile leaves the frame. */
function tileLeaves(leaving: Uint8Array, width: number, tx: number, x1: number, ty: number, y1: number): boolean {
  for (let y = ty; y < y1; y += 1) for (let x = tx; x < x1; x += 1) if (leaving[y * width + x]) return true;
  return false;
}

/** The tile's leaving pixels take the fitted flow. */
function fillTile(out: Float32Array, leaving: Uint8Array, width: number, plane: number, tx: number, x1: number, ty: number, y1: number, cx: number, cy: number, fit: Float64Array): void {
  const a = fit[0] as number, b = fit[1] as number, c = fit[2] as number;
  const d = fit[3] as number, e = fit[4] as number, f = fit[5] as number;
  for (let y = ty; y < y1; y += 1) {
    for (let x = tx; x < x1; x += 1) {
      const i = y * width + x;
      if (!leaving[i]) continue;
      out[i] = a + b * (x - cx) + c * (y - cy);
      out[plane + i] = d + e * (x - cx) + f * (y - cy);
    }
  }
}

/**
 * The flow with every pixel leaving the frame replaced by its block's robust affine fit
 * (see above). `inPlace` writes into `flow` itself (same result: the fits read only the
 * visible pixels, the fill writes only the leaving ones), for a caller that owns it.
 */
export function extrapolateBorders(flow: Float32Array, width: number, height: number, options: BorderExtrapolationOptions, inPlace = false): Float32Array {
  const { tile, reach, step, rounds, scale } = options;
  const plane = width * height;
  if (flow.length !== 2 * plane) throw new AppError('INVALID_INPUT', `Border extrapolation needs a ${width}×${height} flow`);
  if (!Number.isInteger(tile) || tile < 4 || !Number.isInteger(reach) || reach < 1 || reach > 256 || !Number.isInteger(step) || step < 1 || !Number.isInteger(rounds) || rounds < 0 || rounds > 10 || !(scale > 0)) {
    throw new AppError('INVALID_INPUT', 'Border extrapolation needs a tile ≥ 4, a reach of 1–256, a step ≥ 1, 0–10 rounds and a positive scale');
  }
  const leaving = leavingFrame(flow, width, height);
  const out = inPlace ? flow : flow.slice();
  const m = new Float64Array(9);
  const ru = new Float64Array(3);
  const rv = new Float64Array(3);
  const sums = new Float64Array(SUMS);
  const fit = new Float64Array(6);
  for (let ty = 0; ty < height; ty += tile) {
    for (let tx = 0; tx < width; tx += tile) {
      const x1 = Math.min(width, tx + tile);
      const y1 = Math.min(height, ty + tile);
      if (!tileLeaves(leaving, width, tx, x1, ty, y1)) continue;
      // Coordinates relative to the tile's centre keep the normal equations well conditioned.
      const cx = (tx + x1 - 1) / 2;
      const cy = (ty + y1 - 1) / 2;
      let fitted = false;
      for (let round = 0; round <= rounds; round += 1) {
        accumulate(flow, leaving, width, plane, Math.max(0, tx - reach), Math.min(width, x1 + reach), Math.max(0, ty - reach), Math.min(height, y1 + reach), step, cx, cy, fitted ? fit : null, scale, sums);
        if ((sums[12] as number) < 6) break;
        const [m0, m1, m2, m4, m5, m8] = [sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]] as number[];
        m.set([m0 as number, m1 as number, m2 as number, m1 as number, m4 as number, m5 as number, m2 as number, m5 as number, m8 as number]);
        ru.set(sums.subarray(6, 9));
        rv.set(sums.subarray(9, 12));
        const nu = solve3(m, ru);
        const nv = solve3(m, rv);
        if (!nu || !nv) break;
        fit.set(nu);
        fit.set(nv, 3);
        fitted = true;
      }
      if (fitted) fillTile(out, leaving, width, plane, tx, x1, ty, y1, cx, cy, fit);
    }
  }
  return out;
}
