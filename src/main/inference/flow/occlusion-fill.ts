import { AppError } from '@shared/errors';

/**
 * Occlusion-aware filling of a flow field: pixels marked occluded (no correspondence in
 * frame 2, so their data term pulled them anywhere, usually onto the occluder's motion)
 * take the weighted median of the visible pixels around them, weighted by distance and
 * by similarity in frame 1 (Sun, Roth & Black 2010's weighted median with the occlusion
 * term reduced to visible / not visible).
 */
export interface OcclusionFillOptions {
  /** Window radius in pixels (each side). */
  readonly radius: number;
  /** Sampling step inside the window (1 = every pixel). */
  readonly step: number;
  /** Spatial σ of the weight, pixels. */
  readonly sigmaSpace: number;
  /** Intensity σ of the weight, in the frame's units. */
  readonly sigmaColor: number;
}

const MAX_RADIUS = 64;

/**
 * Weighted median of the first `n` (value, weight) pairs, weights > 0: a quickselect on
 * the weights' half sum, reordering `values` and `weights` in place (no allocation).
 */
export function weightedMedian(values: Float32Array, weights: Float32Array, n: number): number {
  let total = 0;
  for (let k = 0; k < n; k += 1) total += weights[k] as number;
  let lo = 0;
  let hi = n - 1;
  // Weight of the values below lo (all smaller than those in [lo, hi]).
  let below = 0;
  const half = total / 2;
  // Each pass shrinks [lo, hi] by at least the pivot; n passes at most.
  for (let guard = 0; guard < n && lo < hi; guard += 1) {
    const pivot = values[(lo + hi) >> 1] as number;
    // Three-way partition: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let k = lo;
    while (k <= gt) {
      const v = values[k] as number;
      if (v < pivot) {
        swap(values, weights, k, lt);
        lt += 1;
        k += 1;
      } else if (v > pivot) {
        swap(values, weights, k, gt);
        gt -= 1;
      } else k += 1;
    }
    let less = 0;
    for (let j = lo; j < lt; j += 1) less += weights[j] as number;
    let equal = 0;
    for (let j = lt; j <= gt; j += 1) equal += weights[j] as number;
    if (below + less >= half) hi = lt - 1;
    else if (below + less + equal >= half) return pivot;
    else {
      below += less + equal;
      lo = gt + 1;
    }
  }
  return values[lo] as number;
}

function swap(values: Float32Array, weights: Float32Array, a: number, b: number): void {
  const v = values[a] as number;
  values[a] = values[b] as number;
  values[b] = v;
  const w = weights[a] as number;
  weights[a] = weights[b] as number;
  weights[b] = w;
}

/**
 * Returns a copy of `flow` ([u plane, v plane], w×h) where every pixel with `occluded[i]`
 * is replaced by the weighted median of the visible pixels within the window; an occluded
 * pixel with no visible pixel in reach keeps its flow.
 */
export function fillOccluded(flow: Float32Array, occluded: Uint8Array, frame1: Float32Array, width: number, height: number, options: OcclusionFillOptions): Float32Array {
  const { radius, step, sigmaSpace, sigmaColor } = options;
  const plane = width * height;
  if (flow.length !== 2 * plane || occluded.length !== plane || frame1.length !== plane) {
    throw new AppError('INVALID_INPUT', `Occlusion filling needs a ${width}×${height} flow, mask and frame`);
  }
  if (!Number.isInteger(radius) || radius < 1 || radius > MAX_RADIUS || !Number.isInteger(step) || step < 1 || !(sigmaSpace > 0) || !(sigmaColor > 0)) {
    throw new AppError('INVALID_INPUT', `Occlusion filling needs a radius of 1–${MAX_RADIUS}, a step ≥ 1 and positive σs`);
  }
  const out = Float32Array.from(flow);
  // The window's offsets and spatial weights, computed once.
  const side = Math.floor((2 * radius) / step) + 1;
  const capacity = side * side;
  const offsetX = new Int32Array(capacity);
  const offsetY = new Int32Array(capacity);
  const spatial = new Float32Array(capacity);
  for (let k = 0; k < capacity; k += 1) {
    offsetX[k] = -radius + (k % side) * step;
    offsetY[k] = -radius + Math.floor(k / side) * step;
    spatial[k] = Math.exp(-((offsetX[k] as number) ** 2 + (offsetY[k] as number) ** 2) / (2 * sigmaSpace * sigmaSpace));
  }
  const us = new Float32Array(capacity);
  const vs = new Float32Array(capacity);
  const weights = new Float32Array(capacity);
  const scratch = new Float32Array(capacity);
  const color = 1 / (sigmaColor * sigmaColor);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      if (!occluded[i]) continue;
      const centre = frame1[i] as number;
      let n = 0;
      for (let k = 0; k < capacity; k += 1) {
        const xx = x + (offsetX[k] as number);
        const yy = y + (offsetY[k] as number);
        if (xx < 0 || xx >= width || yy < 0 || yy >= height) continue;
        const j = yy * width + xx;
        if (occluded[j]) continue;
        const d = (frame1[j] as number) - centre;
        us[n] = flow[j] as number;
        vs[n] = flow[plane + j] as number;
        // A Cauchy weight in intensity: as selective as a Gaussian near 0, no exp per sample.
        weights[n] = (spatial[k] as number) / (1 + d * d * color) + 1e-12;
        n += 1;
      }
      if (n === 0) continue;
      scratch.set(weights.subarray(0, n));
      out[i] = weightedMedian(us, weights, n);
      out[plane + i] = weightedMedian(vs, scratch, n);
    }
  }
  return out;
}
