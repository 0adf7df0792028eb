import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * A small ONNX graph builder: the project writes its own models (the variational flow,
 * converted TF.js graphs, tiny test LLMs) with it. Values are named tensors; `op()`
 * appends a node and returns its output names. Opset 17 by default.
 */
export type ElementType = 'float32' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';
export type Dim = number | string;
export type AttributeValue = number | string | number[] | string[] | Tensor | GraphBuilder | { floats: number[] } | { ints: number[] };

export interface Tensor {
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Uint16Array;
}

const DATA_TYPE: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

export const tensor = {
  float32: (dims: readonly number[], data: ArrayLike<number>): Tensor => ({ type: 'float32', dims, data: Float32Array.from(data) }),
  int64: (dims: readonly number[], data: ArrayLike<number | bigint>): Tensor => ({
    type: 'int64',
    dims,
    data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))),
  }),
  int32: (dims: readonly number[], data: ArrayLike<number>): Tensor => ({ type: 'int32', dims, data: Int32Array.from(data) }),
  scalar: (value: number): Tensor => ({ type: 'float32', dims: [], data: Float32Array.of(value) }),
};

function tensorProto(name: string, value: Tensor) {
  const count = value.dims.reduce((a, b) => a * b, 1);
  if (value.data.length !== count) {
    throw new Error(`Tensor ${name}: ${value.data.length} values for dims [${value.dims.join(',')}]`);
  }
  const bytes = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
  return onnx.TensorProto.create({
    name,
    dims: [...value.dims],
    dataType: DATA_TYPE[value.type],
    rawData: Uint8Array.from(bytes),
  });
}

/**
 * Where large initializers go instead of the model's protobuf (ONNX external data): a
 * real-size LLM's weights exceed protobuf's 2 GB, and streaming them to a file keeps one
 * copy in memory at a time.
 */
export interface ExternalDataSink {
  /** File name beside the model, as ONNX Runtime resolves it. */
  readonly location: string;
  /** Initializers of at least this many bytes go to the sink. */
  readonly minBytes: number;
  /** Appends the bytes and returns their offset in the file. */
  append(bytes: Uint8Array): number;
}

function externalTensorProto(name: string, value: Tensor, sink: ExternalDataSink) {
  const bytes = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
  const offset = sink.append(bytes);
  return onnx.TensorProto.create({
    name,
    dims: [...value.dims],
    dataType: DATA_TYPE[value.type],
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: sink.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.byteLength) },
    ],
  });
}

function valueInfo(name: string, type: ElementType, shape: readonly Dim[] | null) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
      },
    },
  });
}

function attribute(name: string, value: AttributeValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (value instanceof GraphBuilder) return { name, type: A.GRAPH, g: value.graphProto() };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return { name, type: A.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    const numbers = value as number[];
    return numbers.every(Number.isInteger) ? { name, type: A.INTS, ints: numbers } : { name, type: A.FLOATS, floats: numbers };
  }
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  if ('ints' in value) return { name, type: A.INTS, ints: value.ints };
  return { name, type: A.TENSOR, t: tensorProto(name, value) };
}

export class GraphBuilder {
  readonly name: string;
  readonly #nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly #initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  readonly #inputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #outputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #used = new Set<string>();
  #counter = 0;
  readonly #external: ExternalDataSink | null;

  constructor(name: string, options: { readonly external?: ExternalDataSink } = {}) {
    this.name = name;
    this.#external = options.external ?? null;
  }

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.#used.has(name)) name = `${prefix}_${++this.#counter}`;
    this.#used.add(name);
    return name;
  }

  input(name: string, type: ElementType, shape: readonly Dim[] | null): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, type, shape));
    return name;
  }

  output(name: string, type: ElementType, shape: readonly Dim[] | null = null): void {
    this.#outputs.push(valueInfo(name, type, shape));
  }

  /** A constant stored as an initializer (weights, shapes, scalars). */
  constant(prefix: string, value: Tensor): string {
    const name = this.fresh(prefix);
    const external = this.#external && value.data.byteLength >= this.#external.minBytes ? this.#external : null;
    this.#initializers.push(external ? externalTensorProto(name, value, external) : tensorProto(name, value));
    return name;
  }

  /**
   * Appends a node. `outputs` is a count (names are generated) or explicit names.
   * Empty-string inputs mark omitted optional inputs, as ONNX expects.
   */
  op(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs: number | readonly string[] = 1, domain = ''): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(type.toLowerCase())) : outputs.map((n) => this.#claim(n));
    this.#nodes.push(
      onnx.NodeProto.create({
        opType: type,
        domain,
        name: this.fresh(`${type}_node`),
        input: [...inputs],
        output: names,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return names;
  }

  /** Single-output shorthand for op(). */
  op1(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, domain = ''): string {
    return this.op(type, inputs, attributes, 1, domain)[0] as string;
  }

  graphProto() {
    return onnx.GraphProto.create({
      name: this.name,
      node: this.#nodes,
      initializer: this.#initializers,
      input: this.#inputs,
      output: this.#outputs,
    });
  }

  /** Serialises a model; `metadata` lands in the model's metadata_props (provenance, parameters). */
  toBytes(options: { opset?: number; producer?: string; metadata?: Record<string, string>; extraOpsets?: Record<string, number> } = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producer ?? 'mellm-workstation',
      opsetImport: [
        { domain: '', version: options.opset ?? 17 },
        ...Object.entries(options.extraOpsets ?? {}).map(([domain, version]) => ({ domain, version })),
      ],
      graph: this.graphProto(),
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  #claim(name: string): string {
    if (this.#used.has(name)) throw new Error(`Value name ${name} is already used in graph ${this.name}`);
    this.#used.add(name);
    return name;
  }
}
