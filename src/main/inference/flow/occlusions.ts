import { AppError } from '@shared/errors';
import { extrapolateBorders, type BorderExtrapolationOptions } from './border-extrapolation';
import { dilate, fillOccludedGeodesic, type GeodesicFillOptions } from './occlusion-fill';

/**
 * Occlusion handling for the variational flow, on one pyramid level between the staged
 * graphs. A frame-1 pixel with no counterpart in frame 2 has a data term that pulls it
 * anywhere: on the generated hard pairs, background pixels about to be covered take the
 * occluder's motion (a crescent of 10–20 px errors ahead of every moving layer), and
 * pixels leaving the frame keep the motion of the frame's edge. Both are found from the
 * flow itself (no backward flow: it would double the solve) and re-estimated from the
 * visible pixels around them.
 */

/**
 * The occlusion handling's working planes, kept from one call to the next: a fast flow of a
 * 640×480 pair would otherwise hand the collector ≈ 0.5 MB of them per call. Each slot
 * grows to the largest level seen and is used as a view; the slots in use at once are
 * distinct (warpedResidual floats 0–1, coveredPixels floats 2, the landings and mask 0, the
 * dilation masks 1–2, the fill floats 3, the border extrapolation mask 3). Calls are
 * synchronous, so one scratch serves a model's overlapping estimates.
 */
export class OcclusionScratch {
  readonly #floats: Float32Array[] = [];
  readonly #masks: Uint8Array[] = [];
  #landings = new Int32Array(0);

  /** Float plane `slot` (0–3) of `length` values. */
  floats(slot: 0 | 1 | 2 | 3, length: number): Float32Array {
    if ((this.#floats[slot]?.length ?? 0) < length) this.#floats[slot] = new Float32Array(length);
    return (this.#floats[slot] as Float32Array).subarray(0, length);
  }

  /** Mask `slot` (0–3) of `length` values. */
  masks(slot: 0 | 1 | 2 | 3, length: number): Uint8Array {
    if ((this.#masks[slot]?.length ?? 0) < length) this.#masks[slot] = new Uint8Array(length);
    return (this.#masks[slot] as Uint8Array).subarray(0, length);
  }

  /** The cover test's landing indices, `length` values. */
  landings(length: number): Int32Array {
    if (this.#landings.length < length) this.#landings = new Int32Array(length);
    return this.#landings.subarray(0, length);
  }
}

/**
 * |frame1(x) − frame2(x + w(x))| per pixel (frame 2 read bilinearly), averaged over the
 * 3×3 neighbourhood so one noisy pixel does not decide; pixels leaving the frame get 0.
 * `scratch` holds the planes (the result is then its view, valid until its next use).
 */
export function warpedResidual(frame1: Float32Array, frame2: Float32Array, flow: Float32Array, width: number, height: number, scratch?: OcclusionScratch): Float32Array {
  const plane = width * height;
  if (width < 2 || height < 2 || frame1.length !== plane || frame2.length !== plane || flow.length !== 2 * plane) {
    throw new AppError('INVALID_INPUT', `The warped residual needs two ${width}×${height} frames (at least 2×2) and their flow`);
  }
  // One loop per function: code compiled while the first loop runs has no type feedback for
  // the second, which would throw it away (and the cached loop entry again on every call).
  const raw = scratch ? scratch.floats(0, plane).fill(0) : new Float32Array(plane);
  const out = scratch ? scratch.floats(1, plane) : new Float32Array(plane);
  absoluteWarpedDifference(frame1, frame2, flow, width, height, raw);
  boxMean3(raw, width, height, out);
  return out;
}

/** |frame1(x) − frame2(x + w(x))| into `out`; pixels leaving the frame keep 0. */
function absoluteWarpedDifference(frame1: Float32Array, frame2: Float32Array, flow: Float32Array, width: number, height: number, out: Float32Array): void {
  const plane = width * height;
  const lastX = width - 1;
  const lastY = height - 1;
  const lastCellX = width - 2;
  const lastCellY = height - 2;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const sx = x + (flow[i] as number);
      const sy = y + (flow[plane + i] as number);
      if (sx < 0 || sy < 0 || sx > lastX || sy > lastY) continue;
      const x0 = Math.min(lastCellX, Math.floor(sx));
      const y0 = Math.min(lastCellY, Math.floor(sy));
      const fx = sx - x0;
      const fy = sy - y0;
      const j = y0 * width + x0;
      const warped = (1 - fy) * ((1 - fx) * (frame2[j] as number) + fx * (frame2[j + 1] as number)) + fy * ((1 - fx) * (frame2[j + width] as number) + fx * (frame2[j + width + 1] as number));
      out[i] = Math.abs(warped - (frame1[i] as number));
    }
  }
}

/** The mean of each pixel's 3×3 neighbourhood (clipped at the borders) into `out`. */
function boxMean3(values: Float32Array, width: number, height: number, out: Float32Array): void {
  const lastX = width - 1;
  const lastY = height - 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      let n = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(lastY, y + 1); yy += 1) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(lastX, x + 1); xx += 1) {
          sum += values[yy * width + xx] as number;
          n += 1;
        }
      }
      out[y * width + x] = sum / n;
    }
  }
}

/** How a pixel is judged covered in frame 2 (see coveredPixels). */
export interface CoverTest {
  /** Residual (frame units) below which a pixel is taken as matched whatever else maps there. */
  readonly threshold: number;
  /** A pixel is covered when its residual exceeds `ratio` × the best residual landing on the same frame-2 pixel. */
  readonly ratio: number;
}

/**
 * Pixels of frame 1 that another pixel explains better at the place they map to: where
 * two frame-1 pixels land on one frame-2 pixel, the one whose appearance matches is the
 * visible one and the other is occluded there (or carries a wrong flow, typically the
 * occluder's motion dragged over the background it covers). Pixels leaving the frame are
 * not counted here. `scratch` holds the planes (the mask is then its view).
 */
export function coveredPixels(residual: Float32Array, flow: Float32Array, width: number, height: number, test: CoverTest, scratch?: OcclusionScratch): Uint8Array {
  const plane = width * height;
  if (residual.length !== plane || flow.length !== 2 * plane) throw new AppError('INVALID_INPUT', `The cover test needs a ${width}×${height} residual and flow`);
  if (!(test.threshold >= 0) || !(test.ratio >= 1)) throw new AppError('INVALID_INPUT', 'The cover test needs a threshold ≥ 0 and a ratio ≥ 1');
  const best = (scratch ? scratch.floats(2, plane) : new Float32Array(plane)).fill(Infinity);
  const target = (scratch ? scratch.landings(plane) : new Int32Array(plane)).fill(-1);
  const covered = scratch ? scratch.masks(0, plane).fill(0) : new Uint8Array(plane);
  bestLanding(residual, flow, width, height, best, target);
  markCovered(residual, best, target, test.threshold, test.ratio, covered);
  return covered;
}

/**
 * Where each pixel lands in frame 2 (rounded; −1 off the frame) into `target`, and per
 * frame-2 pixel the lowest residual landing there into `best`.
 */
function bestLanding(residual: Float32Array, flow: Float32Array, width: number, height: number, best: Float32Array, target: Int32Array): void {
  const plane = width * height;
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      const i = row * width + column;
      const x = Math.round(column + (flow[i] as number));
      const y = Math.round(row + (flow[plane + i] as number));
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const t = y * width + x;
      target[i] = t;
      const r = residual[i] as number;
      const b = best[t] as number;
      best[t] = r < b ? r : b;
    }
  }
}

/** 1 where a pixel's residual is above the threshold and `ratio` × the best landing on its target. */
function markCovered(residual: Float32Array, best: Float32Array, target: Int32Array, threshold: number, ratio: number, covered: Uint8Array): void {
  for (let i = 0; i < residual.length; i += 1) {
    const t = target[i] as number;
    if (t < 0) continue;
    const r = residual[i] as number;
    const above = r > threshold;
    const worse = r > ratio * (best[t] as number);
    covered[i] = above && worse ? 1 : 0;
  }
}

/**
 * Occlusion handling, each part after the warps of its own pyramid level (absent: the
 * finest solved level; a level the frame does not reach is skipped). The covered pixels
 * are best handled on a coarse level, where the finer warps then refine the filled flow
 * (or on several: a finer one finds the covered band the coarser fill left narrower than
 * its pixels); the border extrapolation on the finest solved level, since later warps
 * would pull the leaving pixels back to the edge's motion.
 */
export interface OcclusionOptions {
  readonly border?: BorderExtrapolationOptions & { readonly level?: number };
  /** Covered pixels: the test, how far the mask grows (the test misses some), how they are filled, and on which level or levels. */
  readonly cover?: CoverTest & { readonly dilate: number; readonly fill: GeodesicFillOptions; readonly level?: number | readonly number[] };
}

/** The level a part runs on: its own, or the finest solved one when absent or finer. */
export function occlusionLevel(part: { readonly level?: number }, finestLevel: number): number {
  return Math.max(part.level ?? finestLevel, finestLevel);
}

/** Whether a part runs on `level`: its level, or one of its levels, placed as occlusionLevel places it. */
function runsOn(part: { readonly level?: number | readonly number[] }, level: number, finestLevel: number): boolean {
  const own = part.level;
  if (typeof own === 'number' || own === undefined) return Math.max(own ?? finestLevel, finestLevel) === level;
  return own.some((one) => Math.max(one, finestLevel) === level);
}

/**
 * The flow of pyramid `level` with its occluded pixels re-estimated from the visible ones
 * by the parts that run on that level: covered pixels by the edge-aware fill, pixels
 * leaving the frame by the local affine extrapolation. `frames` holds frame 1 then frame 2
 * (w×h planes, the solver's own pyramid level). `inPlace` lets both write into `flow`
 * (same result), for a caller that owns it and reads it only through the result.
 */
export function handleOcclusions(frames: Float32Array, flow: Float32Array, width: number, height: number, options: OcclusionOptions, level: number, finestLevel: number, inPlace = false, scratch?: OcclusionScratch): Float32Array {
  const plane = width * height;
  if (frames.length !== 2 * plane) throw new AppError('INVALID_INPUT', `Occlusion handling needs two ${width}×${height} frames`);
  const frame1 = frames.subarray(0, plane);
  let out = flow;
  const { cover, border } = options;
  if (cover && runsOn(cover, level, finestLevel)) {
    const covered = coveredPixels(warpedResidual(frame1, frames.subarray(plane, 2 * plane), flow, width, height, scratch), flow, width, height, cover, scratch);
    const grown = dilate(covered, width, height, cover.dilate, scratch && { rows: scratch.masks(1, plane), out: scratch.masks(2, plane) });
    out = fillOccludedGeodesic(out, grown, frame1, width, height, cover.fill, inPlace, scratch?.floats(3, plane));
  }
  // After a fill the flow is this call's own copy either way.
  if (border && runsOn(border, level, finestLevel)) out = extrapolateBorders(out, width, height, border, inPlace || out !== flow, scratch?.masks(3, plane));
  return out;
}
