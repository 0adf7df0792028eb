import type { GrayImage } from '../../media/image';
import { bilinearAt } from './sample';
import { createFlowField, type FlowField } from './types';

/**
 * Image pairs with exactly known motion, for tests, benchmarks and self-checks: frame2
 * is frame1 resampled (bilinear) through a smooth backward displacement d, i.e.
 * frame2(p) = frame1(p − d(p)), so the forward flow w at x satisfies w = d(x + w)
 * (solved by fixed-point iteration, exact for smooth sub-pixel fields).
 */
export type Displacement = (x: number, y: number) => readonly [number, number];

export const displacements = {
  translation: (tx: number, ty: number): Displacement => () => [tx, ty],
  /** Rotation by `degrees` about (cx, cy), as a backward displacement. */
  rotation: (degrees: number, cx: number, cy: number): Displacement => {
    const t = (degrees * Math.PI) / 180;
    const cos = Math.cos(t);
    const sin = Math.sin(t);
    return (x, y) => {
      // p − R⁻¹(p − c) − c
      const dx = x - cx;
      const dy = y - cy;
      return [dx - (cos * dx + sin * dy), dy - (-sin * dx + cos * dy)];
    };
  },
  /** A smooth sinusoidal field with peak displacement `amplitude` pixels. */
  smooth: (amplitude: number, width: number, height: number): Displacement => (x, y) => [
    amplitude * Math.sin((2 * Math.PI * y) / height) * Math.cos((Math.PI * x) / width),
    amplitude * Math.cos((2 * Math.PI * x) / width) * Math.sin((Math.PI * y) / height),
  ],
};

export function warpedPair(frame1: GrayImage, displacement: Displacement): { frame2: GrayImage; truth: FlowField } {
  const { width, height } = frame1;
  const frame2 = new Uint8Array(width * height);
  const truth = createFlowField(width, height);
  const plane = width * height;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [dx, dy] = displacement(x, y);
      frame2[y * width + x] = Math.round(bilinearAt(frame1.data, 0, width, height, x - dx, y - dy));
      let u = dx;
      let v = dy;
      for (let k = 0; k < 30; k += 1) [u, v] = displacement(x + u, y + v);
      truth.data[y * width + x] = u;
      truth.data[plane + y * width + x] = v;
    }
  }
  return { frame2: { width, height, channels: 1, data: frame2 }, truth };
}

/** Mean end-point error inside a `margin`-pixel border (where content may leave the frame). */
export function interiorEndPointError(estimate: FlowField, truth: FlowField, margin: number): number {
  const { width, height } = truth;
  const plane = width * height;
  let sum = 0;
  let count = 0;
  for (let y = margin; y < height - margin; y += 1) {
    for (let x = margin; x < width - margin; x += 1) {
      const i = y * width + x;
      sum += Math.hypot((estimate.data[i] as number) - (truth.data[i] as number), (estimate.data[plane + i] as number) - (truth.data[plane + i] as number));
      count += 1;
    }
  }
  return sum / count;
}
