import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { generateChat } from '../../src/main/inference/llm/generate';
import { LlmModel } from '../../src/main/inference/llm/model';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { makeTinyModel, QWEN3_0_6B_SHAPE } from '../../src/main/inference/llm/tiny';
import { GraphBuilder } from '../../src/main/inference/onnx/graph';
import { dequantizeNBits, quantizeNBits } from '../../src/main/inference/onnx/matmul-nbits';
import { seededRandom } from '../../src/main/util/random';
import { QWEN3_TOKENIZER_DIR } from '../helpers/qwen3';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-real-shape-');

/** Runs one MatMulNBits node (com.microsoft) on ONNX Runtime: A [rows, K] × W [K, N]. */
async function runNBits(a: Float32Array, rows: number, k: number, n: number, blockSize: number, w: ReturnType<typeof quantizeNBits>): Promise<Float32Array> {
  const g = new GraphBuilder('nbits');
  g.input('a', 'float32', [rows, k]);
  const blocks = w.scales.length / n;
  g.op(
    'MatMulNBits',
    [
      'a',
      g.constant('b', { type: 'uint8', dims: [n, blocks, blockSize / 2], data: w.packed }),
      g.constant('scales', { type: 'float32', dims: [n, blocks], data: w.scales }),
      g.constant('zp', { type: 'uint8', dims: [n, w.zeroPoints.length / n], data: w.zeroPoints }),
    ],
    { K: k, N: n, bits: 4, block_size: blockSize },
    ['y'],
    'com.microsoft',
  );
  g.output('y', 'float32', [rows, n]);
  const session = await ort.InferenceSession.create(g.toBytes({ extraOpsets: { 'com.microsoft': 1 } }));
  try {
    const out = await session.run({ a: new ort.Tensor('float32', a, [rows, k]) });
    return out.y?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function matmul(a: Float32Array, b: Float32Array, rows: number, k: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) for (let i = 0; i < k; i++) out[r * n + c]! += a[r * k + i]! * b[i * n + c]!;
  return out;
}

describe('MatMulNBits 4-bit packing', () => {
  // K = 80: with block 32 the last block is partial (16 of 32) and the zero points of a
  // column have an odd count (3 blocks in 2 bytes), the layout's two awkward cases.
  for (const blockSize of [32, 128]) {
    it(`block ${blockSize}: ONNX Runtime's MatMulNBits equals a float32 MatMul with the dequantised weight, within ½ step of the original`, async () => {
      const [rows, k, n] = [3, 80, 5];
      const random = seededRandom(blockSize);
      const w = Float32Array.from({ length: k * n }, () => random() * 2 - 1.3);
      const a = Float32Array.from({ length: rows * k }, () => random() * 2 - 1);
      const q = quantizeNBits(w, k, n, blockSize);
      const back = dequantizeNBits(q);
      const blocks = Math.ceil(k / blockSize);
      for (let row = 0; row < k; row++) {
        for (let col = 0; col < n; col++) {
          const step = q.scales[col * blocks + Math.floor(row / blockSize)]!;
          expect(Math.abs(back[row * n + col]! - w[row * n + col]!)).toBeLessThanOrEqual(step / 2 + 1e-6);
        }
      }
      const actual = await runNBits(a, rows, k, n, blockSize, q);
      const reference = matmul(a, back, rows, k, n);
      const original = matmul(a, w, rows, k, n);
      let quantError = 0;
      for (let i = 0; i < rows * n; i++) {
        expect(actual[i]).toBeCloseTo(reference[i]!, 4);
        quantError = Math.max(quantError, Math.abs(actual[i]! - original[i]!));
      }
      // 4 bits over a range of ~2 (step ≈ 0.13): the product drifts from the float32 weight, but not far.
      expect(quantError).toBeGreaterThan(1e-3);
      expect(quantError).toBeLessThan(0.5);
    });
  }

  it('packs a [N, K] (torch / tied-embedding) weight exactly as its transpose', () => {
    const [k, n] = [64, 6];
    const random = seededRandom(7);
    const kn = Float32Array.from({ length: k * n }, () => random() - 0.5);
    const nk = new Float32Array(k * n);
    for (let row = 0; row < k; row++) for (let col = 0; col < n; col++) nk[col * k + row] = kn[row * n + col]!;
    expect(quantizeNBits(nk, k, n, 32, 'nk')).toEqual(quantizeNBits(kn, k, n, 32));
  });

  it('refuses a block size MatMulNBits does not have and a weight of the wrong size', () => {
    expect(() => quantizeNBits(new Float32Array(64), 8, 8, 24)).toThrow(/block size 24/);
    expect(() => quantizeNBits(new Float32Array(63), 8, 8, 32)).toThrow(/needs 64 values/);
  });
});

describe('the Qwen3-0.6B-shaped decoder at a small scale', () => {
  // Qwen3-0.6B's heads, head size and vocabulary (the KV cache and logits real exports
  // have), two layers and a narrow hidden state so it builds and runs in seconds.
  const small = { ...QWEN3_0_6B_SHAPE, numLayers: 2, hiddenSize: 128, intermediateSize: 384 };

  for (const weights of [{ format: 'float32' }, { format: 'q4', blockSize: 32, accuracyLevel: 4 }] as const) {
    it(`${weights.format}: the inputs, outputs and KV layout of a Qwen3 export, and generate.ts runs it unchanged`, { timeout: 60_000 }, async () => {
      const folder = await makeTinyModel(join(tempDir(), weights.format), { tokenizerFrom: QWEN3_TOKENIZER_DIR, shape: small, weights, externalData: true });
      const model = await LlmModel.load(folder, { renderer: inProcessTemplateRenderer });
      try {
        expect(model.info.quantization).toBe(weights.format === 'q4' ? 'q4' : 'fp32');
        expect(model.info.externalData.map((f) => f.split('/').at(-1))).toEqual([weights.format === 'q4' ? 'model_q4.onnx_data' : 'model.onnx_data']);
        const pastNames = Array.from({ length: 2 }, (_, layer) => [`past_key_values.${layer}.key`, `past_key_values.${layer}.value`]).flat();
        expect(model.session.inputNames).toEqual(['input_ids', 'attention_mask', 'position_ids', ...pastNames]);
        expect(model.session.outputNames).toEqual(['logits', ...pastNames.map((name) => name.replace('past_key_values', 'present'))]);
        const meta = new Map(model.session.inputMetadata.map((m) => [m.name, m]));
        const out = new Map(model.session.outputMetadata.map((m) => [m.name, m]));
        const shapeOf = (m: ort.InferenceSession.ValueMetadata | undefined) => (m?.isTensor ? [m.type, m.shape] : null);
        expect(shapeOf(meta.get('input_ids'))).toEqual(['int64', ['batch_size', 'sequence_length']]);
        expect(shapeOf(meta.get('attention_mask'))).toEqual(['int64', ['batch_size', 'total_sequence_length']]);
        expect(shapeOf(meta.get('position_ids'))).toEqual(['int64', ['batch_size', 'sequence_length']]);
        expect(shapeOf(meta.get('past_key_values.1.value'))).toEqual(['float32', ['batch_size', 8, 'past_sequence_length', 128]]);
        expect(shapeOf(out.get('logits'))).toEqual(['float32', ['batch_size', 'sequence_length', 151_936]]);
        expect(shapeOf(out.get('present.0.key'))).toEqual(['float32', ['batch_size', 8, 'total_sequence_length', 128]]);
        expect(model.kv).toEqual({ layers: 2, kvHeads: 8, headDim: 128, type: 'float32' });

        // A short prompt keeps this fast: every prompt position gets 151,936 logits (the bench runs the full MELLM prompt).
        const result = await generateChat(model, { prompt: 'Describe the micro-expression: AU4 brow lowerer from onset frame 12 to apex frame 19.', maxNewTokens: 4 });
        expect(result.timings.promptTokens).toBeGreaterThan(20);
        // Random weights: the answer is gibberish, but a step ran per token (or a stop token came).
        expect(result.tokens.length === 4 || result.finishReason === 'stop').toBe(true);
        expect(result.timings.runMs).toBeGreaterThan(0);
      } finally {
        await model.dispose();
      }
    });
  }
});
