import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/inference/onnx/graph';
import { ImageOps } from '../../src/main/inference/flow/graph-ops';

const W = 48;
const H = 40;

/** Runs a one-input graph built by `body` on an H×W single-channel image. */
async function runOp(body: (o: ImageOps, x: string) => string, image: Float32Array): Promise<Float32Array> {
  const g = new GraphBuilder('op_test');
  const o = new ImageOps(g);
  const x = g.input('x', 'float32', [1, 1, 'height', 'width']);
  g.op('Identity', [body(o, x)], {}, ['y']);
  g.output('y', 'float32', [1, 1, 'height', 'width']);
  const session = await ort.InferenceSession.create(g.toBytes());
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', image, [1, 1, H, W]) });
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
});
