import type { FlowField } from '../../inference/flow/types';
import type { RgbImage } from '../../media/image';
import { applyPose, type HeadPose } from './head-motion';

/**
 * One frame's backward warp of the photo: every frame pixel q is taken back through the
 * head pose to the deformed point d, the skin displacement is undone (p + s·F(p) = d) and
 * the photo is sampled at p. This is invertPose, invertDisplacement and sampleRgb of each
 * pixel (head-motion.ts, warp.ts) written out in one loop with the same arithmetic, so
 * every float is the same: the clamps as comparisons (equal values, −0 included, which
 * adds and multiplies as +0 here), floor as `| 0` (the clamped coordinates are ≥ 0), the
 * pose's per-column and per-row terms computed once per frame. It avoids the per-pixel calls, closures
 * and tuples that made a 640×480 frame cost tens of milliseconds.
 */

/** A field's non-zero vectors lie in x0..x1 × y0..y1 (inclusive). */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The skin displacement of one frame: s·field, exactly zero outside `box` (null: zero everywhere). */
export interface FrameDeformation {
  readonly field: FlowField;
  readonly scale: number;
  readonly box: Box | null;
}

/** Fixed-point steps and tolerance of invertDisplacement. */
const MAX_STEPS = 30;
const TOLERANCE = 1e-6;

/** A frame's pixels x0..x1 × y0..y1 (inclusive). */
type Rect = readonly [number, number, number, number];

/** Writes frame pixels as interleaved RGB floats into `out` (width × height × 3 of the photo). */
export function warpFrame(photo: RgbImage, pose: HeadPose, deformation: FrameDeformation, out: Float32Array): void {
  warpRect(photo, pose, deformation, out, [0, 0, photo.width - 1, photo.height - 1]);
}

/** Where the displacement's fixed-point solve runs: deformed points whose clamped position is in the box widened by a pixel. */
interface SolveZone {
  readonly on: boolean;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

function solveZone(deformation: FrameDeformation): SolveZone {
  const { scale, box } = deformation;
  // Outside the displacement's support (one pixel beyond it, for the bilinear taps, after
  // the edge clamp) the fixed point is the point itself: the solve is skipped there.
  if (scale === 0 || box === null) return { on: false, x0: 0, y0: 0, x1: 0, y1: 0 };
  return { on: true, x0: box.x0 - 1, y0: box.y0 - 1, x1: box.x1 + 1, y1: box.y1 + 1 };
}

/**
 * invertDisplacement written out: p with p + s·F(p) = (dx, dy) by fixed-point steps from
 * (dx, dy), into `p` (x then y).
 */
function solvePoint(field: FlowField, s: number, dx: number, dy: number, p: Float64Array): void {
  const fw = field.width;
  const fd = field.data;
  const plane = fw * field.height;
  const fxMax = fw - 1;
  const fyMax = field.height - 1;
  let px = dx;
  let py = dy;
  for (let k = 0; k < MAX_STEPS; k += 1) {
    const qx = px < 0 ? 0 : px > fxMax ? fxMax : px;
    const qy = py < 0 ? 0 : py > fyMax ? fyMax : py;
    const x0 = qx | 0;
    const y0 = qy | 0;
    const x1 = x0 < fxMax ? x0 + 1 : fxMax;
    const y1 = y0 < fyMax ? y0 + 1 : fyMax;
    const fx = qx - x0;
    const fy = qy - y0;
    const i00 = y0 * fw + x0;
    const i10 = y0 * fw + x1;
    const i01 = y1 * fw + x0;
    const i11 = y1 * fw + x1;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    const u = w00 * (fd[i00] as number) + w10 * (fd[i10] as number) + w01 * (fd[i01] as number) + w11 * (fd[i11] as number);
    const v = w00 * (fd[plane + i00] as number) + w10 * (fd[plane + i10] as number) + w01 * (fd[plane + i01] as number) + w11 * (fd[plane + i11] as number);
    const nx = dx - s * u;
    const ny = dy - s * v;
    const done = Math.abs(nx - px) < TOLERANCE && Math.abs(ny - py) < TOLERANCE;
    px = nx;
    py = ny;
    if (done) break;
  }
  p[0] = px;
  p[1] = py;
}

/** sampleRgb written out: the clamped bilinear sample of the photo at (px, py) into out[o..o+2]. */
function sample(photo: RgbImage, px: number, py: number, out: Float32Array, o: number): void {
  const { width, data: src } = photo;
  const wMax = width - 1;
  const hMax = photo.height - 1;
  const qx = px < 0 ? 0 : px > wMax ? wMax : px;
  const qy = py < 0 ? 0 : py > hMax ? hMax : py;
  const x0 = qx | 0;
  const y0 = qy | 0;
  const x1 = x0 < wMax ? x0 + 1 : wMax;
  const y1 = y0 < hMax ? y0 + 1 : hMax;
  const fx = qx - x0;
  const fy = qy - y0;
  const gx = 1 - fx;
  const gy = 1 - fy;
  const a = (y0 * width + x0) * 3;
  const b = (y0 * width + x1) * 3;
  const d = (y1 * width + x0) * 3;
  const e = (y1 * width + x1) * 3;
  out[o] = gy * (gx * (src[a] as number) + fx * (src[b] as number)) + fy * (gx * (src[d] as number) + fx * (src[e] as number));
  out[o + 1] = gy * (gx * (src[a + 1] as number) + fx * (src[b + 1] as number)) + fy * (gx * (src[d + 1] as number) + fx * (src[e + 1] as number));
  out[o + 2] = gy * (gx * (src[a + 2] as number) + fx * (src[b + 2] as number)) + fy * (gx * (src[d + 2] as number) + fx * (src[e + 2] as number));
}

/** The warp of the pixels in `rect` only; the rest of `out` is left as it is. */
function warpRect(photo: RgbImage, pose: HeadPose, deformation: FrameDeformation, out: Float32Array, rect: Rect): void {
  if (pose.sin === 0) {
    warpRectUnrotated(photo, pose, deformation, out, rect);
    return;
  }
  const { width, height } = photo;
  const zone = solveZone(deformation);
  const wMax = width - 1;
  const hMax = height - 1;
  const [c0, c1] = pose.center;
  const [t0, t1] = pose.translate;
  const { cos, sin, scale: zoom } = pose;
  const [rx0, ry0, rx1, ry1] = rect;
  // c0 + cos·ex and c1 − sin·ex depend on the column only: the first additions of dx and dy.
  const columnX = new Float64Array(width);
  const columnY = new Float64Array(width);
  for (let x = rx0; x <= rx1; x += 1) {
    const ex = (x - c0 - t0) / zoom;
    columnX[x] = c0 + cos * ex;
    columnY[x] = c1 - sin * ex;
  }
  const p = new Float64Array(2);
  for (let y = ry0; y <= ry1; y += 1) {
    const ey = (y - c1 - t1) / zoom;
    const rowX = sin * ey;
    const rowY = cos * ey;
    for (let x = rx0, o = (y * width + rx0) * 3; x <= rx1; x += 1, o += 3) {
      const dx = (columnX[x] as number) + rowX;
      const dy = (columnY[x] as number) + rowY;
      if (zone.on) {
        const cx = dx < 0 ? 0 : dx > wMax ? wMax : dx;
        const cy = dy < 0 ? 0 : dy > hMax ? hMax : dy;
        if (cx >= zone.x0 && cx <= zone.x1 && cy >= zone.y0 && cy <= zone.y1) {
          solvePoint(deformation.field, deformation.scale, dx, dy, p);
          sample(photo, p[0] as number, p[1] as number, out, o);
          continue;
        }
      }
      sample(photo, dx, dy, out, o);
    }
  }
}

/**
 * warpRect for a pose without rotation (sin = 0: a still head, tremor, a drift without
 * turning). Then dx = c0 + cos·ex + 0·ey is the column's value and dy = c1 − 0·ex + cos·ey
 * the row's (adding or subtracting a signed zero changes no value), so the clamps, cells
 * and weights of the bilinear sample are computed once per column and once per row; pixels
 * in the solve zone take the general path from the same dx and dy.
 */
function warpRectUnrotated(photo: RgbImage, pose: HeadPose, deformation: FrameDeformation, out: Float32Array, rect: Rect): void {
  const { width, height, data: src } = photo;
  const zone = solveZone(deformation);
  const wMax = width - 1;
  const hMax = height - 1;
  const [c0, c1] = pose.center;
  const [t0, t1] = pose.translate;
  const { cos, sin, scale: zoom } = pose;
  const [rx0, ry0, rx1, ry1] = rect;
  const dxs = new Float64Array(width);
  const fxs = new Float64Array(width);
  const gxs = new Float64Array(width);
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const inZone = new Uint8Array(width);
  for (let x = rx0; x <= rx1; x += 1) {
    const ex = (x - c0 - t0) / zoom;
    const dx = c0 + cos * ex;
    const qx = dx < 0 ? 0 : dx > wMax ? wMax : dx;
    const x0 = qx | 0;
    dxs[x] = dx;
    x0s[x] = x0 * 3;
    x1s[x] = (x0 < wMax ? x0 + 1 : wMax) * 3;
    fxs[x] = qx - x0;
    gxs[x] = 1 - (qx - x0);
    inZone[x] = zone.on && qx >= zone.x0 && qx <= zone.x1 ? 1 : 0;
  }
  const c1Column = c1 - sin * ((rx0 - c0 - t0) / zoom);
  const p = new Float64Array(2);
  for (let y = ry0; y <= ry1; y += 1) {
    const ey = (y - c1 - t1) / zoom;
    const dy = c1Column + cos * ey;
    const qy = dy < 0 ? 0 : dy > hMax ? hMax : dy;
    const y0 = qy | 0;
    const y1 = y0 < hMax ? y0 + 1 : hMax;
    const fy = qy - y0;
    const gy = 1 - fy;
    const rowA = y0 * width * 3;
    const rowD = y1 * width * 3;
    const rowInZone = zone.on && qy >= zone.y0 && qy <= zone.y1;
    for (let x = rx0, o = (y * width + rx0) * 3; x <= rx1; x += 1, o += 3) {
      if (rowInZone && inZone[x] === 1) {
        solvePoint(deformation.field, deformation.scale, dxs[x] as number, dy, p);
        sample(photo, p[0] as number, p[1] as number, out, o);
        continue;
      }
      const fx = fxs[x] as number;
      const gx = gxs[x] as number;
      const a = rowA + (x0s[x] as number);
      const b = rowA + (x1s[x] as number);
      const d = rowD + (x0s[x] as number);
      const e = rowD + (x1s[x] as number);
      out[o] = gy * (gx * (src[a] as number) + fx * (src[b] as number)) + fy * (gx * (src[d] as number) + fx * (src[e] as number));
      out[o + 1] = gy * (gx * (src[a + 1] as number) + fx * (src[b + 1] as number)) + fy * (gx * (src[d + 1] as number) + fx * (src[e + 1] as number));
      out[o + 2] = gy * (gx * (src[a + 2] as number) + fx * (src[b + 2] as number)) + fy * (gx * (src[d + 2] as number) + fx * (src[e + 2] as number));
    }
  }
}

const samePose = (a: HeadPose, b: HeadPose): boolean =>
  a.center[0] === b.center[0] && a.center[1] === b.center[1] && a.translate[0] === b.translate[0] && a.translate[1] === b.translate[1] && a.cos === b.cos && a.sin === b.sin && a.scale === b.scale;

/** Rows and columns of slack around the mapped box (the pose's rounding is far below a pixel). */
const SLACK = 2;

/**
 * warpFrame for a clip's frames in turn. While the head holds still (the same pose as the
 * frame before: no drift, no tremor), every pixel outside the skin's moving box is the same
 * from frame to frame, so that unmoved frame is warped once and copied, and only the frame
 * pixels whose pose-mapped point can fall in the box (the box mapped through the pose, with
 * slack) are warped again. A box at the photo's edge, where clamping could bring far points
 * into it, takes the whole frame.
 */
export function frameWarper(photo: RgbImage): (pose: HeadPose, deformation: FrameDeformation, out: Float32Array) => void {
  const { width, height } = photo;
  let last: HeadPose | null = null;
  let still: Float32Array | null = null;
  return (pose, deformation, out) => {
    const held = last !== null && samePose(pose, last);
    if (!held) still = null;
    last = pose;
    const { box } = deformation;
    const inner = box !== null && box.x0 - 1 > 0 && box.y0 - 1 > 0 && box.x1 + 1 < width - 1 && box.y1 + 1 < height - 1;
    if (!held || (deformation.scale !== 0 && box !== null && !inner)) {
      warpFrame(photo, pose, deformation, out);
      return;
    }
    if (!still) {
      still = new Float32Array(out.length);
      warpFrame(photo, pose, { ...deformation, scale: 0, box: null }, still);
    }
    out.set(still);
    if (deformation.scale === 0 || box === null) return;
    const corners = [applyPose(pose, box.x0 - 1, box.y0 - 1), applyPose(pose, box.x1 + 1, box.y0 - 1), applyPose(pose, box.x0 - 1, box.y1 + 1), applyPose(pose, box.x1 + 1, box.y1 + 1)];
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const rect: Rect = [
      Math.max(0, Math.floor(Math.min(...xs)) - SLACK),
      Math.max(0, Math.floor(Math.min(...ys)) - SLACK),
      Math.min(width - 1, Math.ceil(Math.max(...xs)) + SLACK),
      Math.min(height - 1, Math.ceil(Math.max(...ys)) + SLACK),
    ];
    warpRect(photo, pose, deformation, out, rect);
  };
}
