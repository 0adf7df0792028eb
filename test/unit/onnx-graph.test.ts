import * as ort from 'onnxruntime-node';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, tensor } from '../../src/main/inference/onnx/graph';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const cache = new SessionCache();
afterAll(() => cache.dispose());

/** y = relu(x · W + b) with a dynamic batch dimension. */
function denseModel(): Uint8Array {
  const g = new GraphBuilder('dense');
  const x = g.input('x', 'float32', ['batch', 3]);
  const w = g.constant('W', tensor.float32([3, 2], [1, -1, 2, 0, -3, 1]));
  const b = g.constant('b', tensor.float32([2], [0.5, -0.5]));
  const y = g.op1('Relu', [g.op1('Add', [g.op1('MatMul', [x, w]), b])]);
  g.op('Identity', [y], {}, ['y']);
  g.output('y', 'float32', ['batch', 2]);
  return g.toBytes({ metadata: { purpose: 'test' } });
}

describe('ONNX graph builder + session cache', () => {
  it('builds a model that onnxruntime runs with the expected numbers', async () => {
    const session = await cache.get('dense', denseModel);
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, -1, 0, 1]), [2, 3]);
    const { y } = await session.run({ x });
    // row 1: [1+4-9+0.5, -1+0+3-0.5] = [-3.5→0, 1.5]; row 2: [-1+0-3+0.5→0, 1+0+1-0.5] = [0, 1.5]
    expect(Array.from(y!.data as Float32Array)).toEqual([0, 1.5, 0, 1.5]);
    expect(y!.dims).toEqual([2, 2]);
  });

  it('creates each session once', async () => {
    const first = cache.get('dense', denseModel);
    expect(cache.get('dense', () => Promise.reject(new Error('not called')))).toBe(first);
  });

  it('turns a garbage or missing model file into a typed error, and does not cache the failure', async () => {
    const garbage = join(tempDir(), 'garbage.onnx');
    writeFileSync(garbage, 'this is not protobuf');
    await expect(cache.get('garbage', garbage)).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    await expect(cache.get('missing', join(tempDir(), 'nope.onnx'))).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect(cache.has('garbage')).toBe(false);
  });

  it('rejects a tensor whose data does not match its dims', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.constant('c', tensor.float32([2, 2], [1, 2, 3]))).toThrow(/3 values for dims \[2,2\]/);
  });

  it('refuses to reuse a value name', () => {
    const g = new GraphBuilder('dup');
    g.input('x', 'float32', [1]);
    expect(() => g.op('Identity', ['x'], {}, ['x'])).toThrow(/already used/);
  });
});
