import { AppError } from '@shared/errors';
import { AffineFitter, forEachBlock } from './affine-fit';

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

/** 1 where the flow carries the pixel outside the frame (into `mask` when given: every value is written). */
export function leavingFrame(flow: Float32Array, width: number, height: number, mask: Uint8Array = new Uint8Array(width * height)): Uint8Array {
  const plane = width * height;
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
 * visible pixels, the fill writes only the leaving ones), for a caller that owns it;
 * `leavingMask` (width × height) holds the mask of leaving pixels instead of a new one.
 */
export function extrapolateBorders(flow: Float32Array, width: number, height: number, options: BorderExtrapolationOptions, inPlace = false, leavingMask?: Uint8Array): Float32Array {
  const { tile, reach, step, rounds, scale } = options;
  const plane = width * height;
  if (flow.length !== 2 * plane) throw new AppError('INVALID_INPUT', `Border extrapolation needs a ${width}×${height} flow`);
  if (!Number.isInteger(tile) || tile < 4 || !Number.isInteger(reach) || reach < 1 || reach > 256 || !Number.isInteger(step) || step < 1 || !Number.isInteger(rounds) || rounds < 0 || rounds > 10 || !(scale > 0)) {
    throw new AppError('INVALID_INPUT', 'Border extrapolation needs a tile ≥ 4, a reach of 1–256, a step ≥ 1, 0–10 rounds and a positive scale');
  }
  if (leavingMask && leavingMask.length !== plane) throw new RangeError(`extrapolateBorders: a mask of ${leavingMask.length} values for a ${width}×${height} flow`);
  const leaving = leavingFrame(flow, width, height, leavingMask);
  const out = inPlace ? flow : flow.slice();
  const fitter = new AffineFitter();
  forEachBlock(width, height, tile, reach, step, (tx, x1, ty, y1, window) => {
    if (!tileLeaves(leaving, width, tx, x1, ty, y1)) return;
    if (fitter.fitWindow(flow, leaving, width, plane, window, rounds, scale, 6)) fillTile(out, leaving, width, plane, tx, x1, ty, y1, window.cx, window.cy, fitter.fit);
  });
  return out;
}
