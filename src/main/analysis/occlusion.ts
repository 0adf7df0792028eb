import { AppError } from '@shared/errors';
import type { RoiBox } from '@shared/rois';
import type { Point3 } from '../inference/face/types';
import type { GrayImage } from '../media/image';
import { clipBox } from './roi-features';

/**
 * What covers the face on a crop: eyeglass frames and hair over the brows. Their motion
 * is not the skin's: a frame is rigid with the head (or slides down the nose) while the
 * brow under it moves, and a sliding edge reads to optical flow as a brow movement. The
 * covered pixels are masked out of the ROI features (roi-features.ts), and a region
 * mostly covered is reported as occluded instead of read.
 *
 * Eyeglasses are found from what skin never shows: thin dark bars (darker than both
 * sides a rim's width away) across the nose bridge between the inner eye corners, and
 * upright beside both outer eye corners (the lenses' outer rims). Both must be there.
 * Their mask is every thin dark bar in the eye band outside the eyes themselves.
 * Hair over a brow: the forehead two to three brow boxes above it is far darker than skin.
 */
export type OcclusionCause = 'glasses' | 'hair';

export interface Occlusion {
  readonly width: number;
  readonly height: number;
  /** Per crop pixel: 0 free, 1 glasses, 2 hair. */
  readonly mask: Uint8Array;
  readonly glasses: boolean;
  readonly hair: boolean;
  /** The figures the decision came from (relative bar contrast against the skin), for reports and tests. */
  readonly scores: { readonly bridge: number; readonly rims: readonly [number, number]; readonly foreheads: readonly number[] };
}

export const MASK_CODE: Readonly<Record<OcclusionCause, number>> = { glasses: 1, hair: 2 };
export const causeOf = (code: number): OcclusionCause | null => (code === 1 ? 'glasses' : code === 2 ? 'hair' : null);

/**
 * Relative contrast of a thin dark bar that counts as a frame (bridge; at least one outer
 * rim). Set on the six face-api photos with and without synthetic glasses
 * (bench/fit/occlusion-check.ts, 320×240, seed-free: one frame each): bridges read 0.34–0.41
 * with glasses and 0.01–0.09 without (the drawn test face 0.12); outer rims are weaker
 * (a turned head hides one), so one of the two suffices. Real frames (thin metal, rimless)
 * may be fainter: a frame below these contrasts is not found, and its motion is read.
 */
export const BAR_CONTRAST = 0.14;
export const BRIDGE_CONTRAST = 0.2;
/** A pixel of the mask: a bar at least this share of the bridge's contrast. */
const MASK_SHARE = 0.45;
/**
 * A forehead strip darker than this share of the cheek skin is hair. Set on the six
 * face-api photos (bench/fit/occlusion-check.ts): bare foreheads read 0.41–1.6 of the
 * skin (shadowed temples at the low end), sample2's brown fringe over a brow 0.24–0.27,
 * which this threshold leaves readable: the synthetic warp moves hair with the brow, so
 * masking it there only loses AUs (it cost one AU2 in 60 bench clips), and a real fringe,
 * which does not follow the brow, is what the masking is for — the bench cannot show that.
 */
export const HAIR_DARKNESS = 0.2;
/**
 * A region with less than this share of free pixels is occluded, not read: the flow
 * next to a moving frame edge is pulled along with it, so a region a third covered
 * already reads the frame's motion in its free part.
 */
export const MIN_FREE_SHARE = 0.67;

const R_EYE = { outer: 33, inner: 133, top: 159, bottom: 145, brow: [70, 63, 105, 66, 107] };
const L_EYE = { outer: 263, inner: 362, top: 386, bottom: 374, brow: [300, 293, 334, 296, 336] };

const pt = (landmarks: readonly Point3[], i: number): Point3 => landmarks[i] as Point3;

export function detectOcclusion(gray: GrayImage, landmarks: readonly Point3[], rois: readonly RoiBox[]): Occlusion {
  const { width, height, data } = gray;
  if (gray.channels !== 1 || data.length !== width * height) throw new AppError('INVALID_INPUT', 'Occlusion detection needs a gray crop.');
  if (landmarks.length < 468) throw new AppError('INVALID_INPUT', `Occlusion detection needs the 468 FaceMesh landmarks, got ${landmarks.length}.`);
  const ys = landmarks.slice(0, 468).map((p) => p[1]);
  const faceHeight = Math.max(...ys) - Math.min(...ys);
  const k = Math.max(2, Math.round(0.022 * faceHeight));
  const at = (x: number, y: number): number => data[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))] as number;
  const horizontalBar = (x: number, y: number): number => Math.max(0, Math.min(at(x, y - k), at(x, y + k)) - at(x, y));
  const verticalBar = (x: number, y: number): number => Math.max(0, Math.min(at(x - k, y), at(x + k, y)) - at(x, y));

  const skin = skinLevel(gray, rois);
  const eyes = [R_EYE, L_EYE].map((eye) => {
    const [o, i, t, b] = [pt(landmarks, eye.outer), pt(landmarks, eye.inner), pt(landmarks, eye.top), pt(landmarks, eye.bottom)];
    const brow = eye.brow.map((j) => pt(landmarks, j)[1]).reduce((s, v) => s + v, 0) / eye.brow.length;
    return { o, i, t, b, cx: (o[0] + i[0]) / 2, cy: (o[1] + i[1]) / 2, w: Math.hypot(o[0] - i[0], o[1] - i[1]), brow };
  }) as [Eye, Eye];

  // The bridge: rows between the brows and the eye centres, columns between the inner corners.
  const [re, le] = eyes;
  const span = le.i[0] - re.i[0];
  const bx0 = Math.round(re.i[0] + 0.2 * span);
  const bx1 = Math.round(le.i[0] - 0.2 * span);
  const by0 = Math.round(Math.min(re.brow, le.brow));
  const by1 = Math.round(Math.max(re.cy, le.cy));
  let bridge = 0;
  for (let y = by0; y <= by1; y += 1) {
    let sum = 0;
    for (let x = bx0; x <= bx1; x += 1) sum += horizontalBar(x, y);
    bridge = Math.max(bridge, sum / Math.max(1, bx1 - bx0 + 1) / skin);
  }
  // The outer rims: columns just outside each outer corner, rows around the eye.
  const rims = eyes.map((e, side) => {
    const outward = side === 0 ? -1 : 1;
    let best = 0;
    const y0 = Math.round(e.cy - 0.3 * e.w);
    const y1 = Math.round(e.cy + 0.3 * e.w);
    for (let dx = Math.round(0.05 * e.w); dx <= Math.round(0.6 * e.w); dx += 1) {
      const x = Math.round(e.o[0] + outward * dx);
      let sum = 0;
      for (let y = y0; y <= y1; y += 1) sum += verticalBar(x, y);
      best = Math.max(best, sum / Math.max(1, y1 - y0 + 1) / skin);
    }
    return best;
  }) as [number, number];
  const glasses = bridge >= BRIDGE_CONTRAST && Math.max(...rims) >= BAR_CONTRAST;

  const mask = new Uint8Array(width * height);
  if (glasses) markFrame(mask, gray, eyes, skin * bridge * MASK_SHARE, k, horizontalBar, verticalBar);
  const foreheads = markHair(mask, gray, rois, skin);
  return { width, height, mask, glasses, hair: foreheads.some((f) => f < HAIR_DARKNESS), scores: { bridge, rims, foreheads } };
}

interface Eye {
  readonly o: Point3;
  readonly i: Point3;
  readonly t: Point3;
  readonly b: Point3;
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly brow: number;
}

/** Median gray of the cheek regions (skin, away from brows, eyes and lips). */
function skinLevel(gray: GrayImage, rois: readonly RoiBox[]): number {
  const values: number[] = [];
  for (const roi of rois.filter((r) => r.region.endsWith('Cheek'))) {
    const [x0, y0, x1, y1] = clipBox(roi.box, gray.width, gray.height);
    for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) values.push(gray.data[y * gray.width + x] as number);
  }
  values.sort((a, b) => a - b);
  return Math.max(16, values[Math.floor(values.length / 2)] ?? 128);
}

/** Marks the frame's bars in the eye band (brow top to below the eyes), leaving the eyes themselves free, dilated by one bar width. */
function markFrame(mask: Uint8Array, gray: GrayImage, eyes: readonly [Eye, Eye], level: number, k: number, h: (x: number, y: number) => number, v: (x: number, y: number) => number): void {
  const { width, height } = gray;
  const [re, le] = eyes;
  const x0 = Math.max(0, Math.floor(re.o[0] - 0.7 * re.w));
  const x1 = Math.min(width - 1, Math.ceil(le.o[0] + 0.7 * le.w));
  const y0 = Math.max(0, Math.floor(Math.min(re.brow, le.brow) - 0.15 * re.w));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(re.cy, le.cy) + 0.8 * re.w));
  const inEye = (x: number, y: number): boolean =>
    eyes.some((e) => ((x - e.cx) / (0.6 * e.w)) ** 2 + ((y - e.cy) / Math.max(2, 0.9 * Math.abs(e.b[1] - e.t[1]) + k)) ** 2 < 1);
  const bars = new Uint8Array(width * height);
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) if (!inEye(x, y) && Math.max(h(x, y), v(x, y)) >= level) bars[y * width + x] = 1;
  }
  // Dilate: skin moving past a still frame edge (or a frame slipping over still skin) bends the
  // flow for about four bar widths around the edge, across the brows above the top rim.
  const reach = 4 * k;
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      if (!bars[y * width + x]) continue;
      for (let dy = -reach; dy <= reach; dy += 1) {
        for (let dx = -reach; dx <= reach; dx += 1) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < height && xx >= 0 && xx < width && !inEye(xx, yy)) mask[yy * width + xx] = MASK_CODE.glasses;
        }
      }
    }
  }
}

/** Hair over a brow: the strip two brow boxes above it is as dark as hair, not forehead skin. Marks that brow's regions; returns each strip's darkness against the skin. */
function markHair(mask: Uint8Array, gray: GrayImage, rois: readonly RoiBox[], skin: number): number[] {
  const foreheads: number[] = [];
  for (const roi of rois.filter((r) => r.region.endsWith('Eyebrow'))) {
    const [x0, y0, x1, y1] = clipBox(roi.box, gray.width, gray.height);
    const tall = y1 - y0;
    let sum = 0;
    let n = 0;
    for (let y = Math.max(0, y0 - 3 * tall); y < Math.max(0, y0 - 2 * tall); y += 1) {
      for (let x = x0; x < x1; x += 1) {
        sum += gray.data[y * gray.width + x] as number;
        n += 1;
      }
    }
    foreheads.push(n ? sum / n / skin : 1);
    if (n === 0 || sum / n >= HAIR_DARKNESS * skin) continue;
    for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) if (!mask[y * gray.width + x]) mask[y * gray.width + x] = MASK_CODE.hair;
  }
  return foreheads;
}

/** The mask on another crop of the same window (e.g. the small spotting crop): a pixel is covered if any source pixel under it is. */
export function resampleOcclusion(o: Occlusion, width: number, height: number): Occlusion {
  const mask = new Uint8Array(width * height);
  const sx = o.width / width;
  const sy = o.height / height;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let code = 0;
      for (let yy = Math.floor(y * sy); yy < Math.min(o.height, Math.ceil((y + 1) * sy)) && !code; yy += 1) {
        for (let xx = Math.floor(x * sx); xx < Math.min(o.width, Math.ceil((x + 1) * sx)) && !code; xx += 1) code = o.mask[yy * o.width + xx] as number;
      }
      mask[y * width + x] = code;
    }
  }
  return { ...o, width, height, mask };
}
