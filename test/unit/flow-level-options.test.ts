import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { ensureVariationalModel, optionsForSize } from '../../src/main/inference/flow/variational';
import { FRAMES_INPUT, PIXEL_SCALE, buildFlowPyramidGraph, levelWarpOptions } from '../../src/main/inference/flow/variational-graph';
import { FLOW_PRESETS, type VariationalFlowOptions } from '../../src/main/inference/flow/variational-presets';
import { join } from 'node:path';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const WIDTH = 320;
const HEIGHT = 240;

let pair: Float32Array;
beforeAll(async () => {
  // A real photo (MIT, shipped in @vladmandic/face-api) and the same photo a few pixels on.
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo/sample2.jpg');
  const frame = async (left: number) => {
    const { data } = await sharp(photo).resize(WIDTH + 8, HEIGHT, { fit: 'cover' }).extract({ left, top: 0, width: WIDTH, height: HEIGHT }).grayscale().raw().toBuffer({ resolveWithObject: true });
    return Float32Array.from(data, (v) => v * PIXEL_SCALE);
  };
  pair = new Float32Array(2 * WIDTH * HEIGHT);
  pair.set(await frame(0), 0);
  pair.set(await frame(5), WIDTH * HEIGHT);
});

/** The pyramid graph's level `level` ([2, 1, h, w]) for `options`. */
async function pyramidLevel(options: VariationalFlowOptions, level: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(buildFlowPyramidGraph(options).toBytes(), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [FRAMES_INPUT]: new ort.Tensor('float32', pair, [2, 1, HEIGHT, WIDTH]) });
    return (out[session.outputNames[level - options.finestLevel] as string] as ort.Tensor).data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('per-level solver options and the pyramid of a preset that skips full resolution', () => {
  it('gives the finest solved levels their own sweep count and a warp graph of their own', async () => {
    const options: VariationalFlowOptions = { ...FLOW_PRESETS.fast, iterations: 12, fineIterations: [4, 9] };
    const { finestLevel } = options;
    expect(levelWarpOptions(options, finestLevel).iterations).toBe(4);
    expect(levelWarpOptions(options, finestLevel + 1).iterations).toBe(9);
    expect(levelWarpOptions(options, finestLevel + 2).iterations).toBe(12);
    const graphs = await ensureVariationalModel(tempDir(), optionsForSize(options, 640, 480));
    const [finest, next, ...coarse] = [...graphs.levels].reverse();
    // The finest level's one warp runs with its upsampling (its graph used nowhere else).
    const graph = (l: (typeof graphs.levels)[number] | undefined) => (l?.upsampleWarp ?? l?.warp)?.key;
    expect(new Set([graph(finest), graph(next), graph(coarse[0])]).size).toBe(3);
    // The coarse levels still share one graph.
    expect(new Set(coarse.map(graph)).size).toBe(1);
  });

  it('gives the finest solved levels their own rounds per warp, and leaves the other levels\' graphs as they were', async () => {
    const base: VariationalFlowOptions = { ...FLOW_PRESETS.accurate, rounds: 2 };
    const options: VariationalFlowOptions = { ...base, fineRounds: [1, 3] };
    const { finestLevel } = options;
    expect(levelWarpOptions(options, finestLevel).rounds).toBe(1);
    expect(levelWarpOptions(options, finestLevel + 1).rounds).toBe(3);
    expect(levelWarpOptions(options, finestLevel + 2).rounds).toBe(2);
    const own = await ensureVariationalModel(tempDir(), optionsForSize(options, 640, 480));
    const plain = await ensureVariationalModel(tempDir(), optionsForSize(base, 640, 480));
    const byLevel = (graphs: typeof own, level: number) => {
      const found = graphs.levels.find((l) => l.level === level);
      return (found?.upsampleWarp ?? found?.warp)?.key;
    };
    expect(byLevel(own, finestLevel)).not.toBe(byLevel(plain, finestLevel));
    expect(byLevel(own, finestLevel + 1)).not.toBe(byLevel(plain, finestLevel + 1));
    // A level beyond the list keeps the graph (and session) it had without the option.
    expect(byLevel(own, finestLevel + 2)).toBe(byLevel(plain, finestLevel + 2));
  });

  it('takes the texture part at the finest solved level, close to taking it at full resolution', async () => {
    const fast = FLOW_PRESETS.fast;
    expect(fast.finestLevel).toBe(1);
    expect(fast.texture).toBeDefined();
    // finestLevel 0 builds the full-resolution texture part and then the same levels.
    const atFinest = await pyramidLevel(fast, 1);
    const atFull = await pyramidLevel({ ...fast, finestLevel: 0 }, 1);
    expect(atFinest).toHaveLength(atFull.length);
    let worst = 0;
    let sum = 0;
    let range = 0;
    for (let i = 0; i < atFull.length; i += 1) {
      const d = Math.abs((atFinest[i] as number) - (atFull[i] as number));
      worst = Math.max(worst, d);
      sum += d;
      range = Math.max(range, Math.abs(atFull[i] as number));
    }
    // The two orders differ by the kernels' truncation and the resampling only: a small
    // fraction of the texture's own range (a missing texture step would differ by ~0.8×).
    expect(sum / atFull.length).toBeLessThan(0.01 * range);
    expect(worst).toBeLessThan(0.1 * range);
  });
});
