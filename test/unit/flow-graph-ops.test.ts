import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/inference/onnx/graph';
import { ImageOps } from '../../src/main/inference/flow/graph-ops';

const W = 48;
const H = 40;

/** Runs a one-input graph built by `body` on an H×W image of `channels` channels. */
async function runOp(body: (o: ImageOps, x: string) => string, image: Float32Array, channels = 1): Promise<Float32Array> {
  const g = new GraphBuilder('op_test');
  const o = new ImageOps(g);
  const x = g.input('x', 'float32', [1, channels, 'height', 'width']);
  g.op('Identity', [body(o, x)], {}, ['y']);
  g.output('y', 'float32', [1, 'channels', 'height', 'width']);
  const session = await ort.InferenceSession.create(g.toBytes());
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', image, [1, channels, H, W]) });
    return y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const image = (f: (x: number, y: number) => number) => Float32Array.from({ length: W * H }, (_, i) => f(i % W, Math.floor(i / W)));
/** Largest |a − b| over pixels at least `margin` from the border. */
function interiorMaxDiff(a: Float32Array, b: Float32Array, margin: number): number {
  let worst = 0;
  for (let y = margin; y < H - margin; y += 1) {
    for (let x = margin; x < W - margin; x += 1) worst = Math.max(worst, Math.abs((a[y * W + x] as number) - (b[y * W + x] as number)));
  }
  return worst;
}

describe('flow graph ops on real onnxruntime sessions', () => {
  it('structure–texture: removes smooth shading, keeps fine texture', async () => {
    // Shading ramp (structure) plus a 2-px checkerboard (texture).
    const shading = (x: number, y: number) => 0.2 + 0.01 * x + 0.005 * y;
    const checker = (x: number, y: number) => ((x + y) % 2 ? 0.05 : -0.05);
    const out = await runOp((o, x) => o.textureOf(x, 3, 0.95), image((x, y) => shading(x, y) + checker(x, y)));
    // A Gaussian (σ = 3) keeps a linear ramp and flattens the checkerboard, so the
    // interior is 5 % of the shading plus the full texture.
    const expected = image((x, y) => 0.05 * shading(x, y) + checker(x, y));
    expect(interiorMaxDiff(out, expected, 9)).toBeLessThan(2e-3);
  });

  it('separable and exact 5×5 medians: remove an impulse, keep a step edge', async () => {
    const step = (x: number) => (x < 20 ? 0 : 1);
    const input = image((x) => step(x));
    input[15 * W + 10] = 50; // an outlier inside the flat region
    for (const median of [(o: ImageOps, x: string) => o.separableMedian(x, 5), (o: ImageOps, x: string) => o.median(x, 5)]) {
      expect(interiorMaxDiff(await runOp(median, input), image((x) => step(x)), 0)).toBe(0);
    }
  });

  it('flow smoothness weight: matches a JS reference, 1 on uniform motion, low across a motion boundary', async () => {
    // u: a rotation-like smooth field plus a 2-px step at x = 24; v: a gentle ramp.
    const u = image((x, y) => 0.02 * y + (x < 24 ? 0 : 2));
    const v = image((x) => -0.03 * x);
    const epsilon = 0.1;
    const out = await runOp((o, x) => o.flowSmoothness(x, epsilon), Float32Array.from([...u, ...v]), 2);
    const at = (f: Float32Array, x: number, y: number) => f[Math.min(H - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))] as number;
    let worst = 0;
    for (let y = 0; y < H; y += 1) {
      for (let x = 0; x < W; x += 1) {
        const d = (f: Float32Array) => [(at(f, x + 1, y) - at(f, x - 1, y)) / 2, (at(f, x, y + 1) - at(f, x, y - 1)) / 2];
        const norm2 = [...d(u), ...d(v)].reduce((s, g) => s + g * g, 0);
        worst = Math.max(worst, Math.abs((out[y * W + x] as number) - epsilon / Math.sqrt(norm2 + epsilon ** 2)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    expect(out[10 * W + 8]).toBeGreaterThan(0.9);
    expect(out[10 * W + 24]).toBeLessThan(0.1);
  });
});
