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
 * Their mask is the frame itself and the flow it bends, not the brows (markFrame): the
 * thin dark bars of the eye band joined to the bridge or a rim, outside the eyes and
 * outside the brows unless as dark as the frame, dilated by two bar widths. A brow region
 * the frame covers is read from the forehead above it (roi-features.ts).
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
  readonly scores: {
    readonly bridge: number;
    readonly rims: readonly [number, number];
    readonly foreheads: readonly number[];
    /** The frame's gray read on the bridge (0 without glasses) and the cheeks' skin gray. */
    readonly shade: number;
    readonly skin: number;
  };
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

/**
 * Inside a brow (between its upper and lower landmark contours), a bar is the frame's only
 * if its gray lies within this share of the way from the frame's gray (read on the bridge)
 * to the skin's: a rim crossing the brow is as dark as the bridge. On the six face-api
 * photos (bench/fit/occlusion-check.ts) the drawn frame reads 31–41 and the skin 72–179;
 * the darkest tenth of the brows reads 67–79 on samples 3, 4 and 6, which this keeps out
 * of the frame, but 28–35 on samples 1, 2 and 5: brows as dark as the frame cannot be told
 * from it on one frame, are masked with it, and their regions are read from the forehead
 * above (roi-features.ts) or reported occluded.
 */
export const FRAME_SHADE_TOLERANCE = 0.3;

/** Dilation of the frame's bars, in bar widths (see markFrame for the measurement behind it). */
export const SMEAR_REACH = 2;

// FaceMesh eye corners and lids; a brow's upper and lower contours, outer end first.
const R_EYE = { outer: 33, inner: 133, top: 159, bottom: 145, brow: [70, 63, 105, 66, 107], browLower: [46, 53, 52, 65, 55] };
const L_EYE = { outer: 263, inner: 362, top: 386, bottom: 374, brow: [300, 293, 334, 296, 336], browLower: [276, 283, 282, 295, 285] };

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
  const eyes = [R_EYE, L_EYE].map((eye): Eye => {
    const [o, i, t, b] = [pt(landmarks, eye.outer), pt(landmarks, eye.inner), pt(landmarks, eye.top), pt(landmarks, eye.bottom)];
    const browUpper = eye.brow.map((j) => pt(landmarks, j));
    const browLower = eye.browLower.map((j) => pt(landmarks, j));
    const brow = browUpper.reduce((s, p) => s + p[1], 0) / browUpper.length;
    const browTop = Math.min(...browUpper.map((p) => p[1]));
    return { o, i, t, b, cx: (o[0] + i[0]) / 2, cy: (o[1] + i[1]) / 2, w: Math.hypot(o[0] - i[0], o[1] - i[1]), brow, browTop, browUpper, browLower };
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
  const seeds: Array<readonly [number, number, number, number]> = [[bx0, by0, bx1, by1]];
  const rims = eyes.map((e, side) => {
    const outward = side === 0 ? -1 : 1;
    let best = 0;
    const y0 = Math.round(e.cy - 0.3 * e.w);
    const y1 = Math.round(e.cy + 0.3 * e.w);
    const [ox0, ox1] = [Math.round(e.o[0] + outward * 0.05 * e.w), Math.round(e.o[0] + outward * 0.6 * e.w)];
    // The outer rim's columns, and below the eye where the lens's lower rim crosses the cheek's top.
    seeds.push([Math.min(ox0, ox1), y0, Math.max(ox0, ox1), y1], [Math.round(e.cx - 0.5 * e.w), Math.round(e.cy + 0.25 * e.w), Math.round(e.cx + 0.5 * e.w), Math.round(e.cy + 0.8 * e.w)]);
    for (let dx = Math.round(0.05 * e.w); dx <= Math.round(0.6 * e.w); dx += 1) {
      const x = Math.round(e.o[0] + outward * dx);
      let sum = 0;
      for (let y = y0; y <= y1; y += 1) sum += verticalBar(x, y);
      best = Math.max(best, sum / Math.max(1, y1 - y0 + 1) / skin);
    }
    return best;
  }) as [number, number];
  const glasses = bridge >= BRIDGE_CONTRAST && Math.max(...rims) >= BAR_CONTRAST;
  const level = skin * bridge * MASK_SHARE;

  const mask = new Uint8Array(width * height);
  const shade = glasses ? frameShade(gray, [bx0, by0, bx1, by1], level, horizontalBar) : 0;
  if (glasses) markFrame(mask, gray, eyes, { level, shade, skin }, k, horizontalBar, verticalBar, seeds);
  const foreheads = markHair(mask, gray, rois, skin);
  return { width, height, mask, glasses, hair: foreheads.some((f) => f < HAIR_DARKNESS), scores: { bridge, rims, foreheads, shade, skin } };
}

interface Eye {
  readonly o: Point3;
  readonly i: Point3;
  readonly t: Point3;
  readonly b: Point3;
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  /** Mean and top y of the brow's upper contour; the upper and lower contours. */
  readonly brow: number;
  readonly browTop: number;
  readonly browUpper: readonly Point3[];
  readonly browLower: readonly Point3[];
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

/**
 * Marks the frame: the thin dark bars of the eye band (brow top to below the eyes) that
 * belong to one structure with the bridge or a rim, leaving the eyes out and the brows out
 * unless as dark as the frame, then dilated by what the flow smears around a rigid edge.
 *
 * - The brows are dark bars too (a brow is about as thick as a rim at this scale), so
 *   between each brow's upper and lower landmark contours a bar counts only if it is as
 *   dark as the bridge (FRAME_SHADE_TOLERANCE): a rim crossing a lighter brow is found,
 *   the brow is not. The rim's bars next to the brow are found either way, and their
 *   dilation covers the brow pixels its edge bends.
 * - Only bars connected to the bridge, an outer rim or a lower rim (where lenses run) count:
 *   hair strands at the temples and creases of the forehead are thin dark bars as well, but
 *   not part of the frame. A lens whose rim meets a brow as dark as itself is joined to
 *   the bridge only through that brow, so its lower and outer rims are searched too.
 * - Dilation `SMEAR_REACH` bar widths: measured on the six face-api photos (320×240, AU1+2
 *   and AU4 at E, seeds 4100–4151, `bench/fit/occlusion-smear.ts`), the flow above the eyes
 *   with synthetic glasses differs from the same clip without them by as much as the skin's
 *   own motion one pixel from the frame, 53 % of it at one bar width (k ≈ 4 px at 240 rows),
 *   25 % at two and 10 % at three. Two bar widths keep the frame's pull on a read pixel to a
 *   quarter; what is left is mostly sideways, along the rim (roi-features.ts reads only the
 *   vertical motion there).
 */
function markFrame(mask: Uint8Array, gray: GrayImage, eyes: readonly [Eye, Eye], tone: FrameTone, k: number, h: (x: number, y: number) => number, v: (x: number, y: number) => number, seeds: FrameSeeds): void {
  const { width, height } = gray;
  const [re, le] = eyes;
  const x0 = Math.max(0, Math.floor(re.o[0] - 0.7 * re.w));
  const x1 = Math.min(width - 1, Math.ceil(le.o[0] + 0.7 * le.w));
  const y0 = Math.max(0, Math.floor(Math.min(re.browTop, le.browTop) - 0.15 * re.w));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(re.cy, le.cy) + 0.8 * re.w));
  const inEye = (x: number, y: number): boolean =>
    eyes.some((e) => ((x - e.cx) / (0.6 * e.w)) ** 2 + ((y - e.cy) / Math.max(2, 0.9 * Math.abs(e.b[1] - e.t[1]) + k)) ** 2 < 1);
  const inBrow = (x: number, y: number): boolean => eyes.some((e) => browBandHolds(e, x, y));
  const frameDark = tone.shade + FRAME_SHADE_TOLERANCE * (tone.skin - tone.shade);
  const bars = new Uint8Array(width * height);
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      if (inEye(x, y) || Math.max(h(x, y), v(x, y)) < tone.level) continue;
      if (inBrow(x, y) && (gray.data[y * width + x] as number) > frameDark) continue;
      bars[y * width + x] = 1;
    }
  }
  // Keep the bars connected to the bridge or an outer rim (8-connected flood from the seeds' boxes).
  const frame = new Uint8Array(width * height);
  const queue: number[] = [];
  for (const [sx0, sy0, sx1, sy1] of seeds) {
    for (let y = Math.max(y0, sy0); y <= Math.min(y1, sy1); y += 1) {
      for (let x = Math.max(x0, sx0); x <= Math.min(x1, sx1); x += 1) {
        const i = y * width + x;
        if (bars[i] && !frame[i]) {
          frame[i] = 1;
          queue.push(i);
        }
      }
    }
  }
  for (let q = 0; q < queue.length; q += 1) {
    const i = queue[q] as number;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy += 1) {
      for (let dx = -1; dx <= 1; dx += 1) {
        const [xx, yy] = [x + dx, y + dy];
        if (xx < x0 || xx > x1 || yy < y0 || yy > y1) continue;
        const j = yy * width + xx;
        if (bars[j] && !frame[j]) {
          frame[j] = 1;
          queue.push(j);
        }
      }
    }
  }
  const reach = Math.round(SMEAR_REACH * k);
  for (const i of queue) {
    const x = i % width;
    const y = (i - x) / width;
    for (let yy = Math.max(0, y - reach); yy <= Math.min(height - 1, y + reach); yy += 1) {
      for (let xx = Math.max(0, x - reach); xx <= Math.min(width - 1, x + reach); xx += 1) if (!inEye(xx, yy)) mask[yy * width + xx] = MASK_CODE.glasses;
    }
  }
}

/** The bar level of the mask, the frame's own gray (from the bridge) and the skin's. */
interface FrameTone {
  readonly level: number;
  readonly shade: number;
  readonly skin: number;
}

/** The frame's gray: the median of the bridge box's pixels that pass as bars. */
function frameShade(gray: GrayImage, [x0, y0, x1, y1]: readonly [number, number, number, number], level: number, h: (x: number, y: number) => number): number {
  const values: number[] = [];
  for (let y = Math.max(0, y0); y <= Math.min(gray.height - 1, y1); y += 1) {
    for (let x = Math.max(0, x0); x <= Math.min(gray.width - 1, x1); x += 1) if (h(x, y) >= level) values.push(gray.data[y * gray.width + x] as number);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

/** Boxes [x0, y0, x1, y1] where a frame's bars run (the bridge, the outer rims, the lower rims): the flood starts there. */
type FrameSeeds = ReadonlyArray<readonly [number, number, number, number]>;

/** Inside a brow: between its upper and lower landmark contours, interpolated along x. */
function browBandHolds(e: Eye, x: number, y: number): boolean {
  const contour = (line: readonly Point3[]): number | null => {
    for (let j = 0; j + 1 < line.length; j += 1) {
      const [a, b] = [line[j] as Point3, line[j + 1] as Point3];
      const [lo, hi] = a[0] <= b[0] ? [a, b] : [b, a];
      if (x >= lo[0] && x <= hi[0]) return hi[0] === lo[0] ? lo[1] : lo[1] + ((x - lo[0]) / (hi[0] - lo[0])) * (hi[1] - lo[1]);
    }
    return null;
  };
  const top = contour(e.browUpper);
  const bottom = contour(e.browLower);
  return top !== null && bottom !== null && y >= Math.min(top, bottom) && y <= Math.max(top, bottom);
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
