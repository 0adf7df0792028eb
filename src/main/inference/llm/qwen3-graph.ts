import { seededRandom } from '../../util/random';
import { GraphBuilder, tensor, type ExternalDataSink, type Tensor } from '../onnx/graph';
import { quantizeNBits } from '../onnx/matmul-nbits';

/**
 * A Qwen3-shaped decoder with random weights as an ONNX graph: token embedding, N layers
 * of RMSNorm → GQA attention (q/k RMSNorm, rotary embeddings, KV cache concat) → RMSNorm
 * → SwiGLU MLP, final norm and lm_head. Inputs and outputs are named and shaped like the
 * common ONNX exports of Qwen3 (`input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.N.key/value` → `logits` for every position, `present.N.key/value`),
 * past length dynamic. The tests' tiny models and the bench's Qwen3-0.6B-sized ones are
 * both built here.
 */
export interface Qwen3DecoderShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
  /** Element type of the KV cache inputs/outputs (real exports use both). */
  readonly kvType: 'float32' | 'float16';
  /** lm_head is the embedding matrix (Qwen3-0.6B); float32 stores it once. */
  readonly tieWordEmbeddings?: boolean;
}

/**
 * How the projections are stored: float32 MatMul, or 4-bit `MatMulNBits` (com.microsoft)
 * as real `model_q4.onnx` exports do, the embedding staying float32 for the Gather.
 * `accuracyLevel` 4 lets ONNX Runtime compute with int8 activations (its CPU default for
 * 4-bit exports); 0 keeps float32 activations.
 */
export type DecoderWeights = { readonly format: 'float32' } | { readonly format: 'q4'; readonly blockSize: number; readonly accuracyLevel?: number };

export interface DecoderBuildOptions {
  readonly weights?: DecoderWeights;
  /** Large initializers go to this external-data file (needed past protobuf's 2 GB). */
  readonly external?: ExternalDataSink;
  readonly name?: string;
}

export function buildQwen3Decoder(shape: Qwen3DecoderShape, seed: number, options: DecoderBuildOptions = {}): Uint8Array {
  const { vocabSize: V, hiddenSize: H, numHeads: NH, numKvHeads: KVH, headDim: HD, intermediateSize: I } = shape;
  const random = seededRandom(seed);
  // Straight into a Float32Array: with a real vocabulary (151,669 rows) a number[] detour doubles the build time.
  const weights = (dims: number[], scale: number): Tensor => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
    return { type: 'float32', dims, data };
  };
  const norm = (n: number): Tensor => tensor.float32([n], Array.from({ length: n }, () => 0.8 + random() * 0.4));
  const format = options.weights ?? { format: 'float32' };
  const g = new GraphBuilder(options.name ?? 'tiny-qwen3', options.external ? { external: options.external } : {});
  const i64 = (prefix: string, values: number[]) => g.constant(prefix, tensor.int64([values.length], values));

  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  // Outputs in the order real exports list them: logits, then present.N.key/value.
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);

  const rmsNorm = (x: string, weight: Tensor): string => {
    const meanSquare = g.op1('ReduceMean', [g.op1('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const eps = g.constant('eps', tensor.scalar(shape.rmsNormEps));
    const inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [meanSquare, eps])])]);
    return g.op1('Mul', [g.op1('Mul', [x, inv]), g.constant('norm_w', weight)]);
  };
  // A [K, N] weight (MatMul's B) as float32 or in MatMulNBits' 4-bit layout; `layout` 'nk' reads it transposed.
  const project = (x: string, weight: Tensor, layout: 'kn' | 'nk' = 'kn'): string => {
    const [rows, cols] = weight.dims as [number, number];
    const [k, n] = layout === 'kn' ? [rows, cols] : [cols, rows];
    if (format.format === 'float32') return layout === 'kn' ? g.op1('MatMul', [x, g.constant('w', weight)]) : g.op1('Gemm', [x, g.constant('w', weight)], { transB: 1 });
    const q = quantizeNBits(weight.data as Float32Array, k, n, format.blockSize, layout);
    const blocks = q.scales.length / n;
    return g.op1(
      'MatMulNBits',
      [
        x,
        g.constant('w_q4', { type: 'uint8', dims: [n, blocks, format.blockSize / 2], data: q.packed }),
        g.constant('w_scales', { type: 'float32', dims: [n, blocks], data: q.scales }),
        g.constant('w_zp', { type: 'uint8', dims: [n, q.zeroPoints.length / n], data: q.zeroPoints }),
      ],
      { K: k, N: n, bits: 4, block_size: format.blockSize, accuracy_level: format.accuracyLevel ?? 0 },
      'com.microsoft',
    );
  };
  const linear = (x: string, inDim: number, outDim: number, scale = 1 / Math.sqrt(inDim)) => project(x, weights([inDim, outDim], scale * 1.7));

  // Rotary tables from position_ids: [B,1,S,HD] cos/sin (Qwen's rotate_half layout).
  const invFreq = Array.from({ length: HD / 2 }, (_, i) => 1 / shape.ropeTheta ** ((2 * i) / HD));
  const positions = g.op1('Unsqueeze', [g.op1('Cast', [positionIds], { to: 1 }), i64('axis_last', [-1])]);
  const freqs = g.op1('Mul', [positions, g.constant('inv_freq', tensor.float32([HD / 2], invFreq))]);
  const angles = g.op1('Unsqueeze', [g.op1('Concat', [freqs, freqs], { axis: -1 }), i64('axis1', [1])]);
  const cos = g.op1('Cos', [angles]);
  const sin = g.op1('Sin', [angles]);
  const half = i64('half', [HD / 2]);
  const rope = (x: string): string => {
    const x1 = g.op1('Slice', [x, i64('zero', [0]), half, i64('axis', [-1])]);
    const x2 = g.op1('Slice', [x, half, i64('end', [HD]), i64('axis', [-1])]);
    const rotated = g.op1('Concat', [g.op1('Neg', [x2]), x1], { axis: -1 });
    return g.op1('Add', [g.op1('Mul', [x, cos]), g.op1('Mul', [rotated, sin])]);
  };

  // Mask [B,1,1,S,T]: key j visible to query i when j <= past + i and attention_mask[j] = 1.
  const total = g.op1('Gather', [g.op1('Shape', [attentionMask]), g.constant('one', tensor.int64([], [1]))]);
  const seqLen = g.op1('Gather', [g.op1('Shape', [inputIds]), g.constant('one', tensor.int64([], [1]))]);
  const zero = g.constant('zero', tensor.int64([], [0]));
  const step = g.constant('step', tensor.int64([], [1]));
  const keyPos = g.op1('Range', [zero, total, step]);
  const queryPos = g.op1('Range', [g.op1('Sub', [total, seqLen]), total, step]);
  const causal = g.op1('LessOrEqual', [
    g.op1('Unsqueeze', [keyPos, i64('axis0', [0])]),
    g.op1('Unsqueeze', [queryPos, i64('axis1', [1])]),
  ]);
  const padding = g.op1('Unsqueeze', [g.op1('Cast', [attentionMask], { to: 9 }), i64('axes', [1, 2, 3])]);
  const maskBias = g.op1('Where', [
    g.op1('And', [causal, padding]),
    g.constant('visible', tensor.scalar(0)),
    g.constant('hidden', tensor.scalar(-1e9)),
  ]);

  const groups = NH / KVH;
  const kvIsHalf = shape.kvType === 'float16';
  const embedding = weights([V, H], 1);
  const embedTokens = g.constant('embed_tokens', embedding);
  let x = g.op1('Gather', [embedTokens, inputIds]);
  for (let layer = 0; layer < shape.numLayers; layer++) {
    const h = rmsNorm(x, norm(H));
    const heads = (proj: string, n: number) =>
      g.op1('Reshape', [proj, i64('heads_shape', [0, 0, n, HD])]);
    const toBHSD = (v: string) => g.op1('Transpose', [v], { perm: [0, 2, 1, 3] });
    const q = rope(toBHSD(rmsNorm(heads(linear(h, H, NH * HD), NH), norm(HD))));
    const k = rope(toBHSD(rmsNorm(heads(linear(h, H, KVH * HD), KVH), norm(HD))));
    const v = toBHSD(heads(linear(h, H, KVH * HD), KVH));

    const cache = (kind: 'key' | 'value', current: string): string => {
      const past = g.input(`past_key_values.${layer}.${kind}`, shape.kvType, ['batch_size', KVH, 'past_sequence_length', HD]);
      const pastF = kvIsHalf ? g.op1('Cast', [past], { to: 1 }) : past;
      const present = g.op1('Concat', [pastF, current], { axis: 2 });
      const name = `present.${layer}.${kind}`;
      g.op('Identity', [kvIsHalf ? g.op1('Cast', [present], { to: 10 }) : present], {}, [name]);
      g.output(name, shape.kvType, ['batch_size', KVH, 'total_sequence_length', HD]);
      // Later ops read the cache back at the stored precision, exactly as the next step will.
      return kvIsHalf ? g.op1('Cast', [name], { to: 1 }) : name;
    };
    const keys = cache('key', k);
    const values = cache('value', v);

    // GQA by broadcasting: queries [B,KVH,G,S,HD] against keys [B,KVH,1,T,HD].
    const grouped = g.op1('Reshape', [q, i64('group_shape', [0, KVH, groups, -1, HD])]);
    const perKv = (t: string) => g.op1('Unsqueeze', [t, i64('axis2', [2])]);
    const keysT = g.op1('Transpose', [perKv(keys)], { perm: [0, 1, 2, 4, 3] });
    const scores = g.op1('Add', [
      g.op1('Mul', [g.op1('MatMul', [grouped, keysT]), g.constant('scale', tensor.scalar(1 / Math.sqrt(HD)))]),
      maskBias,
    ]);
    const context = g.op1('MatMul', [g.op1('Softmax', [scores], { axis: -1 }), perKv(values)]);
    const merged = g.op1('Reshape', [
      g.op1('Transpose', [g.op1('Reshape', [context, i64('heads_back', [0, NH, -1, HD])])], { perm: [0, 2, 1, 3] }),
      i64('merge_shape', [0, 0, NH * HD]),
    ]);
    x = g.op1('Add', [x, linear(merged, NH * HD, H)]);

    const m = rmsNorm(x, norm(H));
    const gate = linear(m, H, I);
    const swiglu = g.op1('Mul', [g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]), linear(m, H, I)]);
    x = g.op1('Add', [x, linear(swiglu, I, H)]);
  }
  const final = rmsNorm(x, norm(H));
  if (shape.tieWordEmbeddings) {
    // Tied: logits = h · Eᵀ, over [B·S, H] rows (Gemm is 2-D), reshaped back to [B, S, V].
    const rows = g.op1('Reshape', [final, i64('rows_shape', [-1, H])]);
    const logitsShape = g.op1('Concat', [g.op1('Shape', [inputIds]), i64('vocab', [V])], { axis: 0 });
    // The float32 Gemm reads the embedding initializer itself: one copy of the largest tensor.
    const head = format.format === 'float32' ? g.op1('Gemm', [rows, embedTokens], { transB: 1 }) : project(rows, embedding, 'nk');
    g.op('Reshape', [head, logitsShape], {}, ['logits']);
  } else {
    g.op('MatMul', [final, g.constant('lm_head', weights([H, V], 4 / Math.sqrt(H)))], {}, ['logits']);
  }
  const extraOpsets: Record<string, number> = format.format === 'q4' ? { 'com.microsoft': 1 } : {};
  return g.toBytes({ opset: 17, extraOpsets, metadata: { generator: 'mellm qwen3-shaped decoder, random weights', seed: String(seed), weights: format.format } });
}
