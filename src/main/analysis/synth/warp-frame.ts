import type { FlowField } from '../../inference/flow/types';
import type { RgbImage } from '../../media/image';
import type { HeadPose } from './head-motion';

/**
 * One frame's backward warp of the photo: every frame pixel q is taken back through the
 * head pose to the deformed point d, the skin displacement is undone (p + s·F(p) = d) and
 * the photo is sampled at p. This is invertPose, invertDisplacement and sampleRgb of each
 * pixel (head-motion.ts, warp.ts) written out in one loop with the same arithmetic, so
 * every float is the same: the clamps as comparisons (equal values, −0 included, which
 * adds and multiplies as +0 here), floor as `| 0` (the clamped coordinates are ≥ 0), the
 * pose's per-column term computed once per frame. It avoids the per-pixel calls, closures
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

/** Writes frame pixels as interleaved RGB floats into `out` (width × height × 3 of the photo). */
export function warpFrame(photo: RgbImage, pose: HeadPose, deformation: FrameDeformation, out: Float32Array): void {
  const { width, height, data: src } = photo;
  const { field, scale: s, box } = deformation;
  const fw = field.width;
  const fd = field.data;
  const plane = fw * field.height;
  const fxMax = fw - 1;
  const fyMax = field.height - 1;
  const [c0, c1] = pose.center;
  const [t0, t1] = pose.translate;
  const { cos, sin, scale: zoom } = pose;
  const solve = s !== 0 && box !== null;
  // Outside the displacement's support (one pixel beyond it, for the bilinear taps, after
  // the edge clamp) the fixed point is the point itself: the solve is skipped there.
  const bx0 = box ? box.x0 - 1 : 0;
  const bx1 = box ? box.x1 + 1 : 0;
  const by0 = box ? box.y0 - 1 : 0;
  const by1 = box ? box.y1 + 1 : 0;
  const wMax = width - 1;
  const hMax = height - 1;
  const columns = new Float64Array(width);
  for (let x = 0; x < width; x += 1) columns[x] = (x - c0 - t0) / zoom;
  let o = 0;
  for (let y = 0; y < height; y += 1) {
    const ey = (y - c1 - t1) / zoom;
    for (let x = 0; x < width; x += 1, o += 3) {
      const ex = columns[x] as number;
      const dx = c0 + cos * ex + sin * ey;
      const dy = c1 - sin * ex + cos * ey;
      let px = dx;
      let py = dy;
      if (solve) {
        const cx = dx < 0 ? 0 : dx > wMax ? wMax : dx;
        const cy = dy < 0 ? 0 : dy > hMax ? hMax : dy;
        if (cx >= bx0 && cx <= bx1 && cy >= by0 && cy <= by1) {
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
        }
      }
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
  }
}
