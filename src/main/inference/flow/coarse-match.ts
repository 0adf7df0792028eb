import { AppError } from '@shared/errors';

/**
 * Block matching on one coarse pyramid level, the start of the variational flow for large
 * motion: coarse-to-fine warping only recovers what is within about a pixel of the flow
 * propagated from the level above, so a small layer moving against its background is lost
 * once the pyramid has blurred it away. Matching every displacement within `radius` on a
 * level where the layer is still a few pixels wide finds it (DIS and DeepFlow start from
 * matches for the same reason). Plain TypeScript on the pyramid the first graph produced:
 * the candidates × pixels cost volume would be hundreds of nodes in a graph.
 */
export interface CoarseMatchOptions {
  /** Pyramid level the matching runs on (clamped to the coarsest level the frame allows). */
  readonly level: number;
  /** Largest displacement searched, in pixels of that level (each axis). */
  readonly radius: number;
  /** Half the side of the square patch compared (side 2·half + 1). */
  readonly half: number;
  /**
   * Cost added per pixel of displacement² (patch mean of squared [0, 1] intensity
   * differences): ties and flat regions keep the smaller motion.
   */
  readonly penalty: number;
}

/** Bounds on the search so the cost volume stays small whatever the options. */
const MAX_RADIUS = 16;
const MAX_HALF = 8;
/** Candidates × pixels tried: bounds the matching's time (its memory is a few planes). */
const MAX_COSTS = 16 * 1024 * 1024;

/** Whether a level of this size can be matched with this radius (the caller goes coarser if not). */
export function matchFits(width: number, height: number, radius: number): boolean {
  return width * height * (2 * radius + 1) ** 2 <= MAX_COSTS;
}

/**
 * The best integer displacement per pixel of `frame1` in `frame2` (both h×w, row-major),
 * refined to sub-pixel by a parabola through the neighbouring costs on each axis; frame2
 * is read with clamped borders. Returns the flow as [u plane, v plane].
 */
export function coarseMatch(frame1: Float32Array, frame2: Float32Array, width: number, height: number, options: CoarseMatchOptions): Float32Array {
  const { radius, half, penalty } = options;
  if (!Number.isInteger(radius) || radius < 1 || radius > MAX_RADIUS || !Number.isInteger(half) || half < 0 || half > MAX_HALF || !(penalty >= 0)) {
    throw new AppError('INVALID_INPUT', `Coarse matching needs a radius of 1–${MAX_RADIUS}, a half patch of 0–${MAX_HALF} and a penalty ≥ 0`);
  }
  const plane = width * height;
  if (width < 1 || height < 1 || !matchFits(width, height, radius) || frame1.length !== plane || frame2.length !== plane) {
    throw new AppError('INVALID_INPUT', `Coarse matching needs two frames of the same size with at most ${MAX_COSTS} candidate costs (got ${width}×${height}, radius ${radius})`);
  }
  const side = 2 * radius + 1;
  const integral = new Float64Array((width + 1) * (height + 1));
  const stride = width + 1;
  // The patch's bounds in the integral image: rows (already × stride) per y, columns per x.
  const top = new Int32Array(height);
  const bottom = new Int32Array(height);
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  for (let y = 0; y < height; y += 1) {
    top[y] = Math.max(0, y - half) * stride;
    bottom[y] = Math.min(height, y + half + 1) * stride;
  }
  for (let x = 0; x < width; x += 1) {
    left[x] = Math.max(0, x - half);
    right[x] = Math.min(width, x + half + 1);
  }
  // 1 / the patch's area inside the frame.
  const inverseArea = new Float32Array(plane);
  for (let y = 0; y < height; y += 1) {
    const rows = Math.min(height, y + half + 1) - Math.max(0, y - half);
    for (let x = 0; x < width; x += 1) inverseArea[y * width + x] = 1 / (rows * (Math.min(width, x + half + 1) - Math.max(0, x - half)));
  }
  // Only the winner's four neighbours are needed for the sub-pixel step, so instead of the
  // whole cost volume the last side + 1 candidates' costs are kept (the one above a winner
  // is `side` candidates back), and the neighbours after a winner are caught as they come.
  const ringSize = side + 1;
  const ring = new Float32Array(ringSize * plane);
  const best = new Float32Array(plane).fill(Infinity);
  const winner = new Int32Array(plane);
  const beforeX = new Float32Array(plane);
  const afterX = new Float32Array(plane);
  const beforeY = new Float32Array(plane);
  const afterY = new Float32Array(plane);
  const column = new Int32Array(width);
  for (let dy = -radius; dy <= radius; dy += 1) {
    for (let dx = -radius; dx <= radius; dx += 1) {
      for (let x = 0; x < width; x += 1) column[x] = Math.min(width - 1, Math.max(0, x + dx));
      // Integral image of the squared difference for this displacement.
      for (let y = 0; y < height; y += 1) {
        const row1 = y * width;
        const row2 = Math.min(height - 1, Math.max(0, y + dy)) * width;
        const above = y * stride + 1;
        const here = above + stride;
        let sum = 0;
        for (let x = 0; x < width; x += 1) {
          const d = (frame1[row1 + x] as number) - (frame2[row2 + (column[x] as number)] as number);
          sum += d * d;
          integral[here + x] = (integral[above + x] as number) + sum;
        }
      }
      const bias = penalty * (dx * dx + dy * dy);
      const candidate = (dy + radius) * side + dx + radius;
      const slot = (candidate % ringSize) * plane;
      // The same row's previous candidate (none at dx = −radius) and the one a row up.
      const previousX = dx > -radius ? ((candidate - 1) % ringSize) * plane : -1;
      const previousY = dy > -radius ? ((candidate - side) % ringSize) * plane : -1;
      for (let y = 0; y < height; y += 1) {
        const y1 = bottom[y] as number;
        const y0 = top[y] as number;
        const rowStart = y * width;
        for (let x = 0; x < width; x += 1) {
          const i = rowStart + x;
          const x1 = right[x] as number;
          const x0 = left[x] as number;
          const box = (integral[y1 + x1] as number) - (integral[y0 + x1] as number) - (integral[y1 + x0] as number) + (integral[y0 + x0] as number);
          const cost = box * (inverseArea[i] as number) + bias;
          ring[slot + i] = cost;
          const current = winner[i] as number;
          if (previousX >= 0 && current === candidate - 1) afterX[i] = cost;
          if (previousY >= 0 && current === candidate - side) afterY[i] = cost;
          // The first of equal costs wins, in the order the displacements are tried.
          if (cost < (best[i] as number)) {
            best[i] = cost;
            winner[i] = candidate;
            if (previousX >= 0) beforeX[i] = ring[previousX + i] as number;
            if (previousY >= 0) beforeY[i] = ring[previousY + i] as number;
          }
        }
      }
    }
  }
  const flow = new Float32Array(2 * plane);
  // A parabola through three costs: the vertex's offset from the middle one, within ±0.5.
  const vertex = (before: number, at: number, after: number) => {
    const curvature = before - 2 * at + after;
    return curvature > 0 ? Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature))) : 0;
  };
  for (let i = 0; i < plane; i += 1) {
    const bx = ((winner[i] as number) % side) - radius;
    const by = Math.floor((winner[i] as number) / side) - radius;
    const at = best[i] as number;
    const sx = bx > -radius && bx < radius ? vertex(beforeX[i] as number, at, afterX[i] as number) : 0;
    const sy = by > -radius && by < radius ? vertex(beforeY[i] as number, at, afterY[i] as number) : 0;
    flow[i] = bx + sx;
    flow[plane + i] = by + sy;
  }
  return flow;
}
