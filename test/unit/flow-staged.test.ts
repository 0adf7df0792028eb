import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/main/media/image';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { displacements, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel, ensureVariationalModel, optionsForSize, stageGraphs } from '../../src/main/inference/flow/variational';
import { buildVariationalFlowGraph } from '../../src/main/inference/flow/variational-graph';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import { useTempDir } from '../helpers/tmp';

const { onnx } = onnxProto;
const tempDir = useTempDir();
const sessions = new SessionCache({ intraOpThreads: 1 });
afterAll(() => sessions.dispose());

// Small enough that the single graph's session (the reference) is created in about a second
// for accurate; at this size every preset still solves three pyramid levels, so the
// upsampling between levels, accurate's per-level warp counts (1, 2, 3) and fast's final
// upsampling to full resolution (its finest level is not solved) all run.
const WIDTH = 64;
const HEIGHT = 48;

let pair: { frame1: GrayImage; frame2: GrayImage };
beforeAll(async () => {
  // A real face photo (MIT, shipped in @vladmandic/face-api), moved by a known smooth field.
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo/sample3.jpg');
  const { data, info } = await sharp(photo).resize(WIDTH, HEIGHT, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const frame1: GrayImage = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
  const field = displacements.rotation(2, WIDTH / 2, HEIGHT / 2);
  pair = { frame1, frame2: warpedPair(frame1, field).frame2 };
});

/** The flow of the single graph (frame1, frame2 → flow) on its own session. */
async function singleGraphFlow(preset: keyof typeof FLOW_PRESETS): Promise<Float32Array> {
  const options = optionsForSize(FLOW_PRESETS[preset], WIDTH, HEIGHT);
  const session = await ort.InferenceSession.create(buildVariationalFlowGraph(options).toBytes(), { graphOptimizationLevel: 'extended', intraOpNumThreads: 1 });
  try {
    const plane = (image: GrayImage) => new ort.Tensor('float32', Float32Array.from(image.data), [1, 1, HEIGHT, WIDTH]);
    const result = await session.run({ frame1: plane(pair.frame1), frame2: plane(pair.frame2) });
    return Float32Array.from((result.flow as ort.Tensor).data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('staged variational flow (pyramid, warp and upsample graphs on real onnxruntime sessions)', () => {
  for (const preset of ['fast', 'balanced', 'accurate'] as const) {
    it(`${preset}: gives the single graph's flow on a real photo pair`, async () => {
      expect(optionsForSize(FLOW_PRESETS[preset], WIDTH, HEIGHT).levels).toBe(3);
      const reference = await singleGraphFlow(preset);
      // The occlusion handling and the textureless fill run between the stages (plain
      // TypeScript, like the coarse matching) and the single graph leaves them out: they are
      // tested in flow-occlusions.test.ts and flow-textureless-fill.test.ts.
      const { occlusions: _occlusions, textureless: _textureless, ...graphOnly } = FLOW_PRESETS[preset];
      const staged = await new VariationalFlowModel(sessions, tempDir(), graphOnly).estimate(pair.frame1, pair.frame2);
      expect(staged.data).toHaveLength(reference.length);
      let worst = 0;
      let peak = 0;
      for (let i = 0; i < reference.length; i += 1) {
        worst = Math.max(worst, Math.abs((staged.data[i] as number) - (reference[i] as number)));
        peak = Math.max(peak, Math.abs(reference[i] as number));
      }
      // The motion peaks at ≈ 2 px; the same float32 operations in the same order, split
      // across sessions (measured bit-identical with ONNX Runtime 1.30; rounding allowed).
      expect(peak).toBeGreaterThan(0.5);
      expect(worst, `${preset}: largest difference ${worst} px`).toBeLessThan(1e-5);
    });
  }

  it('keeps every generated graph small: the session planner grows faster than linearly with node count', async () => {
    // At 640×480 accurate's single graph has ≈ 6,300 nodes and its session takes 10–15 s CPU;
    // the staged graphs stay a few hundred nodes each whatever the preset or frame size.
    const dir = tempDir();
    const nodes = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph?.node?.length ?? 0;
    for (const preset of ['fast', 'balanced', 'accurate'] as const) {
      const options = optionsForSize(FLOW_PRESETS[preset], 640, 480);
      const graphs = await ensureVariationalModel(dir, options);
      const files = stageGraphs(graphs);
      const counts = files.map((file) => nodes(readFileSync(file.path)));
      const single = nodes(buildVariationalFlowGraph(options).toBytes());
      expect(Math.max(...counts), `${preset}: staged graphs of ${counts.join(', ')} nodes`).toBeLessThan(700);
      expect(single).toBeGreaterThan(3 * Math.max(...counts));
    }
  });

  it('shares one warp graph between the levels and frame sizes that warp alike', async () => {
    const dir = tempDir();
    const large = await ensureVariationalModel(dir, optionsForSize(FLOW_PRESETS.balanced, 640, 480));
    const small = await ensureVariationalModel(dir, optionsForSize(FLOW_PRESETS.balanced, 80, 96));
    expect(large.levels.length).toBeGreaterThan(small.levels.length);
    expect(new Set([...large.levels, ...small.levels].map((l) => l.warp?.key)).size).toBe(1);
    // accurate's coarse levels warp alike (one warp per run, 3 runs per level): its α grows
    // up the pyramid, fed to the one graph as each level's 9α. Full resolution and the level
    // below sweep and re-linearise their own way, so each has a graph of its own.
    const accurate = await ensureVariationalModel(dir, optionsForSize(FLOW_PRESETS.accurate, 640, 480));
    expect(accurate.levels.map((l) => l.warps)).toEqual([3, 3, 3, 3, 3, 2, 1]);
    expect(accurate.levels.map((l) => l.runs)).toEqual([3, 3, 3, 3, 3, 2, 1]);
    const coarse = accurate.levels.slice(0, 5);
    const [belowFull, full] = accurate.levels.slice(5) as [(typeof accurate.levels)[number], (typeof accurate.levels)[number]];
    expect(new Set(coarse.map((l) => l.warp?.key)).size).toBe(1);
    expect(belowFull.warp?.key).not.toBe(coarse[0]?.warp?.key);
    // A graph other levels run as it is gets no upsampling form beside it (one more session);
    // full resolution's one warp, in a graph of its own, takes the upsampling in.
    expect([...large.levels, ...small.levels, ...coarse, belowFull].every((l) => l.upsampleWarp === null && l.warp !== null)).toBe(true);
    expect(full.warp).toBeNull();
    expect(full.upsampleWarp?.key).not.toBe(belowFull.warp?.key);
    expect(stageGraphs(accurate)).toHaveLength(5);
    expect(accurate.levels.map((l) => l.smoothness)).toEqual([6, 5, 4, 3, 2, 1, 0].map((level) => 9 * FLOW_PRESETS.accurate.alpha * 1.25 ** level));
    expect(large.levels.every((l) => l.smoothness === null)).toBe(true);
  });

  it('runs level 2\'s two warps in one run and upsamples inside the warp of a level whose warp graph runs nowhere else: 16 ONNX Runtime runs a fast 640×480 call', async () => {
    // Levels 5–1 at 640×480 (3, 3, 3, 2 and 1 warps): level 2's two warps (10 sweeps, a graph
    // of their own) run as one; level 1's one warp (7 sweeps, a graph of its own) takes the
    // upsampling in; level 4's shares its graph with levels 5 and 3, whose runs need it as it
    // is, so it keeps its own upsampling run. With the pyramid and the final upsampling, 16
    // runs (17 with a warp a run).
    const dir = tempDir();
    const graphs = await ensureVariationalModel(dir, optionsForSize(FLOW_PRESETS.fast, 640, 480));
    expect(graphs.levels.filter((l) => l.upsampleWarp).map((l) => l.level)).toEqual([1]);
    expect(graphs.levels.map((l) => [l.level, l.warps, l.runs])).toEqual([[5, 3, 3], [4, 3, 3], [3, 3, 3], [2, 2, 1], [1, 1, 1]]);
    expect(stageGraphs(graphs)).toHaveLength(5);
    const { data, info } = await sharp(join(packageDir('@vladmandic/face-api') as string, 'demo/sample3.jpg')).resize(640, 480, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
    const frame1: GrayImage = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
    const frame2 = warpedPair(frame1, displacements.translation(1.5, -0.5)).frame2;
    const prototype = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
    const run = prototype.run;
    let runs = 0;
    prototype.run = function counted(this: unknown, ...args: unknown[]) {
      runs += 1;
      return run.apply(this, args);
    };
    try {
      const flow = await new VariationalFlowModel(sessions, dir, 'fast').estimate(frame1, frame2);
      expect(runs).toBe(16);
      // Away from the borders the translation is recovered.
      expect(Math.abs((flow.data[240 * 640 + 320] as number) - 1.5)).toBeLessThan(0.1);
    } finally {
      prototype.run = run;
    }
  });

  it('stops between stages when the signal aborts, with a typed error', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = new VariationalFlowModel(sessions, tempDir(), 'fast');
    await expect(model.estimate(pair.frame1, pair.frame2, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
