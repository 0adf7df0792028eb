import type { RoiStats } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { REFERENCE_CROP, ROI_SPECS, type RoiGroup } from '@shared/rois';
import { roiCenter } from '../inference/face/rois';
import { NOSE_TIP_LANDMARK } from '../inference/flow/expression';
import type { FlowField } from '../inference/flow/types';
import type { Point3 } from '../inference/face/types';
import { pyMod, roundHalfEven } from './python-format';
import { MIN_CONCENTRATION, MOTION_FLOOR_PX, OCTANTS, type Octant } from './roi-features';

/**
 * ROI statistics made the way the MELLM reference makes them in its last steps (its
 * `get_prompt`, `get_roi_flow` and `describe_flow_direction`), from our expression flow
 * (head motion already removed):
 *
 * 1. the flow on the 400 × 480 reference crop grid (resampled when it was computed on a
 *    smaller crop; its values are already in reference-crop pixels);
 * 2. the mean flow of the 5 × 5 window at the nose tip subtracted everywhere (the tip's
 *    coordinates truncated to integers, the window clipped to the crop, float32 values;
 *    a tip outside the crop is refused);
 * 3. each ROI's box cut with the reference's integer rules, which differ by region:
 *    eyelids, mouth and chin keep side − 1 pixels ((side − 1)² in all: the box's last
 *    row and column are inclusive coordinates used as an exclusive end), eyebrows and
 *    wings 2·⌊side / 2⌋, cheeks side = max(4, round(0.12 · face height)); a box with no
 *    pixel left after clipping is skipped;
 * 4. float64 statistics: mean (NumPy's pairwise sum) and max of |flow|, the resultant
 *    Σ(u, −v) (y up), its concentration |Σ| / (Σ|flow| + 1e-12) and angle in degrees.
 *
 * Box centres are our ROI centres (inference/face/rois.ts, FaceMesh points), not the
 * reference's WFLW points and offsets.
 */

const EPS = 1e-12;
const OCTANT_CENTERS = [0, 45, 90, 135, 180, 225, 270, 315] as const;

/** How the reference cuts a box of a region group (see the module comment). */
type BoxRule = 'inclusive-clipped' | 'centred' | 'cheek';
const BOX_RULES: Record<RoiGroup, BoxRule> = {
  eyelid: 'inclusive-clipped',
  'mouth-corner': 'inclusive-clipped',
  lip: 'inclusive-clipped',
  chin: 'inclusive-clipped',
  eyebrow: 'centred',
  nose: 'centred',
  cheek: 'cheek',
};
const CHEEK_FRACTION = 0.12;

/** numpy's `a[start:stop]` on an axis of `length`: the start is never negative here, the stop may be. */
function pySlice(start: number, stop: number, length: number): [number, number] {
  const from = Math.min(start, length);
  const to = Math.min(stop < 0 ? Math.max(0, stop + length) : stop, length);
  return [from, Math.max(from, to)];
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The pixel range [from, to) of a box along one axis, as the reference cuts it. */
export function referenceRange(rule: BoxRule, centre: number, side: number, length: number): [number, number] {
  const half = Math.floor(side / 2);
  if (rule === 'inclusive-clipped') {
    const first = roundHalfEven(centre) - half;
    // Both ends clipped to the last pixel, the end then used as exclusive.
    return pySlice(clamp(first, 0, length - 1), clamp(first + side - 1, 0, length - 1), length);
  }
  if (rule === 'centred') {
    const c = roundHalfEven(centre);
    return pySlice(Math.max(0, c - half), Math.min(length, c + half), length);
  }
  const first = roundHalfEven(centre - half);
  return pySlice(Math.max(0, first), Math.min(length, first + side), length);
}

/** The side of a region's box in reference pixels. */
function sideOf(group: RoiGroup, size: number | null, faceHeight: number): number {
  return group === 'cheek' || size === null ? Math.max(4, roundHalfEven(CHEEK_FRACTION * faceHeight)) : size;
}

/** Source index pairs and weights of a bilinear resampling along one axis (pixel centres aligned, clamped). */
function axisTaps(target: number, source: number): { lo: Int32Array; hi: Int32Array; weight: Float64Array } {
  const lo = new Int32Array(target);
  const hi = new Int32Array(target);
  const weight = new Float64Array(target);
  const scale = source / target;
  for (let i = 0; i < target; i += 1) {
    const f = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), source - 1);
    const i0 = Math.min(Math.floor(f), Math.max(source - 2, 0));
    lo[i] = i0;
    hi[i] = Math.min(i0 + 1, source - 1);
    weight[i] = f - i0;
  }
  return { lo, hi, weight };
}

/** The flow on the reference grid: pixel centres map as in the crop (cropGray), bilinear, float32. */
function onReferenceGrid(flow: FlowField): FlowField {
  const { width, height } = REFERENCE_CROP;
  if (flow.width === width && flow.height === height) return { width, height, data: Float32Array.from(flow.data) };
  const xs = axisTaps(width, flow.width);
  const ys = axisTaps(height, flow.height);
  const plane = width * height;
  const sourcePlane = flow.width * flow.height;
  const source = flow.data;
  const data = new Float32Array(2 * plane);
  for (let y = 0; y < height; y += 1) {
    const top = (ys.lo[y] as number) * flow.width;
    const bottom = (ys.hi[y] as number) * flow.width;
    const wy = ys.weight[y] as number;
    for (let x = 0; x < width; x += 1) {
      const x0 = xs.lo[x] as number;
      const x1 = xs.hi[x] as number;
      const wx = xs.weight[x] as number;
      for (let c = 0; c < 2; c += 1) {
        const o = c * sourcePlane;
        const upper = (source[o + top + x0] as number) * (1 - wx) + (source[o + top + x1] as number) * wx;
        const lower = (source[o + bottom + x0] as number) * (1 - wx) + (source[o + bottom + x1] as number) * wx;
        data[c * plane + y * width + x] = upper * (1 - wy) + lower * wy;
      }
    }
  }
  return { width, height, data };
}

/** Subtracts the mean flow of the 5 × 5 window at (⌊x⌋, ⌊y⌋) of the nose tip, in place. */
function subtractNoseTip(flow: FlowField, tip: Point3): void {
  const { width, height, data } = flow;
  const x = Math.trunc(tip[0]);
  const y = Math.trunc(tip[1]);
  // Outside the crop the reference's slices would wrap around (numpy's negative ends): refused.
  if (!(x >= 0 && x < width && y >= 0 && y < height)) {
    throw new AppError('INVALID_INPUT', `The nose tip (${tip[0].toFixed(1)}, ${tip[1].toFixed(1)}) lies outside the ${width}×${height} reference crop.`);
  }
  const [x0, x1] = [Math.max(0, x - 2), Math.min(width, x + 3)];
  const [y0, y1] = [Math.max(0, y - 2), Math.min(height, y + 3)];
  const plane = width * height;
  let su = 0;
  let sv = 0;
  for (let yy = y0; yy < y1; yy += 1) {
    for (let xx = x0; xx < x1; xx += 1) {
      su += data[yy * width + xx] as number;
      sv += data[plane + yy * width + xx] as number;
    }
  }
  const count = (x1 - x0) * (y1 - y0);
  const mu = Math.fround(su / count);
  const mv = Math.fround(sv / count);
  for (let i = 0; i < plane; i += 1) {
    data[i] = (data[i] as number) - mu;
    data[plane + i] = (data[plane + i] as number) - mv;
  }
}

/** NumPy's pairwise summation of a float64 run (what `arr.sum()` and `arr.mean()` add up with). */
export function pairwiseSum(values: Float64Array, from = 0, count = values.length): number {
  if (count < 8) {
    let sum = 0;
    for (let i = from; i < from + count; i += 1) sum += values[i] as number;
    return sum;
  }
  if (count <= 128) {
    const r = Array.from(values.subarray(from, from + 8));
    let i = 8;
    for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j += 1) r[j] = (r[j] as number) + (values[from + i + j] as number);
    const [a, b, c, d, e, f, g, h] = r as [number, number, number, number, number, number, number, number];
    let sum = a + b + (c + d) + (e + f + (g + h));
    for (; i < count; i += 1) sum += values[from + i] as number;
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, from, half) + pairwiseSum(values, from + half, count - half);
}

function statsOf(flow: FlowField, [x0, x1]: [number, number], [y0, y1]: [number, number]): RoiStats {
  const { width, data } = flow;
  const plane = width * flow.height;
  const pixels = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  if (pixels === 0) return { pixels: 0, mean: 0, max: 0, concentration: 0, angle: 0 };
  const magnitudes = new Float64Array(pixels);
  let k = 0;
  let max = 0;
  let sumU = 0;
  let sumV = 0;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const u = data[y * width + x] as number;
      const v = data[plane + y * width + x] as number;
      const magnitude = Math.sqrt(u * u + v * v);
      if (!Number.isFinite(magnitude)) throw new AppError('INVALID_INPUT', `The expression flow is not finite at (${x}, ${y}).`);
      magnitudes[k++] = magnitude;
      if (magnitude > max) max = magnitude;
      sumU += u;
      sumV += v;
    }
  }
  const total = pairwiseSum(magnitudes);
  // y up: the resultant is (Σu, −Σv).
  const rx = sumU;
  const ry = -sumV;
  return {
    pixels,
    mean: total / pixels,
    max,
    concentration: Math.sqrt(rx * rx + ry * ry) / (total + EPS),
    angle: pyMod(Math.atan2(ry, rx) * (180 / Math.PI), 360),
  };
}

export interface RegionStats {
  readonly region: string;
  readonly stats: RoiStats;
}

/**
 * The reference statistics of the 29 ROIs (ROI_SPECS order). `flow` is the expression
 * flow in reference-crop pixels on its crop grid, `landmarks` the 468 FaceMesh points on
 * the same grid, `faceHeight` the landmarks' vertical extent in reference-crop pixels.
 */
export function referenceRoiStats(flow: FlowField, landmarks: readonly Point3[], faceHeight: number): RegionStats[] {
  if (flow.data.length !== 2 * flow.width * flow.height) {
    throw new AppError('INVALID_INPUT', `Flow field data has ${flow.data.length} values, expected 2×${flow.width}×${flow.height}.`);
  }
  if (landmarks.length < 468) throw new AppError('INVALID_INPUT', `ROI statistics need the 468 FaceMesh landmarks, got ${landmarks.length}.`);
  if (!(faceHeight > 0) || !Number.isFinite(faceHeight)) throw new AppError('INVALID_INPUT', `Face height must be a positive number of pixels, got ${faceHeight}.`);
  const grid = onReferenceGrid(flow);
  const sx = flow.width / grid.width;
  const sy = flow.height / grid.height;
  const onGrid = landmarks.map(([x, y, z]) => [(x + 0.5) / sx - 0.5, (y + 0.5) / sy - 0.5, z / sx] as Point3);
  subtractNoseTip(grid, onGrid[NOSE_TIP_LANDMARK] as Point3);
  return ROI_SPECS.map((spec) => {
    const [cx, cy] = roiCenter(onGrid, spec.region);
    const rule = BOX_RULES[spec.group];
    const side = sideOf(spec.group, spec.size, faceHeight);
    return { region: spec.region, stats: statsOf(grid, referenceRange(rule, cx, side, grid.width), referenceRange(rule, cy, side, grid.height)) };
  });
}

export type ReferenceDirection =
  | { readonly kind: 'still' }
  | { readonly kind: 'isotropic' }
  | { readonly kind: 'dominant'; readonly octant: Octant; readonly degrees: number };

/**
 * The reference's reading of a ROI's statistics: no motion below a mean of 1e-4 px, no
 * dominant direction below a concentration of 0.15, else the nearest of 8 octants (the
 * first on a tie, in right, up-right, … order) and the angle rounded half to even.
 */
export function referenceDirection(stats: RoiStats): ReferenceDirection {
  if (stats.mean < MOTION_FLOOR_PX) return { kind: 'still' };
  if (stats.concentration < MIN_CONCENTRATION) return { kind: 'isotropic' };
  let best = 0;
  let bestDistance = Infinity;
  OCTANT_CENTERS.forEach((centre, i) => {
    const distance = Math.abs(pyMod(stats.angle - centre + 180, 360) - 180);
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return { kind: 'dominant', octant: OCTANTS[best] as Octant, degrees: roundHalfEven(stats.angle) % 360 };
}
