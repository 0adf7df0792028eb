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

/** The flow with every pixel leaving the frame replaced by its block's robust affine fit (see above). */
export function extrapolateBorders(flow: Float32Array, width: number, height: number, options: BorderExtrapolationOptions): Float32Array {
  const { tile, reach, step, rounds, scale } = options;
  const plane = width * height;
  if (flow.length !== 2 * plane) throw new AppError('INVALID_INPUT', `Border extrapolation needs a ${width}×${height} flow`);
  if (!Number.isInteger(tile) || tile < 4 || !Number.isInteger(reach) || reach < 1 || reach > 256 || !Number.isInteger(step) || step < 1 || !Number.isInteger(rounds) || rounds < 0 || rounds > 10 || !(scale > 0)) {
    throw new AppError('INVALID_INPUT', 'Border extrapolation needs a tile ≥ 4, a reach of 1–256, a step ≥ 1, 0–10 rounds and a positive scale');
  }
  const leaving = leavingFrame(flow, width, height);
  const out = flow.slice();
  const m = new Float64Array(9);
  const ru = new Float64Array(3);
  const rv = new Float64Array(3);
  for (let ty = 0; ty < height; ty += tile) {
    for (let tx = 0; tx < width; tx += tile) {
      const x1 = Math.min(width, tx + tile);
      const y1 = Math.min(height, ty + tile);
      let any = false;
      for (let y = ty; y < y1 && !any; y += 1) for (let x = tx; x < x1; x += 1) if (leaving[y * width + x]) { any = true; break; }
      if (!any) continue;
      // Coordinates relative to the tile's centre keep the normal equations well conditioned.
      const cx = (tx + x1 - 1) / 2;
      const cy = (ty + y1 - 1) / 2;
      let pu: [number, number, number] | null = null;
      let pv: [number, number, number] | null = null;
      for (let round = 0; round <= rounds; round += 1) {
        // The normal equations' sums, accumulated in locals (the hot loop of this module).
        let m0 = 0, m1 = 0, m2 = 0, m4 = 0, m5 = 0, m8 = 0;
        let u0 = 0, u1 = 0, u2 = 0, v0 = 0, v1 = 0, v2 = 0;
        let count = 0;
        for (let y = Math.max(0, ty - reach); y < Math.min(height, y1 + reach); y += step) {
          for (let x = Math.max(0, tx - reach); x < Math.min(width, x1 + reach); x += step) {
            const i = y * width + x;
            if (leaving[i]) continue;
            const u = flow[i] as number;
            const v = flow[plane + i] as number;
            const X = x - cx;
            const Y = y - cy;
            let weight = 1;
            if (pu && pv) {
              const r2 = (pu[0] + pu[1] * X + pu[2] * Y - u) ** 2 + (pv[0] + pv[1] * X + pv[2] * Y - v) ** 2;
              weight = 1 / (1 + r2 / (scale * scale));
            }
            m0 += weight; m1 += weight * X; m2 += weight * Y;
            m4 += weight * X * X; m5 += weight * X * Y; m8 += weight * Y * Y;
            u0 += weight * u; u1 += weight * X * u; u2 += weight * Y * u;
            v0 += weight * v; v1 += weight * X * v; v2 += weight * Y * v;
            count += 1;
          }
        }
        if (count < 6) break;
        m.set([m0, m1, m2, m1, m4, m5, m2, m5, m8]);
        ru.set([u0, u1, u2]);
        rv.set([v0, v1, v2]);
        const nu = solve3(m, ru);
        const nv = solve3(m, rv);
        if (!nu || !nv) break;
        pu = nu;
        pv = nv;
      }
      if (!pu || !pv) continue;
      for (let y = ty; y < y1; y += 1) {
        for (let x = tx; x < x1; x += 1) {
          const i = y * width + x;
          if (!leaving[i]) continue;
          out[i] = pu[0] + pu[1] * (x - cx) + pu[2] * (y - cy);
          out[plane + i] = pv[0] + pv[1] * (x - cx) + pv[2] * (y - cy);
        }
      }
    }
  }
  return out;
}
