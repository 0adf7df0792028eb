import { AppError } from '@shared/errors';

/**
 * Edge-aware filling: every occluded pixel takes the flow of the visible pixel nearest to
 * it along a path through frame 1 whose every step costs its length × (1 + edge·|ΔI|), so
 * a covered background pixel takes the background's flow (its texture continues there)
 * rather than the occluder's across the layer's edge (as EpicFlow's geodesic interpolation).
 * Raster sweeps forward and backward (`passes` pairs) of a chamfer distance transform.
 */
export interface GeodesicFillOptions {
  /** Cost per intensity step (frame units) on top of the path length. */
  readonly edge: number;
  /** Forward + backward sweep pairs (2 reach around most shapes). */
  readonly passes: number;
}

export function fillOccludedGeodesic(flow: Float32Array, occluded: Uint8Array, frame1: Float32Array, width: number, height: number, options: GeodesicFillOptions): Float32Array {
  const plane = width * height;
  if (flow.length !== 2 * plane || occluded.length !== plane || frame1.length !== plane) {
    throw new AppError('INVALID_INPUT', `Occlusion filling needs a ${width}×${height} flow, mask and frame`);
  }
  if (!(options.edge >= 0) || !Number.isInteger(options.passes) || options.passes < 1 || options.passes > 8) {
    throw new AppError('INVALID_INPUT', 'Geodesic filling needs an edge cost ≥ 0 and 1–8 sweep pairs');
  }
  const out = flow.slice();
  const distance = new Float32Array(plane);
  for (let i = 0; i < plane; i += 1) distance[i] = occluded[i] ? Infinity : 0;
  const { edge } = options;
  // Neighbours already swept in the forward raster order (the backward sweep mirrors them).
  const dxs = [-1, -1, 0, 1];
  const dys = [0, -1, -1, -1];
  const lengths = [1, Math.SQRT2, 1, Math.SQRT2];
  // Only occluded pixels change: their indices in raster order, swept forward and backward.
  let count = 0;
  for (let i = 0; i < plane; i += 1) if (occluded[i]) count += 1;
  const order = new Int32Array(count);
  for (let i = 0, k = 0; i < plane; i += 1) if (occluded[i]) order[k++] = i;
  const relax = (i: number, sign: number) => {
    const x = i % width;
    const y = (i - x) / width;
    const here = frame1[i] as number;
    for (let k = 0; k < 4; k += 1) {
      const xx = x + sign * (dxs[k] as number);
      const yy = y + sign * (dys[k] as number);
      if (xx < 0 || xx >= width || yy < 0 || yy >= height) continue;
      const j = yy * width + xx;
      const d = (distance[j] as number) + (lengths[k] as number) * (1 + edge * Math.abs((frame1[j] as number) - here));
      if (d < (distance[i] as number)) {
        distance[i] = d;
        out[i] = out[j] as number;
        out[plane + i] = out[plane + j] as number;
      }
    }
  };
  for (let pass = 0; pass < options.passes; pass += 1) {
    for (let k = 0; k < count; k += 1) relax(order[k] as number, 1);
    for (let k = count - 1; k >= 0; k -= 1) relax(order[k] as number, -1);
  }
  return out;
}

/** The mask grown by `radius` pixels (square neighbourhood), bounded work: two separable passes. */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (!Number.isInteger(radius) || radius < 0 || radius > 32 || mask.length !== width * height) {
    throw new AppError('INVALID_INPUT', `Dilation needs a ${width}×${height} mask and a radius of 0–32`);
  }
  if (radius === 0) return mask;
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y += 1) {
    let last = -Infinity;
    for (let x = 0; x < width; x += 1) if (mask[y * width + x]) last = x; else if (x - last <= radius) rows[y * width + x] = 1;
    last = Infinity;
    for (let x = width - 1; x >= 0; x -= 1) if (mask[y * width + x]) { last = x; rows[y * width + x] = 1; } else if (last - x <= radius) rows[y * width + x] = 1;
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x += 1) {
    let last = -Infinity;
    for (let y = 0; y < height; y += 1) if (rows[y * width + x]) { last = y; out[y * width + x] = 1; } else if (y - last <= radius) out[y * width + x] = 1;
    last = Infinity;
    for (let y = height - 1; y >= 0; y -= 1) if (rows[y * width + x]) last = y; else if (last - y <= radius) out[y * width + x] = 1;
  }
  return out;
}
