import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import type { ExternalDataSink } from './graph';

/** Tensors start on page boundaries, so ONNX Runtime may map them rather than copy them. */
const ALIGNMENT = 4096;

/**
 * An ONNX external-data file written as a graph is built (see GraphBuilder's `external`
 * option): each large initializer is appended at an aligned offset. `close()` when the
 * graph is complete; the model file must be written into the same folder.
 */
export class ExternalDataFile implements ExternalDataSink {
  readonly location: string;
  readonly #fd: number;
  #size = 0;

  constructor(
    readonly path: string,
    readonly minBytes = 1024,
  ) {
    this.location = basename(path);
    this.#fd = openSync(path, 'w', 0o644);
  }

  get bytes(): number {
    return this.#size;
  }

  append(bytes: Uint8Array): number {
    const padding = (ALIGNMENT - (this.#size % ALIGNMENT)) % ALIGNMENT;
    if (padding) this.#write(new Uint8Array(padding));
    const offset = this.#size;
    this.#write(bytes);
    return offset;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.#fd, bytes, done, bytes.byteLength - done, this.#size + done);
    this.#size += bytes.byteLength;
  }
}
