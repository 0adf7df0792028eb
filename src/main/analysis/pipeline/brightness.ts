import { AppError } from '@shared/errors';
import type { GrayImage } from '../../media/image';
import { quantileSorted } from '../../util/quantile';

/**
 * Brings a face crop to its reference's lighting before the spotting and apex flows, so that light
 * that changes between the two frames is not read as motion: mains flicker (the whole
 * frame brighter or darker), the bands a rolling shutter makes of it (a gain that varies
 * from row to row and moves between frames), auto-exposure drift (a slow global gain) and
 * white-balance drift (on the luma, a gain that differs between skin, hair and background).
 *
 * The gain is fitted per pixel as the ratio of the two crops' sums over a window around
 * it (±`ry` rows, ±`rx` columns; a ratio of sums, so dark pixels weigh little) and the
 * image is multiplied by it. Bands vary slowly down the frame (a few cycles per frame
 * height) and pass through the short window almost unchanged. An expression moves
 * content by a fraction of a pixel inside the window, which leaves the window's sum all
 * but unchanged (only what crosses its border counts), so the motion survives.
 */
export function matchBrightness(reference: GrayImage, image: GrayImage, ry = Math.max(2, Math.round(image.height / 16)), rx = Math.max(2, Math.round(image.width / 8))): GrayImage {
  const { width, height } = image;
  if (reference.width !== width || reference.height !== height) {
    throw new AppError('INVALID_INPUT', `Crops to match must have one size (got ${reference.width}×${reference.height} and ${width}×${height}).`);
  }
  const a = integral(reference.data, width, height);
  const b = integral(image.data, width, height);
  const stride = width + 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const y0 = Math.max(0, y - ry);
    const y1 = Math.min(height, y + ry + 1);
    for (let x = 0; x < width; x += 1) {
      const x0 = Math.max(0, x - rx);
      const x1 = Math.min(width, x + rx + 1);
      const sa = (a[y1 * stride + x1] as number) - (a[y0 * stride + x1] as number) - (a[y1 * stride + x0] as number) + (a[y0 * stride + x0] as number);
      const sb = (b[y1 * stride + x1] as number) - (b[y0 * stride + x1] as number) - (b[y1 * stride + x0] as number) + (b[y0 * stride + x0] as number);
      // A black window carries no lighting information: leave its pixel as it is.
      const gain = sa > 0 && sb > 0 ? sa / sb : 1;
      const o = y * width + x;
      out[o] = Math.min(255, Math.round((image.data[o] as number) * gain));
    }
  }
  return { width, height, channels: 1, data: out };
}

/** Summed-area table with a zero first row and column: (width + 1) × (height + 1). */
function integral(data: Uint8Array, width: number, height: number): Float64Array {
  const stride = width + 1;
  const sums = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y += 1) {
    let row = 0;
    for (let x = 0; x < width; x += 1) {
      row += data[y * width + x] as number;
      sums[(y + 1) * stride + x + 1] = (sums[y * stride + x + 1] as number) + row;
    }
  }
  return sums;
}

/** The lighting change (of the whole crop, or typical of its strips) below which the onset → apex flow reads the apex as it is. */
export const LIGHTING_CHANGE_MIN = 0.01;

/** Horizontal strips the crop is cut into to see rolling bands (a few band cycles per frame height). */
const LIGHTING_STRIPS = 8;

/**
 * Whether `image` is lit differently from `reference`: the ratio of their mean brightness
 * departs from 1 by at least `LIGHTING_CHANGE_MIN`, over the whole crop (flicker, exposure
 * and white-balance drift) or in the median of its horizontal strips (rolling bands, which
 * brighten some rows and darken others and can leave the whole crop's mean unchanged while
 * each strip's moves by several per cent). An expression moves skin inside one or two
 * strips and leaves the others, so the median, unchanged. The expression flow (the AU
 * evidence) is matched (`matchRowGains`) only then: a gain estimated where the light held
 * can only add error to a strong movement's edges.
 */
export function lightingChanged(reference: GrayImage, image: GrayImage): boolean {
  const { width, height } = reference;
  if (image.width !== width || image.height !== height) {
    throw new AppError('INVALID_INPUT', `Crops to compare must have one size (got ${width}×${height} and ${image.width}×${image.height}).`);
  }
  const strips = Math.max(1, Math.min(LIGHTING_STRIPS, height));
  const a = new Float64Array(strips);
  const b = new Float64Array(strips);
  for (let y = 0; y < height; y += 1) {
    const s = Math.min(strips - 1, Math.floor((y * strips) / height));
    for (let i = y * width; i < (y + 1) * width; i += 1) {
      a[s] = (a[s] as number) + (reference.data[i] as number);
      b[s] = (b[s] as number) + (image.data[i] as number);
    }
  }
  const whole = ratioChange(a.reduce((x, v) => x + v, 0), b.reduce((x, v) => x + v, 0));
  const perStrip = Array.from(a, (sa, s) => ratioChange(sa, b[s] as number)).sort((x, y) => x - y);
  // The lower median: five of the eight strips must have changed.
  const median = perStrip[Math.floor((perStrip.length - 1) / 2)] as number;
  return Math.max(whole, median) >= LIGHTING_CHANGE_MIN;
}

/** |b / a − 1|, or 0 when either is black (no lighting information). */
const ratioChange = (a: number, b: number): number => (a > 0 && b > 0 ? Math.abs(b / a - 1) : 0);

/**
 * Brings a crop to its reference's lighting by one gain per row, the median of the pixels'
 * brightness ratios along that row (smoothed over ±`ry` rows). Flicker, exposure drift and
 * a rolling shutter's bands change whole rows alike; an expression moves a few edges along
 * a row, whose ratios are outliers to the median, so the gain does not follow them (a
 * window's sum does: where a cheek rises into it, its gain changes and draws false
 * vertical motion on the lids' horizontal edges).
 */
export function matchRowGains(reference: GrayImage, image: GrayImage, ry = Math.max(1, Math.round(image.height / 48))): GrayImage {
  const { width, height } = image;
  if (reference.width !== width || reference.height !== height) {
    throw new AppError('INVALID_INPUT', `Crops to match must have one size (got ${reference.width}×${reference.height} and ${width}×${height}).`);
  }
  const rowGain = new Float64Array(height);
  const ratios = new Float64Array(width);
  for (let y = 0; y < height; y += 1) {
    let n = 0;
    for (let x = 0; x < width; x += 1) {
      const a = reference.data[y * width + x] as number;
      const b = image.data[y * width + x] as number;
      // Near-black pixels carry no lighting information (and their ratio is all quantisation).
      if (a >= DARK_LEVEL && b >= DARK_LEVEL) ratios[n++] = a / b;
    }
    rowGain[y] = n >= width / 4 ? quantileSorted(ratios.subarray(0, n).sort(), 0.5) : Number.NaN;
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    let sum = 0;
    let count = 0;
    for (let k = Math.max(0, y - ry); k <= Math.min(height - 1, y + ry); k += 1) {
      const g = rowGain[k] as number;
      if (Number.isFinite(g)) {
        sum += g;
        count += 1;
      }
    }
    const gain = count > 0 ? sum / count : 1;
    for (let i = y * width; i < (y + 1) * width; i += 1) out[i] = Math.min(255, Math.round((image.data[i] as number) * gain));
  }
  return { width, height, channels: 1, data: out };
}

/** Below this gray level a pixel's ratio is quantisation, not light. */
const DARK_LEVEL = 16;
