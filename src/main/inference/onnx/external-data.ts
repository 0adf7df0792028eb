import { AppError } from '@shared/errors';

/**
 * The external-data locations an ONNX model names: TensorProto.external_data "location"
 * entries (data_location EXTERNAL) anywhere in the model, subgraphs, functions and
 * training graphs included. Found by walking the protobuf's field tags without decoding
 * it, so weights are skipped, not copied, and a hostile file costs one pass over its bytes.
 */

/** Which fields of which message lead towards a TensorProto (field numbers of onnx.proto). */
type Message = 'model' | 'training' | 'function' | 'graph' | 'node' | 'attribute' | 'sparse' | 'tensor' | 'entry';
const CHILDREN: Record<Exclude<Message, 'tensor' | 'entry'>, Readonly<Record<number, Message>>> = {
  model: { 7: 'graph', 20: 'training', 25: 'function' },
  training: { 1: 'graph', 2: 'graph' },
  function: { 7: 'node' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' },
  sparse: { 1: 'tensor', 2: 'tensor' },
};
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;
/** Nesting of subgraphs deeper than any real model (If/Loop bodies nest a few levels). */
const MAX_DEPTH = 64;

class Malformed extends Error {}
const invalid = (what: string) => new Malformed(what);

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {}

  varint(end: number): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.at >= end) throw invalid('a field runs past its message');
      const byte = this.bytes[this.at++] as number;
      // Beyond 2^53 a length or tag is nonsense for a file this size anyway.
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw invalid('a malformed varint');
  }

  /** Skips a field of `wire` type; returns [start, end] of a length-delimited one. */
  skip(wire: number, end: number): [number, number] | null {
    switch (wire) {
      case 0:
        this.varint(end);
        return null;
      case 1:
        this.at += 8;
        break;
      case 5:
        this.at += 4;
        break;
      case 2: {
        const length = this.varint(end);
        const start = this.at;
        this.at += length;
        if (this.at > end) throw invalid('a field runs past its message');
        return [start, this.at];
      }
      default:
        throw invalid(`wire type ${wire}`);
    }
    if (this.at > end) throw invalid('a field runs past its message');
    return null;
  }
}

function walk(reader: Reader, end: number, message: Message, depth: number, found: Set<string>): void {
  if (depth > MAX_DEPTH) throw invalid(`subgraphs nested more than ${MAX_DEPTH} deep`);
  let external = false;
  const locations: string[] = [];
  while (reader.at < end) {
    const tag = reader.varint(end);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (message === 'tensor' && field === TENSOR_DATA_LOCATION && wire === 0) {
      external = reader.varint(end) === DATA_LOCATION_EXTERNAL;
      continue;
    }
    const range = reader.skip(wire, end);
    if (!range) continue;
    if (message === 'tensor') {
      if (field === TENSOR_EXTERNAL_DATA) {
        const entry = entryOf(reader.bytes, range);
        if (entry.key === 'location') locations.push(entry.value);
      }
      continue;
    }
    if (message === 'entry') continue;
    const child = CHILDREN[message][field];
    if (!child) continue;
    const inner = new Reader(reader.bytes, range[0]);
    walk(inner, range[1], child, depth + 1, found);
  }
  if (external || locations.length) for (const location of locations.length ? locations : ['(no location)']) found.add(location);
}

function entryOf(bytes: Uint8Array, [start, end]: [number, number]): { key: string; value: string } {
  const reader = new Reader(bytes, start);
  const entry = { key: '', value: '' };
  const decoder = new TextDecoder();
  while (reader.at < end) {
    const tag = reader.varint(end);
    const range = reader.skip(tag % 8, end);
    if (!range) continue;
    const text = decoder.decode(bytes.subarray(range[0], range[1]));
    if (Math.floor(tag / 8) === 1) entry.key = text;
    else if (Math.floor(tag / 8) === 2) entry.value = text;
  }
  return entry;
}

/** Every external-data location the model `name` names (empty for a self-contained model). */
export function externalDataLocations(bytes: Uint8Array, name: string): string[] {
  const found = new Set<string>();
  try {
    walk(new Reader(bytes, 0), bytes.length, 'model', 0, found);
  } catch (error) {
    if (error instanceof Malformed) throw new AppError('MODEL_INVALID', `${name} is not a valid ONNX model: ${error.message}.`);
    throw error;
  }
  return [...found];
}
