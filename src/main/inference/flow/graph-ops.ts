import { tensor, type GraphBuilder } from '../onnx/graph';

/**
 * Image-processing building blocks on top of the GraphBuilder, shared by the generated
 * flow graphs: edge padding, separable Gaussian blur, fixed-kernel convolutions, channel
 * slices, dynamic-shape helpers and the median filter. Tensors are NCHW float32.
 */
export class ImageOps {
  readonly g: GraphBuilder;
  readonly #constants = new Map<string, string>();

  constructor(g: GraphBuilder) {
    this.g = g;
  }

  /** A cached scalar / small float constant (so repeated values share one initializer). */
  f(value: number | readonly number[], dims?: readonly number[]): string {
    const values = typeof value === 'number' ? [value] : [...value];
    const shape = dims ?? (typeof value === 'number' ? [] : [values.length]);
    const key = `f${shape.join('x')}:${values.join(',')}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.g.constant('c', tensor.float32(shape, values));
      this.#constants.set(key, name);
    }
    return name;
  }

  i64(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.g.constant('i', tensor.int64([values.length], values));
      this.#constants.set(key, name);
    }
    return name;
  }

  add(a: string, b: string): string {
    return this.g.op1('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.g.op1('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.g.op1('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.g.op1('Div', [a, b]);
  }

  /** Channels [from, to) of an NCHW tensor. */
  channels(x: string, from: number, to: number): string {
    return this.g.op1('Slice', [x, this.i64([from]), this.i64([to]), this.i64([1])]);
  }

  /** Replicates border pixels `p` deep on every side (Neumann boundary for stencils). */
  padEdge(x: string, p: number): string {
    return this.g.op1('Pad', [x, this.i64([0, 0, p, p, 0, 0, p, p])], { mode: 'edge' });
  }

  /** Convolution with a fixed kernel [out, in/group, kh, kw]; `pad` zero-pads. */
  conv(x: string, weights: readonly number[], dims: readonly [number, number, number, number], group = 1, pad = 0): string {
    const w = this.g.constant('k', tensor.float32(dims, weights));
    return this.g.op1('Conv', [x, w], { group, pads: [pad, pad, pad, pad], kernel_shape: [dims[2], dims[3]] });
  }

  /** Separable Gaussian blur of each of `channels` channels, edge-replicated borders. */
  gaussian(x: string, sigma: number, channels: number): string {
    if (sigma <= 0) return x;
    const radius = Math.max(1, Math.ceil(2.5 * sigma));
    const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = taps.reduce((a, b) => a + b, 0);
    const kernel = taps.map((t) => t / sum);
    const repeat = (k: number[]) => Array.from({ length: channels }, () => k).flat();
    const padded = this.padEdge(x, radius);
    const rows = this.conv(padded, repeat(kernel), [channels, 1, 1, kernel.length], channels);
    return this.conv(rows, repeat(kernel), [channels, 1, kernel.length, 1], channels);
  }

  /**
   * Texture part of a structure–texture decomposition, I − weight·G_σ(I): a cheap stand-in
   * for the ROF structure that keeps edges and fine detail while dropping smooth shading.
   */
  textureOf(x: string, sigma: number, weight: number): string {
    return this.sub(x, this.mul(this.gaussian(x, sigma, 1), this.f(weight)));
  }

  /** Shape entry `axis` as an int64 [1] tensor. */
  dim(x: string, axis: number): string {
    return this.g.op1('Shape', [x], { start: axis, end: axis + 1 });
  }

  /** Shape entry as a float32 [1] tensor. */
  dimFloat(x: string, axis: number): string {
    return this.g.op1('Cast', [this.dim(x, axis)], { to: 1 });
  }

  /** Pixel coordinates of an NCHW tensor's grid: [1, 2, H, W] holding (x, y). */
  coordinates(x: string): string {
    const g = this.g;
    const range = (axis: number) => {
      const n = g.op1('Squeeze', [this.dim(x, axis), this.i64([0])]);
      return g.op1('Cast', [g.op1('Range', [this.i64s(0), n, this.i64s(1)])], { to: 1 });
    };
    const xs = g.op1('Reshape', [range(3), this.i64([1, 1, 1, -1])]);
    const ys = g.op1('Reshape', [range(2), this.i64([1, 1, -1, 1])]);
    const zero = this.f(0);
    const bx = this.add(xs, this.mul(ys, zero));
    const by = this.add(ys, this.mul(xs, zero));
    return g.op1('Concat', [bx, by], { axis: 1 });
  }

  /** Scalar int64 constant (for Range). */
  i64s(value: number): string {
    const key = `is:${value}`;
    let name = this.#constants.get(key);
    if (!name) {
      name = this.g.constant('i', tensor.int64([], [value]));
      this.#constants.set(key, name);
    }
    return name;
  }

  /**
   * Exact size×size median of each channel (edge-replicated borders): the shifted copies
   * are stacked on a new leading axis and TopK picks the middle one.
   */
  median(x: string, size: 3 | 5): string {
    const g = this.g;
    const r = (size - 1) / 2;
    const padded = this.padEdge(x, r);
    const h = this.dim(x, 2);
    const w = this.dim(x, 3);
    const shifts: string[] = [];
    for (let dy = 0; dy < size; dy += 1) {
      for (let dx = 0; dx < size; dx += 1) {
        const starts = this.i64([dy, dx]);
        const ends = g.op1('Add', [g.op1('Concat', [h, w], { axis: 0 }), starts]);
        const slice = g.op1('Slice', [padded, starts, ends, this.i64([2, 3])]);
        shifts.push(g.op1('Unsqueeze', [slice, this.i64([0])]));
      }
    }
    const stack = g.op1('Concat', shifts, { axis: 0 });
    const k = (size * size + 1) / 2;
    const [values] = g.op('TopK', [stack, this.i64([k])], { axis: 0, largest: 0, sorted: 1 }, 2);
    const middle = g.op1('Slice', [values as string, this.i64([k - 1]), this.i64([k]), this.i64([0])]);
    return g.op1('Squeeze', [middle, this.i64([0])]);
  }

  /**
   * Separable size×size median approximation: a 1-D median along x then along y, each
   * a branch-free min/max network over shifted copies (≈10× cheaper than TopK).
   */
  separableMedian(x: string, size: 3 | 5): string {
    return this.#median1d(this.#median1d(x, size, 3), size, 2);
  }

  #median1d(x: string, size: 3 | 5, axis: 2 | 3): string {
    const g = this.g;
    const r = (size - 1) / 2;
    const pads = axis === 3 ? [0, 0, 0, r, 0, 0, 0, r] : [0, 0, r, 0, 0, 0, r, 0];
    const padded = g.op1('Pad', [x, this.i64(pads)], { mode: 'edge' });
    const n = this.dim(x, axis);
    const taps = Array.from({ length: size }, (_, k) =>
      g.op1('Slice', [padded, this.i64([k]), this.add(n, this.i64([k])), this.i64([axis])]),
    ) as string[];
    const min = (a: string, b: string) => g.op1('Min', [a, b]);
    const max = (a: string, b: string) => g.op1('Max', [a, b]);
    const median3 = (a: string, b: string, c: string) => max(min(a, b), min(max(a, b), c));
    const [a, b, c, d, e] = taps as [string, string, string, string?, string?];
    if (size === 3) return median3(a, b, c);
    // median5 = median3(e, max(min(a,b), min(c,d)), min(max(a,b), max(c,d))).
    return median3(e as string, max(min(a, b), min(c, d as string)), min(max(a, b), max(c, d as string)));
  }

  /**
   * Robust smoothness weight ε/√(|∇u|² + |∇v|² + ε²) of a 2-channel flow (central
   * differences, edge-replicated borders): 1 where the flow is smooth, small across
   * motion boundaries (the Charbonnier ψ′ scaled to 1 at zero gradient).
   */
  flowSmoothness(flow: string, epsilon: number): string {
    const dx = [0, 0, 0, -0.5, 0, 0.5, 0, 0, 0];
    const dy = [0, -0.5, 0, 0, 0, 0, 0, 0.5, 0];
    const zero = new Array<number>(9).fill(0);
    // [1, 4, H, W]: u_x, u_y, v_x, v_y.
    const grads = this.conv(this.padEdge(flow, 1), [...dx, ...zero, ...dy, ...zero, ...zero, ...dx, ...zero, ...dy], [4, 2, 3, 3]);
    // Squares summed by a 1×1 Conv: much faster than a ReduceSumSquare across channels.
    const norm2 = this.conv(this.mul(grads, grads), [1, 1, 1, 1], [1, 4, 1, 1]);
    return this.div(this.f(epsilon), this.g.op1('Sqrt', [this.add(norm2, this.f(epsilon ** 2))]));
  }
}
