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

/** Neighbours already swept in the forward raster order (the backward sweep mirrors them), and their step lengths. */
const NEIGHBOUR_DX = Int32Array.of(-1, -1, 0, 1);
const NEIGHBOUR_DY = Int32Array.of(0, -1, -1, -1);
const NEIGHBOUR_LENGTH = Float64Array.of(1, Math.SQRT2, 1, Math.SQRT2);

/**
 * One relaxation of pixel i from its four swept neighbours (`sign` −1 mirrors them). A
 * module function rather than a closure per call: optimised code that inlined one call's
 * closure is thrown away when the next call brings a new one.
 */
function relax(i: number, sign: number, out: Float32Array, distance: Float32Array, frame1: Float32Array, width: number, height: number, edge: number): void {
  const plane = width * height;
  const x = i % width;
  const y = (i - x) / width;
  const here = frame1[i] as number;
  for (let k = 0; k < 4; k += 1) {
    const xx = x + sign * (NEIGHBOUR_DX[k] as number);
    const yy = y + sign * (NEIGHBOUR_DY[k] as number);
    if (xx < 0 || xx >= width || yy < 0 || yy >= height) continue;
    const j = yy * width + xx;
    const d = (distance[j] as number) + (NEIGHBOUR_LENGTH[k] as number) * (1 + edge * Math.abs((frame1[j] as number) - here));
    if (d < (distance[i] as number)) {
      distance[i] = d;
      out[i] = out[j] as number;
      out[plane + i] = out[plane + j] as number;
    }
  }
}

/** 0 at visible pixels, ∞ at occluded ones (every value of `distance` is written). */
function startingDistances(occluded: Uint8Array, distance: Float32Array): Float32Array {
  for (let i = 0; i < occluded.length; i += 1) distance[i] = occluded[i] ? Infinity : 0;
  return distance;
}

/** The occluded pixels' indices in raster order. */
function occludedIndices(occluded: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < occluded.length; i += 1) count += occluded[i] ? 1 : 0;
  const order = new Int32Array(count);
  // Written at every pixel until the last occluded one and kept where occluded (no store
  // in a branch that the first pixels may never take).
  for (let i = 0, k = 0; i < occluded.length && k < count; i += 1) {
    order[k] = i;
    k += occluded[i] ? 1 : 0;
  }
  return order;
}

/**
 * The filled flow; `inPlace` writes into `flow` itself (it is read only through the result),
 * for a caller that owns it; `distances` (width × height) holds the geodesic distances
 * instead of a new plane.
 */
export function fillOccludedGeodesic(flow: Float32Array, occluded: Uint8Array, frame1: Float32Array, width: number, height: number, options: GeodesicFillOptions, inPlace = false, distances: Float32Array = new Float32Array(width * height)): Float32Array {
  const plane = width * height;
  if (flow.length !== 2 * plane || occluded.length !== plane || frame1.length !== plane) {
    throw new AppError('INVALID_INPUT', `Occlusion filling needs a ${width}×${height} flow, mask and frame`);
  }
  if (!(options.edge >= 0) || !Number.isInteger(options.passes) || options.passes < 1 || options.passes > 8) {
    throw new AppError('INVALID_INPUT', 'Geodesic filling needs an edge cost ≥ 0 and 1–8 sweep pairs');
  }
  const out = inPlace ? flow : flow.slice();
  // The set-up in functions of their own: code compiled during one loop has no type
  // feedback for the next, which would throw it away.
  if (distances.length !== plane) throw new RangeError(`fillOccludedGeodesic: ${distances.length} distances for a ${width}×${height} flow`);
  const distance = startingDistances(occluded, distances);
  // Only occluded pixels change: their indices in raster order, swept forward and backward.
  const order = occludedIndices(occluded);
  const count = order.length;
  for (let pass = 0; pass < options.passes; pass += 1) {
    for (let k = 0; k < count; k += 1) relax(order[k] as number, 1, out, distance, frame1, width, height, options.edge);
    for (let k = count - 1; k >= 0; k -= 1) relax(order[k] as number, -1, out, distance, frame1, width, height, options.edge);
  }
  return out;
}

/**
 * The mask grown by `radius` pixels (square neighbourhood), bounded work: two separable
 * passes; `into` holds the passes' two masks (each width × height, every value written,
 * neither `mask`) instead of new ones.
 */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number, into?: { readonly rows: Uint8Array; readonly out: Uint8Array }): Uint8Array {
  if (!Number.isInteger(radius) || radius < 0 || radius > 32 || mask.length !== width * height) {
    throw new AppError('INVALID_INPUT', `Dilation needs a ${width}×${height} mask and a radius of 0–32`);
  }
  if (radius === 0) return mask;
  if (into && (into.rows.length !== mask.length || into.out.length !== mask.length)) throw new RangeError(`dilate: working masks of another size than ${width}×${height}`);
  const rows = into?.rows ?? new Uint8Array(mask.length);
  const out = into?.out ?? new Uint8Array(mask.length);
  for (let y = 0; y < height; y += 1) dilateLine(mask, rows, y * width, 1, width, radius);
  for (let x = 0; x < width; x += 1) dilateLine(rows, out, x, width, height, radius);
  return out;
}

/**
 * One line of `source` (`count` values from `start`, `stride` apart) grown by `radius` into
 * `target`: forward from the last set value, then backward from the next. Every value is
 * written from values loaded before the test, and the sentinels are finite and beyond reach
 * (an infinite one turns the distance into a double operation on some lines only): a store
 * or an operation first reached after optimisation would throw the optimised code away.
 */
function dilateLine(source: Uint8Array, target: Uint8Array, start: number, stride: number, count: number, radius: number): void {
  let last = -radius - 1;
  for (let k = 0; k < count; k += 1) {
    const i = start + k * stride;
    if (source[i]) last = k;
    target[i] = k - last <= radius ? 1 : 0;
  }
  last = count + radius;
  for (let k = count - 1; k >= 0; k -= 1) {
    const i = start + k * stride;
    if (source[i]) last = k;
    const t = target[i] as number;
    target[i] = last - k <= radius ? 1 : t;
  }
}
