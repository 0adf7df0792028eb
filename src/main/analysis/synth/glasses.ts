import type { Point3 } from '../../inference/face/types';
import { EYES, eyeGeometry } from './confounders';
import type { FaceFrame } from './face-frame';
import { applyPose, type HeadPose } from './head-motion';

/**
 * Eyeglasses from the FaceMesh eye and brow landmarks, in the neutral photo's pixels:
 * two rounded-rectangle lenses (superellipses with exponent 4) whose top rim runs between
 * the eye and the brow, so it crosses the lower part of the brow regions, a bridge over
 * the nose and temples out to the face's edge. Drawn per frame at the head pose: every
 * frame pixel is mapped back into the photo and tested against the shape there, so the
 * frame is exactly rigid with the head while the skin under it deforms.
 */
export interface Lens {
  readonly center: readonly [number, number];
  /** Half width along the face's leftward axis and half height along its up axis. */
  readonly a: number;
  readonly b: number;
}

export interface GlassesShape {
  readonly lenses: readonly [Lens, Lens];
  /** Rim, bridge and temple thickness in pixels. */
  readonly rim: number;
  readonly segments: ReadonlyArray<readonly [readonly [number, number], readonly [number, number]]>;
  readonly leftward: readonly [number, number];
  readonly up: readonly [number, number];
  /** Photo-pixel box holding the whole shape: [x0, y0, x1, y1]. */
  readonly bounds: readonly [number, number, number, number];
}

const FRAME_RGB = [34, 30, 28] as const;
const LENS_TINT = 0.94;
const FACE_RIGHT_EDGE = 127;
const FACE_LEFT_EDGE = 356;

export function glassesShape(landmarks: readonly Point3[], frame: FaceFrame): GlassesShape {
  const { leftward, up } = frame;
  const lenses = EYES.map((eye) => {
    const g = eyeGeometry(landmarks, eye);
    let bx = 0;
    let by = 0;
    for (const i of eye.brow) [bx, by] = [bx + (landmarks[i] as Point3)[0], by + (landmarks[i] as Point3)[1]];
    const brow = [bx / eye.brow.length, by / eye.brow.length];
    // Height of the brow above the eye centre, along the face's up axis.
    const d = (g.center[0] - (brow[0] as number)) * -up[0] + (g.center[1] - (brow[1] as number)) * -up[1];
    // Top rim at 0.7·d above the eye centre (under the brow), bottom rim a full d below it.
    const lift = -0.15 * d;
    return { center: [g.center[0] + up[0] * lift, g.center[1] + up[1] * lift] as const, a: 0.85 * g.width, b: 0.85 * d };
  }) as unknown as [Lens, Lens];
  const rim = Math.max(1.5, 0.022 * frame.height);
  const along = (l: Lens, s: number, h: number): readonly [number, number] => [l.center[0] + leftward[0] * s * l.a + up[0] * h * l.b, l.center[1] + leftward[1] * s * l.a + up[1] * h * l.b];
  const [right, left] = lenses;
  const edge = (i: number): readonly [number, number] => [(landmarks[i] as Point3)[0], (landmarks[i] as Point3)[1]];
  const segments = [
    [along(right, 0.97, 0.45), along(left, -0.97, 0.45)],
    [along(right, -1, 0.5), edge(FACE_RIGHT_EDGE)],
    [along(left, 1, 0.5), edge(FACE_LEFT_EDGE)],
  ] as const;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lenses) for (const [s, h] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) [xs, ys].forEach((arr, k) => arr.push((along(l, s, h) as readonly number[])[k] as number));
  for (const [p, q] of segments) {
    for (const pt of [p, q]) {
      xs.push(pt[0]);
      ys.push(pt[1]);
    }
  }
  const pad = rim + 2;
  return { lenses, rim, segments, leftward, up, bounds: [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad] };
}

/** Distance from p to the segment a–b. */
function segmentDistance(px: number, py: number, a: readonly [number, number], b: readonly [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len2 = dx * dx + dy * dy || 1;
  const s = Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
  return Math.hypot(px - a[0] - s * dx, py - a[1] - s * dy);
}

/** How a photo point relates to the glasses: frame coverage (0–1), inside a lens, and its lens coordinates. */
export interface GlassesHit {
  cover: number;
  lens: Lens | null;
  u: number;
  v: number;
}

/**
 * Where the rim and segment terms of glassesAtPoint can be non-zero. A term covers a point
 * only within half + 0.5 pixels of its line; with r = (u⁴ + v⁴)^¼ between max(|u|, |v|) and
 * 2^¼ · max(|u|, |v|), a lens point with max(|u|, |v|) beyond `far` is outside the lens and
 * off its rim, one below `deep` is inside it and off its rim, and a point outside a
 * segment's box (its ends' box widened by the reach and a pixel) is off that segment: in
 * all three the term is exactly zero, so the powers, roots and hypot are not computed.
 * The bounds keep a relative margin of 1e-9, far above the rounding of r.
 */
interface Reach {
  readonly far: readonly number[];
  readonly deep: readonly number[];
  readonly boxes: ReadonlyArray<readonly [number, number, number, number]>;
}

const MARGIN = 1e-9;
const FOURTH_ROOT_2 = 2 ** 0.25;
const reaches = new WeakMap<GlassesShape, Reach>();

function reachOf(shape: GlassesShape): Reach {
  const known = reaches.get(shape);
  if (known) return known;
  const reach = shape.rim / 2 + 0.5;
  const lensReach = shape.lenses.map((l) => reach / Math.min(l.a, l.b));
  const pad = reach + 1;
  const computed: Reach = {
    far: lensReach.map((r) => (1 + r) * (1 + MARGIN)),
    deep: lensReach.map((r) => ((1 - r) * (1 - MARGIN)) / FOURTH_ROOT_2),
    boxes: shape.segments.map(([a, b]) => [Math.min(a[0], b[0]) - pad, Math.min(a[1], b[1]) - pad, Math.max(a[0], b[0]) + pad, Math.max(a[1], b[1]) + pad] as const),
  };
  reaches.set(shape, computed);
  return computed;
}

/** Fills `hit` (reused pixel after pixel: this runs for every pixel around the glasses in every frame). */
export function glassesAtPoint(shape: GlassesShape, x: number, y: number, hit: GlassesHit = { cover: 0, lens: null, u: 0, v: 0 }): GlassesHit {
  const { far, deep, boxes } = reachOf(shape);
  const half = shape.rim / 2;
  let cover = 0;
  let inside: Lens | null = null;
  let lu = 0;
  let lv = 0;
  for (let k = 0; k < shape.lenses.length; k += 1) {
    const lens = shape.lenses[k] as Lens;
    const dx = x - lens.center[0];
    const dy = y - lens.center[1];
    const u = (dx * shape.leftward[0] + dy * shape.leftward[1]) / lens.a;
    const v = (dx * shape.up[0] + dy * shape.up[1]) / lens.b;
    const m = Math.max(Math.abs(u), Math.abs(v));
    if (m > (far[k] as number)) continue;
    if (m < (deep[k] as number)) {
      inside = lens;
      lu = u;
      lv = v;
      continue;
    }
    const r = Math.sqrt(Math.sqrt(u ** 4 + v ** 4));
    // Radial distance to the rim line in pixels, to first order.
    const dist = Math.abs(r - 1) * Math.min(lens.a, lens.b);
    cover = Math.max(cover, Math.min(1, Math.max(0, half + 0.5 - dist)));
    if (r < 1) {
      inside = lens;
      lu = u;
      lv = v;
    }
  }
  for (let k = 0; k < shape.segments.length; k += 1) {
    const box = boxes[k] as readonly [number, number, number, number];
    if (x < box[0] || y < box[1] || x > box[2] || y > box[3]) continue;
    const [a, b] = shape.segments[k] as (typeof shape.segments)[number];
    cover = Math.max(cover, Math.min(1, Math.max(0, half + 0.5 - segmentDistance(x, y, a, b))));
  }
  hit.cover = cover;
  hit.lens = inside;
  hit.u = lu;
  hit.v = lv;
  return hit;
}

/**
 * Draws the glasses into an RGB frame of floats (0–255) at the head pose, slid by `slide`
 * photo pixels: a frame pixel q shows the photo point pose⁻¹(q) − slide of the shape (the
 * photo's bounds, mapped the other way, give the pixels to visit). `glint` shifts the
 * specular highlights in lens units (a reflection moves across the lens as the head moves
 * against the light).
 */
export function drawGlasses(
  data: Float32Array,
  width: number,
  height: number,
  shape: GlassesShape,
  pose: HeadPose,
  slide: readonly [number, number],
  reflections: boolean,
  glint: readonly [number, number],
): void {
  const [sx, sy] = slide;
  const [bx0, by0, bx1, by1] = shape.bounds;
  const corners = [applyPose(pose, bx0 + sx, by0 + sy), applyPose(pose, bx1 + sx, by0 + sy), applyPose(pose, bx0 + sx, by1 + sy), applyPose(pose, bx1 + sx, by1 + sy)];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...corners.map((c) => c[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...corners.map((c) => c[1]))));
  const [c0, c1] = pose.center;
  const [t0, t1] = pose.translate;
  const { cos, sin, scale } = pose;
  const hit: GlassesHit = { cover: 0, lens: null, u: 0, v: 0 };
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      // invertPose, written out (this runs per pixel), then the slide.
      const ex = (x - c0 - t0) / scale;
      const ey = (y - c1 - t1) / scale;
      const px = c0 + cos * ex + sin * ey - sx;
      const py = c1 - sin * ex + cos * ey - sy;
      const { cover, lens, u, v } = glassesAtPoint(shape, px, py, hit);
      if (cover <= 0 && !lens) continue;
      const o = (y * width + x) * 3;
      const highlight = reflections && lens ? 110 * Math.exp(-(((u + 0.35 - glint[0]) / 0.16) ** 2 + ((v - 0.4 - glint[1]) / 0.22) ** 2) / 2) + 60 * Math.exp(-(((u - 0.4 - glint[0]) / 0.08) ** 2 + ((v + 0.45 - glint[1]) / 0.1) ** 2) / 2) : 0;
      for (let c = 0; c < 3; c += 1) {
        const skin = (data[o + c] as number) * (lens ? LENS_TINT : 1) + highlight;
        data[o + c] = Math.min(255, skin * (1 - cover) + (FRAME_RGB[c] as number) * cover);
      }
    }
  }
}
