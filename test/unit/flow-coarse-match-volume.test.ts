import { describe, expect, it } from 'vitest';
import { coarseMatch, type CoarseMatchOptions } from '../../src/main/inference/flow/coarse-match';

/**
 * The matcher written with the whole cost volume (candidates × pixels), the same
 * arithmetic in the same order: coarseMatch keeps only the costs the sub-pixel step reads,
 * and must give the same bits.
 */
function volumeMatch(frame1: Float32Array, frame2: Float32Array, width: number, height: number, { radius, half, penalty }: CoarseMatchOptions): Float32Array {
  const plane = width * height;
  const side = 2 * radius + 1;
  const stride = width + 1;
  const costs = new Float32Array(side * side * plane);
  const integral = new Float64Array((width + 1) * (height + 1));
  const best = new Float32Array(plane).fill(Infinity);
  const winner = new Int32Array(plane);
  for (let dy = -radius; dy <= radius; dy += 1) {
    for (let dx = -radius; dx <= radius; dx += 1) {
      for (let y = 0; y < height; y += 1) {
        const row2 = Math.min(height - 1, Math.max(0, y + dy)) * width;
        let sum = 0;
        for (let x = 0; x < width; x += 1) {
          const d = (frame1[y * width + x] as number) - (frame2[row2 + Math.min(width - 1, Math.max(0, x + dx))] as number);
          sum += d * d;
          integral[(y + 1) * stride + x + 1] = (integral[y * stride + x + 1] as number) + sum;
        }
      }
      const candidate = (dy + radius) * side + dx + radius;
      for (let y = 0; y < height; y += 1) {
        const [y0, y1] = [Math.max(0, y - half), Math.min(height, y + half + 1)];
        for (let x = 0; x < width; x += 1) {
          const [x0, x1] = [Math.max(0, x - half), Math.min(width, x + half + 1)];
          const i = y * width + x;
          const box = (integral[y1 * stride + x1] as number) - (integral[y0 * stride + x1] as number) - (integral[y1 * stride + x0] as number) + (integral[y0 * stride + x0] as number);
          const cost = box * Math.fround(1 / ((y1 - y0) * (x1 - x0))) + penalty * (dx * dx + dy * dy);
          costs[candidate * plane + i] = cost;
          if (cost < (best[i] as number)) [best[i], winner[i]] = [cost, candidate];
        }
      }
    }
  }
  const vertex = (before: number, at: number, after: number) => {
    const curvature = before - 2 * at + after;
    return curvature > 0 ? Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature))) : 0;
  };
  const flow = new Float32Array(2 * plane);
  for (let i = 0; i < plane; i += 1) {
    const [bx, by] = [((winner[i] as number) % side) - radius, Math.floor((winner[i] as number) / side) - radius];
    const cost = (dx: number, dy: number) => costs[((dy + radius) * side + dx + radius) * plane + i] as number;
    flow[i] = bx + (bx > -radius && bx < radius ? vertex(cost(bx - 1, by), best[i] as number, cost(bx + 1, by)) : 0);
    flow[plane + i] = by + (by > -radius && by < radius ? vertex(cost(bx, by - 1), best[i] as number, cost(bx, by + 1)) : 0);
  }
  return flow;
}

describe('coarse matching without the cost volume', () => {
  it('gives the same bits as the whole volume, ties and borders included', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const cases: Array<[number, number, CoarseMatchOptions]> = [
      [83, 62, { level: 4, radius: 8, half: 2, penalty: 1e-4 }],
      [40, 30, { level: 0, radius: 4, half: 0, penalty: 0 }],
      [33, 17, { level: 0, radius: 16, half: 3, penalty: 1e-5 }],
      [5, 4, { level: 0, radius: 3, half: 1, penalty: 0 }],
    ];
    let compared = 0;
    for (const [width, height, options] of cases) {
      for (const kind of ['texture', 'quantised', 'same'] as const) {
        const a = new Float32Array(width * height);
        const b = new Float32Array(width * height);
        for (let y = 0; y < height; y += 1) {
          for (let x = 0; x < width; x += 1) {
            a[y * width + x] = Math.sin(x * 0.3) * Math.cos(y * 0.2) + 0.1 * random();
            // Quantised frames make many equal costs: the first candidate tried must win.
            b[y * width + x] = kind === 'quantised' ? Math.round(random() * 4) / 4 : Math.sin((x - 3.3) * 0.3) * Math.cos((y + 1.7) * 0.2) + 0.1 * random();
          }
        }
        if (kind === 'quantised') a.set(b.map((v, i) => (i % 3 ? v : 0)));
        if (kind === 'same') a.set(b);
        const expected = volumeMatch(a, b, width, height, options);
        const actual = coarseMatch(a, b, width, height, options);
        expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        compared += actual.length;
      }
    }
    expect(compared).toBeGreaterThan(30000);
  });
});
