import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/main/media/image';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { displacements, interiorEndPointError, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel, ensureVariationalModel, optionsForSize, stageGraphs } from '../../src/main/inference/flow/variational';
import { levelAlpha } from '../../src/main/inference/flow/variational-graph';
import { FLOW_PRESETS, type FlowPreset, type VariationalFlowOptions } from '../../src/main/inference/flow/variational-presets';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const sessions = new SessionCache({ intraOpThreads: 1 });
afterAll(() => sessions.dispose());

let face: GrayImage;
beforeAll(async () => {
  // A real face photo (MIT, shipped in @vladmandic/face-api), 128×128 gray.
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo/sample2.jpg');
  const { data, info } = await sharp(photo).resize(128, 128, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  face = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
});

const cases = {
  'sub-pixel translation': () => displacements.translation(0.37, -0.62),
  'rotation 1.5° about the centre': () => displacements.rotation(1.5, 63.5, 63.5),
  'smooth field (0.8 px peak)': () => displacements.smooth(0.8, 128, 128),
};
// EPE bound on 128×128 face pairs with 8-bit frames (measured 0.09–0.12 for every preset;
// zero flow scores 0.5–0.7, so a broken solver fails).
const bounds: Record<FlowPreset, number> = { fast: 0.2, balanced: 0.2, accurate: 0.2 };

describe('variational flow (generated ONNX graph, real onnxruntime session)', () => {
  for (const preset of ['fast', 'balanced', 'accurate'] as const) {
    it(`${preset}: recovers known sub-pixel motion on a face photo`, async () => {
      const model = new VariationalFlowModel(sessions, tempDir(), preset);
      for (const [name, field] of Object.entries(cases)) {
        const { frame2, truth } = warpedPair(face, field());
        const flow = await model.estimate(face, frame2);
        expect(flow.width).toBe(128);
        const epe = interiorEndPointError(flow, truth, 8);
        const zero = interiorEndPointError({ ...flow, data: new Float32Array(flow.data.length) }, truth, 8);
        expect(epe, `${preset} / ${name}: EPE ${epe.toFixed(3)} (zero flow ${zero.toFixed(3)})`).toBeLessThan(bounds[preset]);
      }
    });
  }

  it('handles odd, non-square sizes and keeps the input size', async () => {
    const crop: GrayImage = { width: 101, height: 77, channels: 1, data: new Uint8Array(101 * 77) };
    for (let y = 0; y < 77; y += 1) crop.data.set(face.data.subarray(y * 128, y * 128 + 101), y * 101);
    const { frame2, truth } = warpedPair(crop, displacements.translation(-0.5, 0.25));
    const flow = await new VariationalFlowModel(sessions, tempDir(), 'fast').estimate(crop, frame2);
    expect([flow.width, flow.height]).toEqual([101, 77]);
    expect(interiorEndPointError(flow, truth, 8)).toBeLessThan(0.3);
  });

  it('reuses its frame buffers without mixing calls: overlapping calls and a change of size give a fresh model\'s flows', async () => {
    const crop: GrayImage = { width: 101, height: 77, channels: 1, data: new Uint8Array(101 * 77) };
    for (let y = 0; y < 77; y += 1) crop.data.set(face.data.subarray(y * 128, y * 128 + 101), y * 101);
    const pairs = [
      [face, warpedPair(face, displacements.translation(0.37, -0.62)).frame2],
      [face, warpedPair(face, displacements.rotation(1.5, 63.5, 63.5)).frame2],
      [crop, warpedPair(crop, displacements.translation(-0.5, 0.25)).frame2],
    ] as const;
    const fresh = await Promise.all(pairs.map(([a, b]) => new VariationalFlowModel(sessions, tempDir(), 'fast').estimate(a, b)));
    const model = new VariationalFlowModel(sessions, tempDir(), 'fast');
    await model.estimate(pairs[0][0], pairs[0][1]);
    // Both 128×128 calls are in flight at once (one takes the kept buffer), then the size changes and changes back.
    const overlapping = await Promise.all(pairs.map(([a, b]) => model.estimate(a, b)));
    const again = [await model.estimate(pairs[0][0], pairs[0][1]), await model.estimate(pairs[2][0], pairs[2][1])];
    for (const [i, flow] of overlapping.entries()) expect(flow.data, `pair ${i}`).toEqual(fresh[i]?.data);
    expect(again[0]?.data).toEqual(fresh[0]?.data);
    expect(again[1]?.data).toEqual(fresh[2]?.data);
  });

  it('generates each parameter set once into models/generated and clamps the pyramid to the frame', async () => {
    const dir = tempDir();
    const small = optionsForSize(FLOW_PRESETS.accurate, 40, 30);
    expect(small.levels).toBeLessThan(FLOW_PRESETS.accurate.levels);
    expect(30 * small.scale ** (small.levels - 1)).toBeGreaterThanOrEqual(12);
    const graphs = await ensureVariationalModel(dir, small);
    expect(await ensureVariationalModel(dir, small)).toEqual(graphs);
    const files = stageGraphs(graphs);
    for (const file of files) expect(existsSync(file.path)).toBe(true);
    // The pyramid, the upsampling and one warp graph per way of warping: full resolution's
    // and the level below's own (their sweeps and rounds), one shared by the coarser levels.
    const warpGraphs = new Set(graphs.levels.map((l) => (l.upsampleWarp ?? l.warp)?.key));
    expect(warpGraphs.size).toBe(Math.min(3, small.levels));
    expect(files).toHaveLength(2 + warpGraphs.size);
    expect(readdirSync(join(dir, 'generated')).filter((f) => f.endsWith('.onnx'))).toHaveLength(2 + warpGraphs.size);
  });

  it('grows α up the pyramid where a preset asks for it, from the finest solved level', () => {
    const { alpha, alphaPerLevel, finestLevel } = FLOW_PRESETS.fast;
    expect(alphaPerLevel).toBe(1.4);
    expect(levelAlpha(FLOW_PRESETS.fast, finestLevel)).toBeCloseTo(alpha, 12);
    expect(levelAlpha(FLOW_PRESETS.fast, finestLevel + 2)).toBeCloseTo(alpha * 1.96, 12);
    expect(levelAlpha(FLOW_PRESETS.balanced, 3)).toBe(FLOW_PRESETS.balanced.alpha);
  });

  it('rejects frames of different sizes with a typed error', async () => {
    const model = new VariationalFlowModel(sessions, tempDir(), 'fast');
    const other: GrayImage = { width: 64, height: 64, channels: 1, data: new Uint8Array(64 * 64) };
    await expect(model.estimate(face, other)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('robust smoothness keeps a motion boundary sharper than quadratic smoothness', async () => {
    // Left of x = 64 the face moves by (0.8, 0.3), right of it by (-0.6, -0.2).
    const { frame2, truth } = warpedPair(face, (x) => (x < 64 ? [0.8, 0.3] : [-0.6, -0.2]));
    const boundaryError = async (options: VariationalFlowOptions) => {
      const flow = await new VariationalFlowModel(sessions, tempDir(), options).estimate(face, frame2);
      let sum = 0;
      let n = 0;
      for (let y = 8; y < 120; y += 1) {
        for (let x = 58; x < 70; x += 1) {
          const i = y * 128 + x;
          sum += Math.hypot((flow.data[i] as number) - (truth.data[i] as number), (flow.data[i + 128 * 128] as number) - (truth.data[i + 128 * 128] as number));
          n += 1;
        }
      }
      return sum / n;
    };
    // Measured 0.27 vs 0.30 px; the quadratic variant gets a quarter of the α so that it is
    // not simply over-smoothed everywhere.
    const robust = await boundaryError(FLOW_PRESETS.accurate);
    const quadratic = await boundaryError({ ...FLOW_PRESETS.accurate, smoothEpsilon: undefined, edgeKappa: undefined, alpha: FLOW_PRESETS.accurate.alpha / 4 });
    expect(robust).toBeLessThan(quadratic);
  });

  it('Chebyshev acceleration converges further than plain Jacobi in the same number of sweeps', async () => {
    const { frame2, truth } = warpedPair(face, displacements.rotation(1.5, 63.5, 63.5));
    const error = async (options: VariationalFlowOptions) =>
      interiorEndPointError(await new VariationalFlowModel(sessions, tempDir(), options).estimate(face, frame2), truth, 8);
    // Measured 0.072 vs 0.085 px (6 sweeps per round): a smooth global field needs propagation.
    const accelerated = await error(FLOW_PRESETS.accurate);
    const plain = await error({ ...FLOW_PRESETS.accurate, chebyshev: undefined });
    expect(accelerated).toBeLessThan(plain);
  });
});
