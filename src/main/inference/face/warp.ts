import type { RgbImage } from '../../media/image';

/**
 * A square, possibly rotated window of an image: centre and side in image pixels, angle
 * in radians (positive = the window's x axis turned clockwise on screen, i.e. towards +y).
 */
export interface CropWindow {
  readonly cx: number;
  readonly cy: number;
  readonly size: number;
  readonly angle: number;
}

/**
 * Samples `window` into an NHWC float tensor of side `out` with bilinear interpolation,
 * pixels outside the image read as 0 (black), values mapped by `scale`·v + `offset`.
 * One pass, no intermediate image: this runs per frame in the tracker.
 */
export function cropToTensor(image: RgbImage, window: CropWindow, out: number, scale: number, offset: number, target: Float32Array): void {
  const { width, height, data } = image;
  const step = window.size / out;
  const cos = Math.cos(window.angle) * step;
  const sin = Math.sin(window.angle) * step;
  const half = (out - 1) / 2;
  const stride = width * 3;
  let k = 0;
  for (let v = 0; v < out; v += 1) {
    const dv = v - half;
    // Source position of the row start; each step right adds (cos, sin).
    let x = window.cx - half * cos - dv * sin - 0.5;
    let y = window.cy - half * sin + dv * cos - 0.5;
    for (let u = 0; u < out; u += 1, k += 3, x += cos, y += sin) {
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
        // Fast path: all four neighbours inside the image.
        const i00 = y0 * stride + x0 * 3;
        const i01 = i00 + stride;
        const w00 = (1 - fx) * (1 - fy);
        const w10 = fx * (1 - fy);
        const w01 = (1 - fx) * fy;
        const w11 = fx * fy;
        for (let c = 0; c < 3; c += 1) {
          const value = (data[i00 + c] as number) * w00 + (data[i00 + 3 + c] as number) * w10 + (data[i01 + c] as number) * w01 + (data[i01 + 3 + c] as number) * w11;
          target[k + c] = value * scale + offset;
        }
        continue;
      }
      for (let c = 0; c < 3; c += 1) {
        const p00 = pixel(data, width, height, x0, y0, c);
        const p10 = pixel(data, width, height, x0 + 1, y0, c);
        const p01 = pixel(data, width, height, x0, y0 + 1, c);
        const p11 = pixel(data, width, height, x0 + 1, y0 + 1, c);
        const value = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
        target[k + c] = value * scale + offset;
      }
    }
  }
}

function pixel(data: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  return x < 0 || y < 0 || x >= width || y >= height ? 0 : (data[(y * width + x) * 3 + c] as number);
}

/** Maps a point given in crop pixels (0..out) back to image pixels. */
export function cropToImage(window: CropWindow, out: number, u: number, v: number): [number, number] {
  const step = window.size / out;
  const du = (u - out / 2) * step;
  const dv = (v - out / 2) * step;
  const cos = Math.cos(window.angle);
  const sin = Math.sin(window.angle);
  return [window.cx + du * cos - dv * sin, window.cy + du * sin + dv * cos];
}
