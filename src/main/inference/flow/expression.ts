import { AppError } from '@shared/errors';
import type { Point3 } from '../face/types';
import { bilinearAt } from './sample';
import type { FlowField } from './types';

/**
 * Expression flow: the facial flow with head motion removed.
 *
 * Head motion is fitted (least squares) to the flow sampled at FaceMesh landmarks that
 * facial actions barely move: the nose bridge and dorsum (6, 168, 197, 195, 5), the inner
 * eye corners (133, 362: fixed to the orbit, unlike the lids) and the upper face outline
 * (forehead 10, temples 127, 356, cheek sides 234, 454). The chin (152) is left out on
 * purpose: jaw drop and chin raise (AU26, AU17) move it, and it would leak expression
 * into the head estimate. The fitted similarity (or affine) motion is then subtracted
 * everywhere. The MELLM variant instead subtracts the mean flow of a 5×5 window at the
 * nose tip, as the reference pipeline does.
 */
export const STABLE_LANDMARKS: readonly number[] = [6, 168, 197, 195, 5, 133, 362, 10, 127, 356, 234, 454];
export const NOSE_TIP_LANDMARK = 4;

export type HeadMotionModel = 'similarity' | 'affine' | 'nose-tip';

export interface HeadMotion {
  readonly model: HeadMotionModel;
  readonly tx: number;
  readonly ty: number;
  readonly rotationDeg: number;
  readonly scale: number;
  /** x' = a·x + b·y + c, y' = d·x + e·y + f, in image pixels: [a, b, c, d, e, f]. */
  readonly matrix: readonly [number, number, number, number, number, number];
  /** RMS residual (px) of the fit at the landmarks used. */
  readonly residualPx: number;
}

export interface ExpressionFlow {
  readonly flow: FlowField;
  readonly head: HeadMotion;
}

/** Bilinear flow sample at sub-pixel (x, y), clamped to the field. */
export function sampleFlow(field: FlowField, x: number, y: number): [number, number] {
  const { width, height, data } = field;
  return [bilinearAt(data, 0, width, height, x, y), bilinearAt(data, width * height, width, height, x, y)];
}

/** Solves the 3×3 system M·p = r (Cramer's rule); null when singular. */
function solve3(m: readonly number[], r: readonly number[]): [number, number, number] | null {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-9) return null;
  const [x, y, z] = r as [number, number, number];
  return [
    (x * (e * i - f * h) - b * (y * i - f * z) + c * (y * h - e * z)) / det,
    (a * (y * i - f * z) - x * (d * i - f * g) + c * (d * z - y * g)) / det,
    (a * (e * z - y * h) - b * (d * z - y * g) + x * (d * h - e * g)) / det,
  ];
}

/** Least-squares similarity x' = a·x − b·y + tx, y' = b·x + a·y + ty (centred, closed form). */
function fitSimilarity(from: readonly [number, number][], to: readonly [number, number][]): HeadMotion['matrix'] | null {
  const n = from.length;
  const mean = (pts: readonly [number, number][]) => pts.reduce(([sx, sy], [x, y]) => [sx + x / n, sy + y / n], [0, 0]);
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let sxx = 0;
  let dot = 0;
  let cross = 0;
  for (let k = 0; k < n; k += 1) {
    const [x, y] = from[k] as [number, number];
    const [u, v] = to[k] as [number, number];
    const px = x - fx;
    const py = y - fy;
    const qx = u - tx;
    const qy = v - ty;
    sxx += px * px + py * py;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (sxx < 1e-9) return null;
  const a = dot / sxx;
  const b = cross / sxx;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

function fitAffine(from: readonly [number, number][], to: readonly [number, number][]): HeadMotion['matrix'] | null {
  const m = new Array<number>(9).fill(0);
  const rx = [0, 0, 0];
  const ry = [0, 0, 0];
  for (const [k, [x, y]] of from.entries()) {
    const row = [x, y, 1];
    const [u, v] = to[k] as [number, number];
    for (let i = 0; i < 3; i += 1) {
      for (let j = 0; j < 3; j += 1) m[i * 3 + j] = (m[i * 3 + j] as number) + (row[i] as number) * (row[j] as number);
      rx[i] = (rx[i] as number) + (row[i] as number) * u;
      ry[i] = (ry[i] as number) + (row[i] as number) * v;
    }
  }
  const px = solve3(m, rx);
  const py = solve3(m, ry);
  return px && py ? [...px, ...py] : null;
}

function describe(model: HeadMotionModel, matrix: HeadMotion['matrix'], residualPx: number): HeadMotion {
  const [a, , c, d, , f] = matrix;
  return { model, tx: c, ty: f, rotationDeg: (Math.atan2(d, a) * 180) / Math.PI, scale: Math.hypot(a, d), matrix, residualPx };
}

/** Subtracts the motion x ↦ M·x − x from every pixel. */
function subtractMotion(field: FlowField, matrix: HeadMotion['matrix']): FlowField {
  const { width, height, data } = field;
  const [a, b, c, d, e, f] = matrix;
  const plane = width * height;
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      out[i] = (data[i] as number) - (a * x + b * y + c - x);
      out[plane + i] = (data[plane + i] as number) - (d * x + e * y + f - y);
    }
  }
  return { width, height, data: out };
}

/** At least this many stable landmarks stay in the fit whatever covers the others. */
const MIN_STABLE = 3;

/**
 * Removes head motion fitted at the stable landmarks (similarity by default, or affine).
 * `covered` says which of them lie under something that moves on its own (a glasses
 * bridge on the nasion, a frame over the inner eye corners): they are left out of the fit
 * while at least MIN_STABLE others remain.
 */
export function expressionFlow(field: FlowField, landmarks: readonly Point3[], model: 'similarity' | 'affine' = 'similarity', covered?: (x: number, y: number) => boolean): ExpressionFlow {
  const all = STABLE_LANDMARKS.map((index) => landmarks[index]).filter((p): p is Point3 => p !== undefined);
  if (all.length < STABLE_LANDMARKS.length) {
    throw new AppError('INVALID_INPUT', `Expression flow needs the 468 FaceMesh landmarks, got ${landmarks.length}`);
  }
  const free = covered ? all.filter(([x, y]) => !covered(x, y)) : all;
  const used = free.length >= MIN_STABLE ? free : all;
  const from = used.map(([x, y]) => [x, y] as [number, number]);
  const to = from.map(([x, y]) => {
    const [u, v] = sampleFlow(field, x, y);
    return [x + u, y + v] as [number, number];
  });
  const matrix = model === 'affine' ? fitAffine(from, to) : fitSimilarity(from, to);
  if (!matrix) throw new AppError('INVALID_INPUT', 'The stable landmarks are degenerate (all at one point); cannot fit head motion');
  let squared = 0;
  for (const [k, [x, y]] of from.entries()) {
    const [u, v] = to[k] as [number, number];
    squared += (matrix[0] * x + matrix[1] * y + matrix[2] - u) ** 2 + (matrix[3] * x + matrix[4] * y + matrix[5] - v) ** 2;
  }
  return { flow: subtractMotion(field, matrix), head: describe(model, matrix, Math.sqrt(squared / from.length)) };
}

/** The MELLM variant: subtract the mean flow of a 5×5 window centred on the nose tip. */
export function expressionFlowNoseTip(field: FlowField, landmarks: readonly Point3[], landmark = NOSE_TIP_LANDMARK): ExpressionFlow {
  const tip = landmarks[landmark];
  if (!tip) throw new AppError('INVALID_INPUT', `Nose-tip landmark ${landmark} is missing (${landmarks.length} landmarks)`);
  const { width, height, data } = field;
  const plane = width * height;
  const cx = Math.min(Math.max(Math.round(tip[0]), 0), width - 1);
  const cy = Math.min(Math.max(Math.round(tip[1]), 0), height - 1);
  let su = 0;
  let sv = 0;
  let n = 0;
  for (let y = Math.max(cy - 2, 0); y <= Math.min(cy + 2, height - 1); y += 1) {
    for (let x = Math.max(cx - 2, 0); x <= Math.min(cx + 2, width - 1); x += 1) {
      su += data[y * width + x] as number;
      sv += data[plane + y * width + x] as number;
      n += 1;
    }
  }
  const matrix: HeadMotion['matrix'] = [1, 0, su / n, 0, 1, sv / n];
  return { flow: subtractMotion(field, matrix), head: describe('nose-tip', matrix, 0) };
}
