import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { AppError } from '@shared/errors';
import { formatBytes } from './sheet-limits';

/** One file in a zip, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  /** The declared uncompressed size: checked against limits before inflating, enforced while inflating. */
  readonly size: number;
  readonly localOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ZIP64_EXTRA = 0x0001;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** A workbook is a few dozen parts; a directory of more is no workbook's. */
const MAX_ENTRIES = 65_536;
const STORED = 0;
const DEFLATED = 8;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Reads a zip archive's directory and inflates single entries as streams. Nothing is
 * unpacked whole: a caller checks the declared sizes first, and an entry that inflates
 * past its declared size, fails its checksum or ends short is refused as it happens.
 */
export class ZipArchive {
  readonly #entries: ReadonlyMap<string, ZipEntry>;

  private constructor(
    readonly path: string,
    private readonly fileSize: number,
    entries: ReadonlyMap<string, ZipEntry>,
  ) {
    this.#entries = entries;
  }

  /** "Cannot read the sheet <path>: <reason>", the refusal of a damaged or foreign archive. */
  static damaged(path: string, reason: string): AppError {
    return new AppError('INVALID_INPUT', `Cannot read the sheet ${path}: ${reason}`);
  }

  static async open(path: string): Promise<ZipArchive> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const tailStart = Math.max(0, size - (22 + 0xffff));
      const tail = await readAt(handle, tailStart, size - tailStart);
      let end = -1;
      for (let i = tail.length - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === END_OF_DIRECTORY) {
          end = i;
          break;
        }
      }
      if (end < 0) throw ZipArchive.damaged(path, 'it is not a complete zip archive (no end-of-archive record)');
      let count = tail.readUInt16LE(end + 10);
      let directorySize = tail.readUInt32LE(end + 12);
      let directoryOffset = tail.readUInt32LE(end + 16);
      if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
        const locator = await readAt(handle, tailStart + end - 20, 20);
        if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw ZipArchive.damaged(path, 'its ZIP64 directory cannot be found');
        const record = await readAt(handle, Number(locator.readBigUInt64LE(8)), 56);
        if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_END) throw ZipArchive.damaged(path, 'its ZIP64 directory cannot be found');
        count = Number(record.readBigUInt64LE(32));
        directorySize = Number(record.readBigUInt64LE(40));
        directoryOffset = Number(record.readBigUInt64LE(48));
      }
      if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size) throw ZipArchive.damaged(path, 'its directory does not fit in the file');
      if (count > MAX_ENTRIES) throw ZipArchive.damaged(path, `it lists ${count} files, more than any workbook holds`);
      const directory = await readAt(handle, directoryOffset, directorySize);
      return new ZipArchive(path, size, parseDirectory(path, directory, count));
    } finally {
      await handle.close();
    }
  }

  /** An entry by its name, compared without case as package part names are. */
  entry(name: string): ZipEntry | undefined {
    return this.#entries.get(name.toLowerCase());
  }

  /** The entry's bytes, inflated chunk by chunk and never past its declared size. */
  async *inflate(entry: ZipEntry): AsyncGenerator<Buffer> {
    const where = `${entry.name} of ${basename(this.path)}`;
    if (entry.flags & 1) throw ZipArchive.damaged(this.path, `${entry.name} is encrypted`);
    if (entry.method !== STORED && entry.method !== DEFLATED) throw ZipArchive.damaged(this.path, `${entry.name} uses compression method ${entry.method}, which the import does not read`);
    const start = await this.#dataStart(entry);
    const raw =
      entry.compressedSize === 0 ? Readable.from([]) : createReadStream(this.path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
    const stream = entry.method === DEFLATED ? raw.pipe(createInflateRaw({ chunkSize: 1 << 18 })) : raw;
    if (stream !== raw) raw.on('error', (error: Error) => stream.destroy(error));
    let size = 0;
    let crc = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > entry.size) throw new AppError('INVALID_INPUT', `${where} unpacks to more than its declared ${formatBytes(entry.size)}: the file is damaged or forged`);
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw ZipArchive.damaged(this.path, `${entry.name} cannot be unpacked (${(error as Error).message})`);
    } finally {
      raw.destroy();
      stream.destroy();
    }
    if (size !== entry.size) throw ZipArchive.damaged(this.path, `${entry.name} is shorter than its declared ${formatBytes(entry.size)}`);
    if (crc >>> 0 !== entry.crc) throw ZipArchive.damaged(this.path, `${entry.name} fails its checksum`);
  }

  async #dataStart(entry: ZipEntry): Promise<number> {
    const handle = await open(this.path, 'r');
    try {
      const header = await readAt(handle, entry.localOffset, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) throw ZipArchive.damaged(this.path, `the header of ${entry.name} is missing`);
      const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (start + entry.compressedSize > this.fileSize) throw ZipArchive.damaged(this.path, `${entry.name} runs past the end of the file`);
      return start;
    } finally {
      await handle.close();
    }
  }
}

function parseDirectory(path: string, directory: Buffer, count: number): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_HEADER) throw ZipArchive.damaged(path, 'its directory is damaged');
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > directory.length) throw ZipArchive.damaged(path, 'its directory is damaged');
    // Bit 11 marks UTF-8 names; the others are CP437, which agrees with latin1 on the ASCII names of a package.
    const name = directory.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, nameEnd);
    let size = directory.readUInt32LE(at + 24);
    let compressedSize = directory.readUInt32LE(at + 20);
    let localOffset = directory.readUInt32LE(at + 42);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const wide = zip64Fields(directory.subarray(nameEnd, nameEnd + extraLength));
      // The ZIP64 extra field holds, in this order, only the values whose 32-bit field is saturated.
      let next = 0;
      const take = (value: number) => (value === 0xffffffff ? (wide[next++] ?? Number.NaN) : value);
      size = take(size);
      compressedSize = take(compressedSize);
      localOffset = take(localOffset);
      if ([size, compressedSize, localOffset].some(Number.isNaN)) throw ZipArchive.damaged(path, `the ZIP64 sizes of ${name} are missing`);
    }
    const key = name.toLowerCase();
    if (entries.has(key)) throw ZipArchive.damaged(path, `it holds two entries named ${name}`);
    entries.set(key, { name, method: directory.readUInt16LE(at + 10), flags, crc: directory.readUInt32LE(at + 16), compressedSize, size, localOffset });
    at = nameEnd + extraLength + commentLength;
  }
  return entries;
}

function zip64Fields(extra: Buffer): number[] {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) {
      const values: number[] = [];
      for (let p = at + 4; p + 8 <= Math.min(at + 4 + length, extra.length); p += 8) values.push(Number(extra.readBigUInt64LE(p)));
      return values;
    }
    at += 4 + length;
  }
  return [];
}
