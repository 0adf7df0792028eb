import { AppError } from '@shared/errors';
import { GraphBuilder, type Dim, type Tensor } from '../graph';
import type { LoadedGraphModel, TfAttr, TfNode, TfWeight } from './model-json';

/**
 * TF.js graph model → ONNX. The model boundary keeps TF.js's NHWC shapes; inside, 4-D
 * activations live in NCHW (ONNX's conv layout) and every value records which layout it
 * is in, so transposes appear only where a layout-sensitive op (Reshape, Concat over a
 * non-matching axis, outputs) needs TF order. TF "SAME" is ONNX SAME_UPPER (the odd pad
 * pixel goes at the end), which is exact for convolutions and pools alike.
 */
interface Value {
  readonly name: string;
  /** 'nchw': a 4-D activation transposed from TF's NHWC; 'tf': TF's own layout. */
  readonly layout: 'nchw' | 'tf';
  readonly rank: number | null;
}

export interface ConvertOptions {
  readonly name: string;
  readonly metadata?: Record<string, string>;
}

export interface ConvertedModel {
  readonly bytes: Uint8Array;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly Dim[] }[];
  /** ONNX output name and the TF.js node it comes from. */
  readonly outputs: readonly { readonly name: string; readonly node: string }[];
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** NHWC axis → the same axis's position in NCHW. */
const AXIS_TO_NCHW = [0, 2, 3, 1];

const text = (attr: TfAttr | undefined): string => (attr?.s ? Buffer.from(attr.s, 'base64').toString('utf8') : '');
const ints = (attr: TfAttr | undefined): number[] => (attr?.list?.i ?? []).map(Number);

export function convertGraphModel(model: LoadedGraphModel, options: ConvertOptions): ConvertedModel {
  return new Converter(model, options.name).run(options.metadata ?? {});
}

class Converter {
  readonly #g: GraphBuilder;
  readonly #nodes = new Map<string, TfNode>();
  readonly #weights: ReadonlyMap<string, TfWeight>;
  readonly #values = new Map<string, Value>();
  /** Layout changes already emitted, keyed by source value name, so fan-out shares one Transpose. */
  readonly #relayouts = new Map<string, Value>();
  readonly #model: LoadedGraphModel;
  readonly #inputs: { name: string; shape: Dim[] }[] = [];

  constructor(model: LoadedGraphModel, name: string) {
    this.#g = new GraphBuilder(name);
    this.#model = model;
    this.#weights = model.weights;
    for (const node of model.json.modelTopology.node) this.#nodes.set(node.name, node);
  }

  run(metadata: Record<string, string>): ConvertedModel {
    const outputs = this.#outputNodes();
    // Inputs first, so the ONNX input order follows the model.json node order.
    for (const node of this.#nodes.values()) if (node.op === 'Placeholder') this.#value(node.name);
    for (const [name, nodeName] of outputs) {
      const value = this.#tf(this.#value(nodeName));
      this.#g.op('Identity', [value.name], {}, [name]);
      this.#g.output(name, 'float32');
    }
    return { bytes: this.#g.toBytes({ opset: 17, producer: 'mellm-tfjs-converter', metadata }), inputs: this.#inputs, outputs: outputs.map(([name, node]) => ({ name, node })) };
  }

  /** [onnx output name, TF node name]: from the signature when present, else the graph's sinks. */
  #outputNodes(): [string, string][] {
    const signature = this.#model.json.signature as { outputs?: Record<string, { name: string }> } | undefined;
    if (signature?.outputs && Object.keys(signature.outputs).length > 0) {
      return Object.entries(signature.outputs).map(([key, spec]) => [key, stripPort(spec.name)]);
    }
    const consumed = new Set<string>();
    for (const node of this.#nodes.values()) for (const input of node.input ?? []) consumed.add(stripPort(input));
    return [...this.#nodes.values()].filter((n) => n.op !== 'Const' && !consumed.has(n.name)).map((n) => [n.name, n.name]);
  }

  #value(nodeName: string): Value {
    const done = this.#values.get(nodeName);
    if (done) return done;
    const node = this.#nodes.get(nodeName);
    if (!node) throw new AppError('MODEL_INVALID', `TF.js graph: node ${nodeName} is referenced but not defined`);
    const value = this.#convert(node);
    this.#values.set(nodeName, value);
    return value;
  }

  #convert(node: TfNode): Value {
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^')).map(stripPort);
    const x = (): Value => this.#value(inputs[0] as string);
    const g = this.#g;
    switch (node.op) {
      case 'Placeholder':
        return this.#placeholder(node);
      case 'Identity':
        return x();
      case '_FusedConv2D':
      case 'Conv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return this.#conv(node, inputs);
      case 'AddV2':
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
      case 'Maximum':
      case 'Minimum':
        return this.#binary(node, inputs);
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Elu':
        return { ...x(), name: g.op1(node.op, [x().name]) };
      case 'Relu6':
        return { ...x(), name: this.#relu6(x().name) };
      case 'Prelu': {
        const v = x();
        const alpha = this.#const(inputs[1] as string);
        const slope = v.layout === 'nchw' ? this.#slope(inputs[1] as string) : g.constant('alpha', floats(alpha.shape, alpha.data));
        return { ...v, name: g.op1('PRelu', [v.name, slope]) };
      }
      case 'MaxPool':
      case 'AvgPool':
        return this.#pool(node, x());
      case 'Pad':
        return this.#pad(x(), this.#const(inputs[1] as string));
      case 'Reshape': {
        const shape = this.#const(inputs[1] as string);
        const name = g.op1('Reshape', [this.#tf(x()).name, g.constant('shape', int64(shape.data))]);
        return { name, layout: 'tf', rank: shape.data.length };
      }
      case 'ConcatV2':
        return this.#concat(inputs);
      case 'Mean':
        return this.#mean(node, x(), this.#const(inputs[1] as string));
      case 'Softmax': {
        const v = x();
        return { ...v, name: g.op1('Softmax', [v.name], { axis: v.layout === 'nchw' ? 1 : -1 }) };
      }
      default:
        throw new AppError('MODEL_INVALID', `The TF.js→ONNX converter does not support op "${node.op}" (node "${node.name}")`);
    }
  }

  #placeholder(node: TfNode): Value {
    const dims = node.attr?.['shape']?.shape?.dim ?? [];
    const shape: Dim[] = dims.map((d, i) => (Number(d.size) < 0 ? (i === 0 ? 'batch' : `d${i}`) : Number(d.size)));
    const signature = this.#model.json.signature as { inputs?: Record<string, { name: string }> } | undefined;
    const key = Object.entries(signature?.inputs ?? {}).find(([, spec]) => stripPort(spec.name) === node.name)?.[0] ?? node.name;
    this.#g.input(key, 'float32', shape);
    this.#inputs.push({ name: key, shape });
    return { name: key, layout: 'tf', rank: shape.length };
  }

  #conv(node: TfNode, inputs: string[]): Value {
    const g = this.#g;
    const depthwise = node.op.includes('Depthwise');
    const filter = this.#const(inputs[1] as string);
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    // Depthwise filters [kh, kw, in, multiplier] are HWIO with one input and in·multiplier
    // outputs (output channel i·multiplier + m, group = in), so one reordering serves both.
    const weights = depthwise ? hwioToOihw(filter.data, kh, kw, 1, cin * cout) : hwioToOihw(filter.data, kh, kw, cin, cout);
    const outChannels = depthwise ? cin * cout : cout;
    const fused = (node.attr?.['fused_ops']?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
    const extra = inputs.slice(2);
    const hasBias = fused[0] === 'BiasAdd';
    if (fused.length > 0 && !hasBias) {
      throw new AppError('MODEL_INVALID', `Node "${node.name}": fused ops [${fused.join(', ')}] are not supported (expected BiasAdd first)`);
    }
    const convInputs = [
      this.#nchw(this.#value(inputs[0] as string)).name,
      g.constant('W', { type: 'float32', dims: depthwise ? [outChannels, 1, kh, kw] : [cout, cin, kh, kw], data: weights }),
      ...(hasBias ? [g.constant('B', floats([outChannels], this.#const(extra[0] as string).data))] : []),
    ];
    const dilations = ints(node.attr?.['dilations']);
    const strides = ints(node.attr?.['strides']);
    let out = g.op1('Conv', convInputs, {
      kernel_shape: [kh, kw],
      strides: [strides[1] ?? 1, strides[2] ?? 1],
      dilations: [dilations[1] ?? 1, dilations[2] ?? 1],
      group: depthwise ? cin : 1,
      auto_pad: autoPad(node),
    });
    for (const activation of fused.slice(1)) {
      if (activation === 'Relu') out = g.op1('Relu', [out]);
      else if (activation === 'Relu6') out = this.#relu6(out);
      else if (activation === 'Prelu') out = g.op1('PRelu', [out, this.#slope(extra[1] as string)]);
      else if (activation === 'Elu' || activation === 'Sigmoid' || activation === 'Tanh') out = g.op1(activation, [out]);
      else if (activation === 'LeakyRelu') out = g.op1('LeakyRelu', [out], { alpha: node.attr?.['leakyrelu_alpha']?.f ?? 0.2 });
      else throw new AppError('MODEL_INVALID', `Node "${node.name}": fused activation ${activation} is not supported`);
    }
    return { name: out, layout: 'nchw', rank: 4 };
  }

  #binary(node: TfNode, inputs: string[]): Value {
    const onnxOp = { AddV2: 'Add', Add: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min' }[node.op] as string;
    const operands = inputs.map((name) => (this.#weights.has(name) ? null : this.#value(name)));
    const anyNchw = operands.some((v) => v?.layout === 'nchw');
    const names = inputs.map((name, i) => {
      const v = operands[i];
      if (v) return anyNchw ? this.#nchw(v).name : v.name;
      const c = this.#const(name);
      return anyNchw ? this.#g.constant('c', nhwcConstToNchw(c)) : this.#g.constant('c', floats(c.shape, c.data));
    });
    return { name: this.#g.op1(onnxOp, names), layout: anyNchw ? 'nchw' : 'tf', rank: anyNchw ? 4 : (operands.find((v) => v)?.rank ?? null) };
  }

  #pool(node: TfNode, x: Value): Value {
    const ksize = ints(node.attr?.['ksize']);
    const strides = ints(node.attr?.['strides']);
    const name = this.#g.op1(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [this.#nchw(x).name], {
      kernel_shape: [ksize[1] ?? 1, ksize[2] ?? 1],
      strides: [strides[1] ?? 1, strides[2] ?? 1],
      auto_pad: autoPad(node),
    });
    return { name, layout: 'nchw', rank: 4 };
  }

  #pad(x: Value, paddings: TfWeight): Value {
    const rank = paddings.shape[0] as number;
    const rows = Array.from({ length: rank }, (_, i) => [paddings.data[2 * i] as number, paddings.data[2 * i + 1] as number] as const);
    const ordered = x.layout === 'nchw' ? TO_NCHW.map((axis) => rows[axis] as readonly [number, number]) : rows;
    const pads = [...ordered.map((r) => r[0]), ...ordered.map((r) => r[1])];
    const name = this.#g.op1('Pad', [x.name, this.#g.constant('pads', int64(pads))], { mode: 'constant' });
    return { ...x, name };
  }

  #concat(inputs: string[]): Value {
    const axisRaw = this.#const(inputs[inputs.length - 1] as string).data[0] as number;
    const values = inputs.slice(0, -1).map((n) => this.#value(n));
    const rank = values[0]?.rank ?? null;
    const axis = axisRaw < 0 && rank !== null ? axisRaw + rank : axisRaw;
    if (values.every((v) => v.layout === 'nchw') && axis >= 0) {
      return { name: this.#g.op1('Concat', values.map((v) => v.name), { axis: AXIS_TO_NCHW[axis] as number }), layout: 'nchw', rank: 4 };
    }
    return { name: this.#g.op1('Concat', values.map((v) => this.#tf(v).name), { axis }), layout: 'tf', rank };
  }

  #mean(node: TfNode, x: Value, indices: TfWeight): Value {
    const keep = node.attr?.['keep_dims']?.b === true;
    const axes = Array.from(indices.data, (a) => (a < 0 && x.rank !== null ? a + x.rank : a));
    // Global average pooling (H and W) keeps N, C in the same order in both layouts.
    const spatial = axes.length === 2 && axes.includes(1) && axes.includes(2);
    if (x.layout === 'nchw' && (keep || spatial)) {
      const name = this.#g.op1('ReduceMean', [x.name], { axes: axes.map((a) => AXIS_TO_NCHW[a] as number), keepdims: keep ? 1 : 0 });
      return keep ? { name, layout: 'nchw', rank: 4 } : { name, layout: 'tf', rank: 2 };
    }
    const v = this.#tf(x);
    const name = this.#g.op1('ReduceMean', [v.name], { axes, keepdims: keep ? 1 : 0 });
    return { name, layout: 'tf', rank: v.rank === null ? null : keep ? v.rank : v.rank - axes.length };
  }

  #relu6(input: string): string {
    return this.#g.op1('Clip', [input, this.#g.constant('zero', floats([], [0])), this.#g.constant('six', floats([], [6]))]);
  }

  /** PReLU slopes are stored per channel in NHWC broadcast form; ONNX wants [C,1,1]. */
  #slope(name: string): string {
    const alpha = this.#const(name);
    return this.#g.constant('alpha', floats([alpha.data.length, 1, 1], alpha.data));
  }

  #nchw(v: Value): Value {
    if (v.layout === 'nchw') return v;
    if (v.rank !== 4) throw new AppError('MODEL_INVALID', `A convolution input of rank ${v.rank ?? '?'} cannot be converted (expected NHWC)`);
    return this.#relayout(v, 'nchw', TO_NCHW);
  }

  #tf(v: Value): Value {
    if (v.layout === 'tf') return v;
    return this.#relayout(v, 'tf', TO_NHWC);
  }

  #relayout(v: Value, layout: Value['layout'], perm: number[]): Value {
    let converted = this.#relayouts.get(v.name);
    if (!converted) {
      converted = { name: this.#g.op1('Transpose', [v.name], { perm }), layout, rank: 4 };
      this.#relayouts.set(v.name, converted);
    }
    return converted;
  }

  #const(name: string): TfWeight {
    const weight = this.#weights.get(name);
    if (!weight) {
      const op = this.#nodes.get(name)?.op ?? 'missing node';
      throw new AppError('MODEL_INVALID', `TF.js graph: ${name} (${op}) must be a constant with weights in the manifest`);
    }
    return weight;
  }
}

function stripPort(name: string): string {
  return name.replace(/^\^/, '').replace(/:\d+$/, '');
}

function autoPad(node: TfNode): string {
  const padding = text(node.attr?.['padding']);
  if (padding === 'SAME') return 'SAME_UPPER';
  if (padding === 'VALID') return 'VALID';
  throw new AppError('MODEL_INVALID', `Node "${node.name}": padding "${padding}" is not supported`);
}

const floats = (dims: readonly number[], data: ArrayLike<number>): Tensor => ({ type: 'float32', dims, data: Float32Array.from(data) });
const int64 = (data: ArrayLike<number>): Tensor => ({ type: 'int64', dims: [data.length], data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))) });

/** TF conv filters are [kh, kw, in, out]; ONNX wants [out, in, kh, kw]. */
function hwioToOihw(src: ArrayLike<number>, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y += 1)
    for (let x = 0; x < kw; x += 1)
      for (let i = 0; i < cin; i += 1)
        for (let o = 0; o < cout; o += 1) out[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o] as number;
  return out;
}

/** A constant broadcast against an NHWC activation, rewritten to broadcast against NCHW. */
function nhwcConstToNchw(c: TfWeight): Tensor {
  const dims = [...c.shape];
  while (dims.length < 4) dims.unshift(1);
  const [n, h, w, ch] = dims as [number, number, number, number];
  const out = new Float32Array(c.data.length);
  for (let a = 0; a < n; a += 1)
    for (let y = 0; y < h; y += 1)
      for (let x = 0; x < w; x += 1)
        for (let k = 0; k < ch; k += 1) out[((a * ch + k) * h + y) * w + x] = c.data[((a * h + y) * w + x) * ch + k] as number;
  return { type: 'float32', dims: [n, ch, h, w], data: out };
}
