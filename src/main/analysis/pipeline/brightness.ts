import { AppError } from '@shared/errors';
import type { GrayImage } from '../../media/image';

/**
 * Brings a face crop to its reference's lighting before the spotting flow, so that light
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

/** The global lighting change below which the onset → apex flow reads the apex as it is. */
export const LIGHTING_CHANGE_MIN = 0.01;

/**
 * Whether `image` is lit differently from `reference` as a whole: the ratio of their
 * mean brightness departs from 1 by at least `LIGHTING_CHANGE_MIN`. An expression moves
 * skin inside the crop and leaves its mean all but unchanged; flicker, exposure and
 * white-balance drift move it. The expression flow (the AU evidence) is matched only
 * then: matching moves some of a strong movement's edges back (a window's sum changes
 * where dark brows cross its border), which the spotting tolerates and the AU rules do not.
 */
export function lightingChanged(reference: GrayImage, image: GrayImage): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < reference.data.length; i += 1) a += reference.data[i] as number;
  for (let i = 0; i < image.data.length; i += 1) b += image.data[i] as number;
  return a > 0 && b > 0 && Math.abs(b / a - 1) >= LIGHTING_CHANGE_MIN;
}
