import sharp from 'sharp';
import { toGray, type Image8 } from '../../media/image';
import type { FlowScale, OverlayKind } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { flowMagnitudeStats, type FlowField } from './types';

/**
 * Flow visualisations, the one implementation for the CLI and the app: RGBA pixels or
 * line segments, rasterised by `encodeRgbaPng`; the app's overlays are `overlayImage`.
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** Middlebury colour wheel (Baker et al. 2011): RY 15, YG 6, GC 4, CB 11, BM 13, MR 6 steps. */
const WHEEL: readonly (readonly [number, number, number])[] = (() => {
  const wheel: [number, number, number][] = [];
  const ramp = (n: number, f: (t: number) => [number, number, number]) => {
    for (let i = 0; i < n; i += 1) wheel.push(f(Math.floor((255 * i) / n)));
  };
  ramp(15, (t) => [255, t, 0]);
  ramp(6, (t) => [255 - t, 255, 0]);
  ramp(4, (t) => [0, 255, t]);
  ramp(11, (t) => [0, 255 - t, 255]);
  ramp(13, (t) => [t, 0, 255]);
  ramp(6, (t) => [255, 0, 255 - t]);
  return wheel;
})();

/** Colour of a flow vector already divided by the normalising magnitude (|(u, v)| ≤ 1 inside the wheel). */
export function middleburyColor(u: number, v: number): [number, number, number] {
  const radius = Math.hypot(u, v);
  const angle = Math.atan2(-v, -u) / Math.PI;
  const position = ((angle + 1) / 2) * (WHEEL.length - 1);
  const k0 = Math.floor(position);
  const k1 = (k0 + 1) % WHEEL.length;
  const f = position - k0;
  const c0 = WHEEL[k0] as readonly [number, number, number];
  const c1 = WHEEL[k1] as readonly [number, number, number];
  return [0, 1, 2].map((i) => {
    const col = ((1 - f) * (c0[i] as number) + f * (c1[i] as number)) / 255;
    // Saturation falls towards the centre; beyond the wheel the colour darkens.
    const shaded = radius <= 1 ? 1 - radius * (1 - col) : col * 0.75;
    return Math.floor(255 * shaded);
  }) as [number, number, number];
}

const maxMagnitude = (field: FlowField): number => flowMagnitudeStats(field).maxMagnitude;

function paint(field: FlowField, colour: (u: number, v: number, i: number) => readonly [number, number, number]): RgbaImage {
  const { width, height } = field;
  const plane = width * height;
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i += 1) {
    const [r, g, b] = colour(field.data[i] as number, field.data[plane + i] as number, i);
    data.set([r, g, b, 255], i * 4);
  }
  return { width, height, data };
}

/** Middlebury colour coding; `normalize` defaults to the field's largest magnitude. */
export function flowToColor(field: FlowField, normalize = maxMagnitude(field)): RgbaImage {
  const scale = normalize > 0 ? 1 / normalize : 0;
  return paint(field, (u, v) => (Math.abs(u) > 1e9 || Math.abs(v) > 1e9 ? [0, 0, 0] : middleburyColor(u * scale, v * scale)));
}

/** HSV → RGB with h in degrees, s and v in [0, 1]. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const c = v * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const table: [number, number, number][] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]];
  const [r, g, b] = table[Math.floor(hp) % 6] as [number, number, number];
  const m = v - c;
  return [Math.round(255 * (r + m)), Math.round(255 * (g + m)), Math.round(255 * (b + m))];
}

/**
 * The MELLM v1 overlay: hue = motion direction (counter-clockwise from "right", image y
 * flipped) quantised to 30°, value = magnitude / max, blended over the gray onset frame
 * in proportion to the value (still areas show the face unchanged).
 */
export function mellmOverlay(field: FlowField, onset: Image8, normalize = maxMagnitude(field)): RgbaImage {
  const gray = toGray(onset).data;
  const scale = normalize > 0 ? 1 / normalize : 0;
  return paint(field, (u, v, i) => {
    const value = Math.min(1, Math.hypot(u, v) * scale);
    const degrees = (Math.atan2(-v, u) * 180) / Math.PI;
    const hue = (Math.round(degrees / 30) * 30 + 360) % 360;
    const [r, g, b] = hsvToRgb(hue, 1, 1);
    const base = gray[i] as number;
    return [base * (1 - value) + r * value, base * (1 - value) + g * value, base * (1 - value) + b * value];
  });
}

/** Magnitude heat map (black → red → yellow → white), normalised to `normalize` px. */
export function magnitudeHeatMap(field: FlowField, normalize = maxMagnitude(field)): RgbaImage {
  const scale = normalize > 0 ? 1 / normalize : 0;
  return paint(field, (u, v) => {
    const t = Math.min(1, Math.hypot(u, v) * scale) * 3;
    return [255 * Math.min(1, t), 255 * Math.min(1, Math.max(0, t - 1)), 255 * Math.max(0, t - 2)];
  });
}

/** One arrow as flat segments (shaft, then two head strokes) from (x, y) by (dx, dy), appended to `out`. */
function pushArrow(out: number[], x: number, y: number, dx: number, dy: number): void {
  const length = Math.hypot(dx, dy);
  const ex = x + dx;
  const ey = y + dy;
  const head = Math.min(3, length / 3);
  const angle = Math.atan2(dy, dx);
  out.push(x, y, ex, ey);
  for (const side of [-1, 1]) {
    const a = angle + Math.PI - (side * Math.PI) / 7;
    out.push(ex, ey, ex + head * Math.cos(a), ey + head * Math.sin(a));
  }
}

/**
 * Quiver arrows on a `step`-pixel grid as flat segments [x1, y1, x2, y2, …] (shaft then
 * two head strokes per arrow); vectors are multiplied by `gain` so sub-pixel motion is
 * visible. Vectors shorter than `minLength` px (after gain) are skipped.
 */
export function quiverSegments(field: FlowField, step = 8, gain = 4, minLength = 0.5): Float32Array {
  const { width, height, data } = field;
  const plane = width * height;
  const out: number[] = [];
  for (let y = Math.floor(step / 2); y < height; y += step) {
    for (let x = Math.floor(step / 2); x < width; x += step) {
      const dx = (data[y * width + x] as number) * gain;
      const dy = (data[plane + y * width + x] as number) * gain;
      const length = Math.hypot(dx, dy);
      if (!(length >= minLength) || length > 1e6) continue;
      pushArrow(out, x, y, dx, dy);
    }
  }
  return Float32Array.from(out);
}

/** Draws segments (DDA, one pixel wide) in `color` onto a copy of `background`. */
export function drawSegments(background: RgbaImage, segments: Float32Array, color: readonly [number, number, number] = [0, 255, 0]): RgbaImage {
  const { width, height } = background;
  const data = new Uint8ClampedArray(background.data);
  for (let s = 0; s + 3 < segments.length; s += 4) {
    const [x1, y1, x2, y2] = [segments[s], segments[s + 1], segments[s + 2], segments[s + 3]] as [number, number, number, number];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1))));
    for (let k = 0; k <= steps; k += 1) {
      const x = Math.round(x1 + ((x2 - x1) * k) / steps);
      const y = Math.round(y1 + ((y2 - y1) * k) / steps);
      if (x >= 0 && y >= 0 && x < width && y < height) data.set([...color, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Gray frame as RGBA (quiver background). */
export function grayToRgba(image: Image8): RgbaImage {
  const gray = toGray(image).data;
  const data = new Uint8ClampedArray(gray.length * 4);
  for (let i = 0; i < gray.length; i += 1) data.set([gray[i] as number, gray[i] as number, gray[i] as number, 255], i * 4);
  return { width: image.width, height: image.height, data };
}

export async function encodeRgbaPng(image: RgbaImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .png()
    .toBuffer();
}

/** Arrows in the stage's highlight yellow, readable over both skin and the dark stage. */
const ARROW_COLOUR = [255, 212, 59] as const;
/** The arrows' grid: one arrow per 8 × 8 flow pixels; full-scale motion draws an arrow one cell long. */
const ARROW_STEP = 8;
/** The largest fixed scale accepted, px: beyond it every real micro-expression would be invisible. */
const MAX_SCALE_PX = 100;

/**
 * The motion, in flow pixels, drawn at full colour (and as a one-cell arrow): the field's
 * largest motion for `auto`, else the fixed scale, so sub-pixel noise stays faint instead of
 * being stretched to full colour. 0 for a still field at `auto` (nothing is drawn).
 */
export function overlayScale(field: FlowField, scale: FlowScale): number {
  if (scale === 'auto') return maxMagnitude(field);
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE_PX)) {
    throw new AppError('INVALID_INPUT', `The overlay scale must be "auto" or a number of pixels in (0, ${MAX_SCALE_PX}]; got ${String(scale)}.`);
  }
  return scale;
}

function transparent(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

function paintKind(kind: OverlayKind, flow: FlowField, onset: Image8, normalize: number): RgbaImage {
  switch (kind) {
    case 'colorwheel':
      return flowToColor(flow, normalize);
    case 'magnitude':
      return magnitudeHeatMap(flow, normalize);
    case 'mellm-hsv':
      return mellmOverlay(flow, onset, normalize);
    case 'arrows':
      return drawSegments(transparent(flow.width, flow.height), normalize > 0 ? quiverSegments(flow, ARROW_STEP, ARROW_STEP / normalize) : new Float32Array(0), ARROW_COLOUR);
  }
}

/**
 * The analysis overlay of one kind, over the face crop the flow was computed on: the
 * Middlebury wheel, MELLM's HSV over the onset frame, the magnitude heat map, or quiver
 * arrows on a transparent layer, each at `scale` (see `overlayScale`). The renderer only
 * places these images.
 */
export function overlayImage(kind: OverlayKind, flow: FlowField, onset: Image8, scale: FlowScale = 'auto'): RgbaImage {
  return paintKind(kind, flow, onset, overlayScale(flow, scale));
}

/** Mid gray under the MELLM key: its colours blend over the face as they do on the overlay. */
const LEGEND_GRAY = 128;

/**
 * The key of an overlay kind, `size` px square: a disc whose every pixel is drawn as the
 * overlay draws motion from the centre towards it, the rim being full scale (transparent
 * outside); for arrows, eight full-scale arrows out of the centre. Drawn by the overlay's
 * own functions, so the key cannot disagree with the image.
 */
export function overlayLegend(kind: OverlayKind, size = 65): RgbaImage {
  if (!(Number.isInteger(size) && size >= 9 && size <= 512)) throw new AppError('INVALID_INPUT', `The legend size must be a whole number of pixels in [9, 512]; got ${String(size)}.`);
  const centre = (size - 1) / 2;
  if (kind === 'arrows') {
    const out: number[] = [];
    for (let k = 0; k < 8; k += 1) pushArrow(out, centre, centre, centre * Math.cos((k * Math.PI) / 4), centre * Math.sin((k * Math.PI) / 4));
    return drawSegments(transparent(size, size), Float32Array.from(out), ARROW_COLOUR);
  }
  const plane = size * size;
  const field: FlowField = { width: size, height: size, data: new Float32Array(plane * 2) };
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      field.data[y * size + x] = (x - centre) / centre;
      field.data[plane + y * size + x] = (y - centre) / centre;
    }
  }
  const gray = { width: size, height: size, channels: 1 as const, data: new Uint8Array(plane).fill(LEGEND_GRAY) };
  const image = paintKind(kind, field, gray, 1);
  for (let i = 0; i < plane; i += 1) if (Math.hypot(field.data[i] as number, field.data[plane + i] as number) > 1) image.data[i * 4 + 3] = 0;
  return image;
}
