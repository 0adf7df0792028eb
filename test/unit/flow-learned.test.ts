import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/inference/onnx/graph';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { LearnedFlowModel, paddingFor } from '../../src/main/inference/flow/learned';
import { flowAt } from '../../src/main/inference/flow/types';
import type { RgbImage } from '../../src/main/media/image';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const sessions = new SessionCache();
afterAll(() => sessions.dispose());

/**
 * A flow-shaped test network: flow = (image1 red, image2 green), so every output pixel
 * reveals which input pixel it came from; SpaceToDepth/DepthToSpace by 16 make it fail
 * unless H and W are padded to the declared multiple.
 */
function probeModel(): Uint8Array {
  const g = new GraphBuilder('probe_flow');
  const a = g.input('image1', 'float32', [1, 3, 'H', 'W']);
  const b = g.input('image2', 'float32', [1, 3, 'H', 'W']);
  const slice = (x: string, c: number) => g.op1('Slice', [x, g.constant('s', { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(c)) }), g.constant('e', { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(c + 1)) }), g.constant('a', { type: 'int64', dims: [1], data: BigInt64Array.of(1n) })]);
  const flow = g.op1('Concat', [slice(a, 0), slice(b, 1)], { axis: 1 });
  const blocks = g.op1('SpaceToDepth', [flow], { blocksize: 16 });
  g.op('DepthToSpace', [blocks], { blocksize: 16, mode: 'DCR' }, ['flow']);
  g.output('flow', 'float32', [1, 2, 'H', 'W']);
  return g.toBytes();
}

function image(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 7919 + seed * 104729) % 251;
  return { width, height, channels: 3, data };
}

function modelFolder(contract: Record<string, unknown>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'probe.onnx'), probeModel());
  writeFileSync(join(dir, 'flow.json'), JSON.stringify({ id: 'probe', model: 'probe.onnx', inputs: ['image1', 'image2'], ...contract }));
  return dir;
}

describe('learned flow models from a folder with a flow.json contract', () => {
  it('pads to the declared multiple, normalises, unpads and scales exactly', async () => {
    const model = new LearnedFlowModel(sessions, modelFolder({ range: '0-1', padMultiple: 16, outputScale: 2 }));
    const a = image(37, 23, 1);
    const b = image(37, 23, 2);
    const flow = await model.estimate(a, b);
    expect([flow.width, flow.height, model.id]).toEqual([37, 23, 'probe']);
    for (const [x, y] of [[0, 0], [36, 22], [17, 5], [3, 21]] as const) {
      const p = (y * 37 + x) * 3;
      const [u, v] = flowAt(flow, x, y);
      expect(u).toBeCloseTo((2 * (a.data[p] as number)) / 255, 5);
      expect(v).toBeCloseTo((2 * (b.data[p + 1] as number)) / 255, 5);
    }
    expect(paddingFor(37, 23, 16)).toEqual({ left: 5, top: 4, width: 48, height: 32 });
  });

  it('applies mean/std normalisation', async () => {
    const model = new LearnedFlowModel(sessions, modelFolder({ range: '0-255', mean: [10, 20, 30], std: [2, 4, 8], padMultiple: 16 }));
    const a = image(16, 16, 3);
    const flow = await model.estimate(a, a);
    const [u, v] = flowAt(flow, 5, 9);
    const p = (9 * 16 + 5) * 3;
    expect(u).toBeCloseTo(((a.data[p] as number) - 10) / 2, 4);
    expect(v).toBeCloseTo(((a.data[p + 1] as number) - 20) / 4, 4);
  });

  it('reports a wrong padding multiple and bad contracts as typed errors', async () => {
    const model = new LearnedFlowModel(sessions, modelFolder({ padMultiple: 4 }));
    await expect(model.estimate(image(37, 23, 1), image(37, 23, 2))).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(() => new LearnedFlowModel(sessions, modelFolder({ range: 'bytes' }))).toThrow(/not a valid flow contract/);
    expect(() => new LearnedFlowModel(sessions, tempDir())).toThrow(/No readable flow.json/);
    expect(() => new LearnedFlowModel(sessions, modelFolder({ model: 'absent.onnx' }))).toThrow(/does not exist/);
  });
});
