import { AppError } from '@shared/errors';

/**
 * Flow propagation between neighbours (after PatchMatch's propagation step): each pixel
 * tries the flow of the pixels at a few distances in the eight compass directions and
 * keeps the one whose warped patch matches frame 2 best. Coarse-to-fine warping places a
 * layer's boundary where the blurred coarse levels put it; a band of the layer then
 * carries the background's motion (or the reverse), tens of pixels off, beyond what a
 * linearised warp can correct. The right motion is a few pixels away, on the other side of
 * the wrong boundary, so trying the neighbours' flows moves the boundary back.
 */
export interface FlowPropagationOptions {
  /** Pyramid level it runs on, before that level's warps. */
  readonly level: number;
  /** Distances (pixels of that level) at which the neighbours' flows are tried. */
  readonly radii: readonly number[];
  /** Half the side of the square patch compared (side 2·half + 1). */
  readonly half: number;
  /**
   * A neighbour's flow replaces a pixel's own only when its patch cost is below the own
   * flow's cost minus this margin (mean squared [0, 1] intensity difference).
   */
  readonly margin: number;
  /**
   * A neighbour's flow also replaces a pixel's own when its patch cost is below this
   * fraction of the own flow's cost (absent: the margin alone decides).
   */
  readonly ratio?: number;
}

const MAX_HALF = 8;
const MAX_CANDIDATES = 64;
const MAX_RADIUS = 64;
/** Level sizes whose patch areas a scratch keeps (a preset propagates on two or three levels). */
const MAX_KEPT_AREAS = 4;

/** The eight compass directions a neighbour is taken from. */
const DIRECTIONS: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]];

/** 1 / the number of patch pixels inside the frame, per pixel. */
function inverseAreas(width: number, height: number, half: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const rows = Math.min(height, y + half + 1) - Math.max(0, y - half);
    for (let x = 0; x < width; x += 1) out[y * width + x] = 1 / (rows * (Math.min(width, x + half + 1) - Math.max(0, x - half)));
  }
  return out;
}

/**
 * Patch sums of `values` (clipped at the borders) into `out`: running sums along each row
 * into `rowSums`, then running sums of those down the columns, row by row (`columns` holds
 * the current window's column sums).
 */
function patchSums(values: Float32Array, width: number, height: number, half: number, rowSums: Float32Array, columns: Float64Array, out: Float32Array): void {
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < half && x < width; x += 1) sum += values[row + x] as number;
    for (let x = 0; x < width; x += 1) {
      if (x + half < width) sum += values[row + x + half] as number;
      if (x > half) sum -= values[row + x - half - 1] as number;
      rowSums[row + x] = sum;
    }
  }
  columns.fill(0);
  for (let y = 0; y < half && y < height; y += 1) for (let x = 0, row = y * width; x < width; x += 1) columns[x] = (columns[x] as number) + (rowSums[row + x] as number);
  for (let y = 0; y < height; y += 1) {
    const added = y + half < height ? (y + half) * width : -1;
    const removed = y > half ? (y - half - 1) * width : -1;
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      let c = columns[x] as number;
      if (added >= 0) c += rowSums[added + x] as number;
      if (removed >= 0) c -= rowSums[removed + x] as number;
      columns[x] = c;
      out[row + x] = c;
    }
  }
}

/**
 * Squared difference between frame 1 and frame 2 sampled bilinearly (clamped to the frame)
 * at x + the flow of the pixel (dx, dy) away from x (itself clamped to the frame), and that
 * flow into `candidate` (u plane, v plane).
 */
function warpedResidual(frame1: Float32Array, frame2: Float32Array, flow: Float32Array, dx: number, dy: number, width: number, height: number, out: Float32Array, candidate: Float32Array): void {
  const plane = width * height;
  // The bounds are computed once, outside the rarely taken clamp branches: an operation
  // first reached there after the optimising compiler ran has no type feedback and throws
  // the optimised code away (to be compiled again on a later call).
  const lastX = width - 1;
  const lastY = height - 1;
  const lastCellX = width - 2;
  const lastCellY = height - 2;
  for (let y = 0; y < height; y += 1) {
    const source = Math.min(lastY, Math.max(0, y + dy)) * width;
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      const i = row + x;
      const j = source + Math.min(lastX, Math.max(0, x + dx));
      const u = flow[j] as number;
      const v = flow[plane + j] as number;
      candidate[i] = u;
      candidate[plane + i] = v;
      const px = x + u;
      const py = y + v;
      // Clamped to the frame (NaN-safe: a NaN goes to 0), then the cell's corner: sx ≥ 0, so `| 0` floors.
      const sx = px > 0 ? (px < lastX ? px : lastX) : 0;
      const sy = py > 0 ? (py < lastY ? py : lastY) : 0;
      const x0 = sx < lastCellX ? sx | 0 : lastCellX;
      const y0 = sy < lastCellY ? sy | 0 : lastCellY;
      const fx = sx - x0;
      const fy = sy - y0;
      const k = y0 * width + x0;
      const top = (1 - fx) * (frame2[k] as number) + fx * (frame2[k + 1] as number);
      const bottom = (1 - fx) * (frame2[k + width] as number) + fx * (frame2[k + width + 1] as number);
      const d = (frame1[i] as number) - ((1 - fy) * top + fy * bottom);
      out[i] = d * d;
    }
  }
}

/**
 * Where the candidate flow has a lower patch cost than `best`, takes it into `out` and its
 * cost into `best`. Branch-free: a replacement is rare on most pairs, and code first reached
 * after optimisation would throw the optimised code away.
 */
function keepBetter(cost: Float32Array, inverseArea: Float32Array, best: Float32Array, candidate: Float32Array, out: Float32Array, plane: number): void {
  for (let i = 0; i < plane; i += 1) {
    const c = (cost[i] as number) * (inverseArea[i] as number);
    const b = best[i] as number;
    // Every load before the choice, so the choice only selects between values.
    const candidateU = candidate[i] as number;
    const candidateV = candidate[plane + i] as number;
    const ownU = out[i] as number;
    const ownV = out[plane + i] as number;
    const better = c < b;
    best[i] = better ? c : b;
    out[i] = better ? candidateU : ownU;
    out[plane + i] = better ? candidateV : ownV;
  }
}

/**
 * The working planes of propagateFlow, kept from one call to the next: a fast flow of a
 * 640×480 pair would otherwise hand the collector ≈ 0.5 MB of them per call (levels 3 and
 * 2). The planes grow to the largest level seen and are used as views; the patch areas
 * are kept per level size. Calls are synchronous, so one scratch serves a model's
 * overlapping estimates.
 */
export class PropagationScratch {
  #planes = new Float32Array(0);
  #columns = new Float64Array(0);
  #source = new Float32Array(0);
  readonly #areas = new Map<string, Float32Array>();

  /** Planes of `plane` values (residual, row sums, cost, best, the candidate flow's two) and a row of column sums. */
  planes(plane: number, width: number): { residual: Float32Array; rowSums: Float32Array; cost: Float32Array; best: Float32Array; candidate: Float32Array; columns: Float64Array } {
    if (this.#planes.length < 6 * plane) this.#planes = new Float32Array(6 * plane);
    if (this.#columns.length < width) this.#columns = new Float64Array(width);
    const view = (k: number) => this.#planes.subarray(k * plane, (k + 1) * plane);
    const candidate = this.#planes.subarray(4 * plane, 6 * plane);
    return { residual: view(0), rowSums: view(1), cost: view(2), best: view(3), candidate, columns: this.#columns.subarray(0, width) };
  }

  /** A copy of `flow` the candidates are read from while the flow itself is written (in place). */
  source(flow: Float32Array): Float32Array {
    if (this.#source.length < flow.length) this.#source = new Float32Array(flow.length);
    const source = this.#source.subarray(0, flow.length);
    source.set(flow);
    return source;
  }

  /** 1 / the patch pixels inside the frame per pixel, for this size and patch (a few sizes kept). */
  inverseAreas(width: number, height: number, half: number): Float32Array {
    const key = `${width}×${height}:${half}`;
    let areas = this.#areas.get(key);
    if (!areas) {
      if (this.#areas.size >= MAX_KEPT_AREAS) this.#areas.clear();
      areas = inverseAreas(width, height, half);
      this.#areas.set(key, areas);
    }
    return areas;
  }
}

/**
 * The flow (u plane, v plane, h×w) with each pixel's vector replaced by the best of its
 * neighbours' where that matches frame 2 better by more than the margin. Costs are patch
 * means of the squared warped difference, the patch warped by the candidate field (each
 * patch pixel by its own neighbour's flow), so one candidate costs one warp of the frame.
 * `inPlace` writes the result into `flow` (the candidates are read from a copy in the
 * scratch): for a caller that owns the flow and reads it only through the result.
 */
export function propagateFlow(frame1: Float32Array, frame2: Float32Array, flow: Float32Array, width: number, height: number, options: FlowPropagationOptions, scratch: PropagationScratch = new PropagationScratch(), inPlace = false): Float32Array {
  const { radii, half, margin } = options;
  const plane = width * height;
  if (width < 2 || height < 2 || frame1.length !== plane || frame2.length !== plane || flow.length !== 2 * plane) {
    throw new AppError('INVALID_INPUT', `Flow propagation needs two frames and a flow of the same size, at least 2×2 (got ${width}×${height})`);
  }
  if (!Number.isInteger(half) || half < 0 || half > MAX_HALF || !(margin >= 0) || radii.length * DIRECTIONS.length > MAX_CANDIDATES || radii.some((r) => !Number.isInteger(r) || r < 1 || r > MAX_RADIUS) || (options.ratio !== undefined && !(options.ratio >= 0 && options.ratio <= 1))) {
    throw new AppError('INVALID_INPUT', `Flow propagation needs a half patch of 0–${MAX_HALF}, a margin ≥ 0, a ratio of 0–1 when given and at most ${MAX_CANDIDATES / DIRECTIONS.length} integer radii of 1–${MAX_RADIUS}`);
  }
  const inverseArea = scratch.inverseAreas(width, height, half);
  const { residual, rowSums, cost, best, candidate, columns } = scratch.planes(plane, width);
  const source = inPlace ? scratch.source(flow) : flow;
  const out = inPlace ? flow : flow.slice();
  warpedResidual(frame1, frame2, source, 0, 0, width, height, residual, candidate);
  patchSums(residual, width, height, half, rowSums, columns, best);
  const ratio = options.ratio;
  if (ratio === undefined) {
    for (let i = 0; i < plane; i += 1) best[i] = (best[i] as number) * (inverseArea[i] as number) - margin;
  } else {
    for (let i = 0; i < plane; i += 1) {
      const own = (best[i] as number) * (inverseArea[i] as number);
      best[i] = Math.max(own - margin, own * ratio);
    }
  }
  for (const radius of radii) {
    for (const [ox, oy] of DIRECTIONS) {
      const dx = ox * radius;
      const dy = oy * radius;
      warpedResidual(frame1, frame2, source, dx, dy, width, height, residual, candidate);
      patchSums(residual, width, height, half, rowSums, columns, cost);
      keepBetter(cost, inverseArea, best, candidate, out, plane);
    }
  }
  return out;
}
