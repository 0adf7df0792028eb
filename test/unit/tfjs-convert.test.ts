import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertGraphModel } from '../../src/main/inference/onnx/tfjs/convert';
import { decodeWeights, halfToFloat, loadGraphModel, type LoadedGraphModel, type ModelJson, type WeightSpec } from '../../src/main/inference/onnx/tfjs/model-json';
import { packageDir } from '../../src/main/inference/manifest';

/**
 * The converted ONNX models against the original TF.js graph models, run by
 * @tensorflow/tfjs's pure-JS CPU backend on real face photos.
 */
const humanModels = join(packageDir('@vladmandic/human') as string, 'models');
const samples = join(packageDir('@vladmandic/face-api') as string, 'demo');

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

/** A centred square crop of a sample photo, resized to the model input and scaled to [0,1]. */
async function faceCrop(sample: number, size: number, channels: 1 | 3): Promise<Float32Array> {
  const image = sharp(join(samples, `sample${sample}.jpg`));
  const { width = 0, height = 0 } = await image.metadata();
  const side = Math.min(width, height);
  let pipeline = image.extract({ left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side }).resize(size, size).removeAlpha();
  if (channels === 1) pipeline = pipeline.grayscale();
  const { data } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

async function tfjsModel(model: LoadedGraphModel): Promise<tf.GraphModel> {
  const { json, weightData } = model;
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? null,
      signature: json.signature as object,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, object>,
    }),
  });
}

const cases = [
  { id: 'facemesh', size: 192, channels: 3 as const, samples: [1, 2] },
  { id: 'emotion', size: 64, channels: 1 as const, samples: [3, 4] },
  { id: 'iris', size: 64, channels: 3 as const, samples: [5, 6] },
];

describe('TF.js graph model → ONNX converter', () => {
  for (const c of cases) {
    it(`${c.id}: ONNX and TF.js agree within 1e-3 on every output`, async () => {
      const loaded = await loadGraphModel(join(humanModels, `${c.id}.json`));
      const converted = convertGraphModel(loaded, { name: c.id });
      const session = await ort.InferenceSession.create(converted.bytes);
      const reference = await tfjsModel(loaded);
      const input = converted.inputs[0]!;
      for (const sample of c.samples) {
        const pixels = await faceCrop(sample, c.size, c.channels);
        const shape = [1, c.size, c.size, c.channels];
        const result = await session.run({ [input.name]: new ort.Tensor('float32', pixels, shape) });
        const x = tf.tensor(pixels, shape);
        const expected = reference.execute(x, converted.outputs.map((o) => `${o.node}:0`)) as tf.Tensor | tf.Tensor[];
        const expectedList = Array.isArray(expected) ? expected : [expected];
        let largest = 0;
        converted.outputs.forEach((output, i) => {
          const want = expectedList[i]!;
          const got = result[output.name]!;
          expect(got.dims).toEqual(want.shape);
          const a = got.data as Float32Array;
          const b = want.dataSync();
          let maxDiff = 0;
          let maxAbs = 0;
          for (let k = 0; k < b.length; k += 1) {
            maxDiff = Math.max(maxDiff, Math.abs((a[k] as number) - (b[k] as number)));
            maxAbs = Math.max(maxAbs, Math.abs(b[k] as number));
          }
          expect(maxDiff, `${c.id}/${output.name} sample${sample} (|ref| up to ${maxAbs})`).toBeLessThanOrEqual(1e-3);
          largest = Math.max(largest, maxAbs);
        });
        // A model whose outputs are all ~0 would agree trivially.
        expect(largest).toBeGreaterThan(1e-2);
        tf.dispose([x, ...expectedList]);
      }
      reference.dispose();
      await session.release();
    });
  }

  it('names the op and the node it cannot convert', () => {
    const loaded: LoadedGraphModel = {
      json: {
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: 1 }, { size: 4 }] } } } },
            { name: 'weird', op: 'FancyOp', input: ['x'] },
          ],
        },
        weightsManifest: [],
      },
      weightData: new ArrayBuffer(0),
      weights: new Map(),
    };
    expect(() => convertGraphModel(loaded, { name: 'bad' })).toThrow(/op "FancyOp" \(node "weird"\)/);
  });

  it('covers the ops the three models do not use: Conv2D, Relu6, AvgPool (SAME), Mean, Softmax, Reshape', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const list = (...values: number[]) => ({ list: { i: values.map(String) } });
    const conv = { strides: list(1, 2, 2, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: list(1, 1, 1, 1) };
    const specs: WeightSpec[] = [
      { name: 'w', shape: [3, 3, 2, 4], dtype: 'float32' },
      { name: 'shape', shape: [2], dtype: 'int32' },
      { name: 'axes', shape: [2], dtype: 'int32' },
    ];
    const w = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i * 1.7) * 0.8);
    const buffer = Buffer.concat([Buffer.from(w.buffer), Buffer.from(Int32Array.of(-1, 4).buffer), Buffer.from(Int32Array.of(1, 2).buffer)]);
    const weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    const json: ModelJson = {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: -1 }, { size: 9 }, { size: 9 }, { size: 2 }] } } } },
          { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
          { name: 'shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' } } },
          { name: 'axes', op: 'Const', attr: { dtype: { type: 'DT_INT32' } } },
          { name: 'conv', op: 'Conv2D', input: ['x', 'w'], attr: { ...conv, T: { type: 'DT_FLOAT' } } },
          { name: 'relu6', op: 'Relu6', input: ['conv'] },
          { name: 'pool', op: 'AvgPool', input: ['relu6'], attr: { ksize: list(1, 3, 3, 1), strides: list(1, 2, 2, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } } },
          { name: 'mean', op: 'Mean', input: ['pool', 'axes'], attr: { keep_dims: { b: true } } },
          { name: 'flat', op: 'Reshape', input: ['mean', 'shape'] },
          { name: 'probs', op: 'Softmax', input: ['flat'] },
          { name: 'pooled', op: 'Identity', input: ['pool'] },
        ],
        versions: { producer: 1 },
      } as ModelJson['modelTopology'],
      weightsManifest: [{ paths: [], weights: specs }],
    };
    const loaded: LoadedGraphModel = { json, weightData, weights: decodeWeights(specs, weightData) };
    const converted = convertGraphModel(loaded, { name: 'ops' });
    const session = await ort.InferenceSession.create(converted.bytes);
    const reference = await tfjsModel(loaded);
    const pixels = Float32Array.from({ length: 2 * 81 * 2 }, (_, i) => Math.cos(i * 0.37) * 4);
    const result = await session.run({ x: new ort.Tensor('float32', pixels, [2, 9, 9, 2]) });
    const x = tf.tensor(pixels, [2, 9, 9, 2]);
    const expected = reference.execute(x, converted.outputs.map((o) => `${o.node}:0`)) as tf.Tensor[];
    expect(converted.outputs.map((o) => o.name).sort()).toEqual(['pooled', 'probs']);
    converted.outputs.forEach((output, i) => {
      const got = result[output.name]!;
      expect(got.dims).toEqual(expected[i]!.shape);
      const want = expected[i]!.dataSync();
      want.forEach((v, k) => expect(Math.abs((got.data as Float32Array)[k]! - v)).toBeLessThanOrEqual(1e-5));
    });
    tf.dispose([x, ...expected]);
    reference.dispose();
    await session.release();
  });

  it('dequantises float16 and uint8 weights as TF.js does', () => {
    const half = Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x0001);
    const bytes = Buffer.concat([Buffer.from(half.buffer), Buffer.from(Uint8Array.of(0, 2, 4))]);
    const weights = decodeWeights(
      [
        { name: 'h', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      ],
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    expect(Array.from(weights.get('h')!.data)).toEqual([1, -2, 0.5, Math.fround(2 ** -24)]);
    expect(Array.from(weights.get('q')!.data)).toEqual([-1, 0, 1]);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(() => decodeWeights([{ name: 'short', shape: [8], dtype: 'float32' }], new ArrayBuffer(4))).toThrow(/too short/);
  });
});
