/**
 * The 4-bit weight layout of ONNX Runtime's `MatMulNBits` (domain com.microsoft), as the
 * quantised LLM exports use it (`model_q4.onnx`): a weight W of shape [K, N] (input
 * features × output features, as MatMul's B) is cut, per output column n, into blocks of
 * `blockSize` consecutive k; each block stores 4-bit codes q, one float scale s and a
 * 4-bit zero point z, and W[k, n] ≈ (q − z) · s.
 *
 * Tensors (N columns, kBlocks = ceil(K / blockSize)):
 *  - B: uint8 [N, kBlocks, blockSize / 2], two codes a byte, the even k in the low nibble;
 *  - scales: float32 [N, kBlocks];
 *  - zero_points: uint8 [N, ceil(kBlocks / 2)], two a byte, the even block in the low nibble.
 * Asymmetric min/max quantisation per block (the default of onnxruntime's
 * MatMul4BitsQuantizer with is_symmetric=False): the block's range maps onto 0…15.
 */
export interface NBitsWeight {
  readonly k: number;
  readonly n: number;
  readonly blockSize: number;
  readonly packed: Uint8Array;
  readonly scales: Float32Array;
  readonly zeroPoints: Uint8Array;
}

export const MATMUL_NBITS_BLOCK_SIZES = [16, 32, 64, 128, 256] as const;

const BITS = 4;
const LEVELS = 2 ** BITS - 1;

export function kBlocks(k: number, blockSize: number): number {
  return Math.ceil(k / blockSize);
}

/**
 * Quantises a float32 weight into MatMulNBits' 4-bit layout: row-major [K, N] (`kn`, as
 * MatMul's B) or [N, K] (`nk`, as a torch Linear or a tied embedding stores it).
 */
export function quantizeNBits(weight: Float32Array, k: number, n: number, blockSize: number, layout: 'kn' | 'nk' = 'kn'): NBitsWeight {
  if (!(MATMUL_NBITS_BLOCK_SIZES as readonly number[]).includes(blockSize)) throw new RangeError(`MatMulNBits block size ${blockSize} is not one of ${MATMUL_NBITS_BLOCK_SIZES.join(', ')}`);
  if (weight.length !== k * n) throw new RangeError(`A [${k}, ${n}] weight needs ${k * n} values, not ${weight.length}`);
  const blocks = kBlocks(k, blockSize);
  const blob = blockSize / 2;
  const packed = new Uint8Array(n * blocks * blob);
  const scales = new Float32Array(n * blocks);
  const zpStride = Math.ceil(blocks / 2);
  const zeroPoints = new Uint8Array(n * zpStride);
  const [rowStride, colStride] = layout === 'kn' ? [n, 1] : [1, k];
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const start = b * blockSize;
      const end = Math.min(k, start + blockSize);
      // The range always holds 0, so a zero weight stays exactly zero.
      let min = 0;
      let max = 0;
      for (let row = start; row < end; row++) {
        const value = weight[row * rowStride + col * colStride] as number;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      const scale = max > min ? (max - min) / LEVELS : 1;
      const zero = Math.min(LEVELS, Math.max(0, Math.round(-min / scale)));
      scales[col * blocks + b] = scale;
      const zpAt = col * zpStride + (b >> 1);
      zeroPoints[zpAt] = (zeroPoints[zpAt] as number) | (zero << ((b & 1) * BITS));
      const base = (col * blocks + b) * blob;
      for (let row = start; row < end; row++) {
        const code = Math.min(LEVELS, Math.max(0, Math.round((weight[row * rowStride + col * colStride] as number) / scale) + zero));
        const offset = row - start;
        const at = base + (offset >> 1);
        packed[at] = (packed[at] as number) | (code << ((offset & 1) * BITS));
      }
      // Rows past K in the last block keep code 0: MatMulNBits never reads them.
    }
  }
  return { k, n, blockSize, packed, scales, zeroPoints };
}

/** The float32 [K, N] weight a MatMulNBits weight stands for: (q − z) · s. */
export function dequantizeNBits(weight: NBitsWeight): Float32Array {
  const { k, n, blockSize, packed, scales, zeroPoints } = weight;
  const blocks = kBlocks(k, blockSize);
  const blob = blockSize / 2;
  const zpStride = Math.ceil(blocks / 2);
  const out = new Float32Array(k * n);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const scale = scales[col * blocks + b] as number;
      const zero = ((zeroPoints[col * zpStride + (b >> 1)] as number) >> ((b & 1) * BITS)) & LEVELS;
      const base = (col * blocks + b) * blob;
      for (let row = b * blockSize; row < Math.min(k, (b + 1) * blockSize); row++) {
        const offset = row - b * blockSize;
        const code = ((packed[base + (offset >> 1)] as number) >> ((offset & 1) * BITS)) & LEVELS;
        out[row * n + col] = (code - zero) * scale;
      }
    }
  }
  return out;
}
