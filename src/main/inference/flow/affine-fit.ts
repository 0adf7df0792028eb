/**
 * Robust local affine fits of a flow field, u, v = a + b·X + c·Y about a window's centre:
 * least squares over the window's usable samples, then `rounds` Cauchy reweightings so a
 * second motion inside the window (another layer) loses its say. Shared by the border
 * extrapolation and the textureless fill.
 */

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

/** A window of the flow plane: x0..x1, y0..y1 exclusive, sampled every `step` pixels, coordinates relative to (cx, cy). */
export interface FitWindow {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly step: number;
  readonly cx: number;
  readonly cy: number;
}

/**
 * Visits the `tile`×`tile` blocks of a width×height plane in raster order with the window
 * a block's fit reads: the block grown by `reach` (clipped to the plane), sampled every
 * `step` pixels, coordinates relative to the block's centre, which keeps the normal
 * equations well conditioned.
 */
export function forEachBlock(width: number, height: number, tile: number, reach: number, step: number, visit: (tx: number, x1: number, ty: number, y1: number, window: FitWindow) => void): void {
  for (let ty = 0; ty < height; ty += tile) {
    for (let tx = 0; tx < width; tx += tile) {
      const x1 = Math.min(width, tx + tile);
      const y1 = Math.min(height, ty + tile);
      const cx = (tx + x1 - 1) / 2;
      const cy = (ty + y1 - 1) / 2;
      visit(tx, x1, ty, y1, { x0: Math.max(0, tx - reach), x1: Math.min(width, x1 + reach), y0: Math.max(0, ty - reach), y1: Math.min(height, y1 + reach), step, cx, cy });
    }
  }
}

/**
 * One round's weighted normal equations over the window's samples not marked in `skip`;
 * `fit` (a + b·X + c·Y for u then v) gives the Cauchy weights, or none (weight 1). A small
 * function of plain number arithmetic into a preallocated array: the optimiser keeps every
 * sum unboxed, where one large function with the loop inside allocated a heap number per
 * operation until it was optimised, and was re-optimised whenever a new branch ran.
 */
function accumulate(flow: Float32Array, skip: Uint8Array, width: number, plane: number, x0: number, x1: number, y0: number, y1: number, step: number, cx: number, cy: number, fit: Float64Array | null, scale: number, sums: Float64Array): void {
  let m0 = 0, m1 = 0, m2 = 0, m4 = 0, m5 = 0, m8 = 0;
  let u0 = 0, u1 = 0, u2 = 0, v0 = 0, v1 = 0, v2 = 0;
  let count = 0;
  const weighted = fit !== null;
  const a = weighted ? (fit[0] as number) : 0, b = weighted ? (fit[1] as number) : 0, c = weighted ? (fit[2] as number) : 0;
  const d = weighted ? (fit[3] as number) : 0, e = weighted ? (fit[4] as number) : 0, f = weighted ? (fit[5] as number) : 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = y * width + x;
      if (skip[i]) continue;
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

/** Scratch arrays of one fitter (reused window after window: no garbage per window). */
export class AffineFitter {
  readonly #m = new Float64Array(9);
  readonly #ru = new Float64Array(3);
  readonly #rv = new Float64Array(3);
  readonly #sums = new Float64Array(SUMS);
  /** The last successful fit: a b c for u, then d e f for v. */
  readonly fit = new Float64Array(6);

  /**
   * Fits the window's samples not in `skip` (at least `minSamples` of them); false when
   * there are too few or the system is singular, `fit` then holds nothing usable. With
   * `seeded`, the first round is already weighted by the residuals from what `fit` holds
   * (a motion the caller expects), so the samples of another motion lose their say from
   * the start rather than from a least-squares fit that mixes both.
   */
  fitWindow(flow: Float32Array, skip: Uint8Array, width: number, plane: number, window: FitWindow, rounds: number, scale: number, minSamples: number, seeded = false): boolean {
    const { x0, x1, y0, y1, step, cx, cy } = window;
    const sums = this.#sums;
    const m = this.#m;
    let fitted = false;
    for (let round = 0; round <= rounds; round += 1) {
      accumulate(flow, skip, width, plane, x0, x1, y0, y1, step, cx, cy, fitted || seeded ? this.fit : null, scale, sums);
      if ((sums[12] as number) < minSamples) break;
      const [m0, m1, m2, m4, m5, m8] = [sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]] as number[];
      m.set([m0 as number, m1 as number, m2 as number, m1 as number, m4 as number, m5 as number, m2 as number, m5 as number, m8 as number]);
      this.#ru.set(sums.subarray(6, 9));
      this.#rv.set(sums.subarray(9, 12));
      const nu = solve3(m, this.#ru);
      const nv = solve3(m, this.#rv);
      if (!nu || !nv) break;
      this.fit.set(nu);
      this.fit.set(nv, 3);
      fitted = true;
    }
    return fitted;
  }
}
