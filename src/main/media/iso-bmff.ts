import { open } from 'node:fs/promises';

/**
 * Why a file's ISO BMFF (mp4/mov) boxes were not used: `malformed` (sizes or counts that
 * do not hold up: truncated, looping, oversized or lying boxes) or `unsupported` (a layout
 * or fact this reader does not settle exactly). Either way the caller asks ffprobe instead.
 */
export class BoxError extends Error {
  constructor(
    readonly kind: 'malformed' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'BoxError';
  }
}

export const malformed = (why: string): BoxError => new BoxError('malformed', why);
export const unsupported = (why: string): BoxError => new BoxError('unsupported', why);

/** The movie box can hold sample tables of hours of video; beyond this it is not read. */
const MAX_MOVIE_BYTES = 64 * 2 ** 20;
/** Top-level boxes walked before giving up (a real file has a handful). */
const MAX_TOP_LEVEL = 1024;
/** Children of any one box read before giving up. */
const MAX_CHILDREN = 4096;

/** A box inside a buffer: its four-character type and its payload's [start, end). */
export interface Box {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] as number, bytes[at + 1] as number, bytes[at + 2] as number, bytes[at + 3] as number);
}

/**
 * The movie box (`moov`) of a file, read whole, found by walking the top-level boxes by
 * their headers alone (media data is skipped, never read). A file with movie fragments
 * (`moof`), without a movie box, or whose boxes do not hold up throws a BoxError.
 * A box that runs past the end of the file ends the walk: a truncated media box after the
 * movie box is for the decode checks to refuse, as with ffprobe.
 */
export async function readMovieBox(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    let movie: { at: number; size: number } | null = null;
    let at = 0;
    for (let count = 0; at + 8 <= fileSize; count += 1) {
      if (count >= MAX_TOP_LEVEL) throw unsupported(`more than ${MAX_TOP_LEVEL} top-level boxes`);
      const { bytesRead } = await handle.read(header, 0, 16, at);
      if (bytesRead < 8) throw malformed(`box header at byte ${at} is cut off`);
      let size = header.readUInt32BE(0);
      let headerSize = 8;
      const type = fourcc(header, 4);
      if (count === 0 && type !== 'ftyp' && type !== 'moov' && type !== 'free' && type !== 'wide' && type !== 'skip') {
        throw unsupported(`the file does not start with an ISO BMFF box (found '${type.replace(/[^\x20-\x7e]/g, '?')}')`);
      }
      if (size === 1) {
        if (bytesRead < 16) throw malformed(`64-bit box size at byte ${at} is cut off`);
        const large = header.readBigUInt64BE(8);
        if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`box '${type}' at byte ${at} claims ${large} bytes`);
        size = Number(large);
        headerSize = 16;
      } else if (size === 0) size = fileSize - at;
      if (size < headerSize) throw malformed(`box '${type}' at byte ${at} is ${size} bytes, shorter than its header`);
      if (type === 'moof' || type === 'mfra') throw unsupported('the file is fragmented (movie fragments)');
      if (type === 'moov') {
        if (movie) throw unsupported('the file has two movie boxes');
        if (at + size > fileSize) throw malformed(`the movie box runs past the end of the file (${at + size} > ${fileSize} bytes)`);
        if (size - headerSize > MAX_MOVIE_BYTES) throw unsupported(`the movie box is larger than ${MAX_MOVIE_BYTES} bytes`);
        movie = { at: at + headerSize, size: size - headerSize };
      }
      if (at + size > fileSize) break;
      at += size;
    }
    if (!movie) throw unsupported('no movie box before the end of the file');
    const bytes = new Uint8Array(movie.size);
    const { bytesRead } = await handle.read(bytes, 0, movie.size, movie.at);
    if (bytesRead !== movie.size) throw malformed('the movie box could not be read whole');
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The boxes directly inside [start, end) of `bytes`; every size is checked against its parent. */
export function children(bytes: Uint8Array, start: number, end: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Box[] = [];
  let at = start;
  while (at < end) {
    if (found.length >= MAX_CHILDREN) throw unsupported(`more than ${MAX_CHILDREN} boxes in one box`);
    if (at + 8 > end) throw malformed(`box header at byte ${at} runs past its parent`);
    let size = view.getUint32(at);
    let headerSize = 8;
    const type = fourcc(bytes, at + 4);
    if (size === 1) {
      if (at + 16 > end) throw malformed(`64-bit box size at byte ${at} runs past its parent`);
      const large = view.getBigUint64(at + 8);
      size = large > BigInt(end - at) ? end - at + 1 : Number(large);
      headerSize = 16;
    } else if (size === 0) throw malformed(`box '${type}' at byte ${at} has size 0 inside another box`);
    if (size < headerSize) throw malformed(`box '${type}' at byte ${at} is ${size} bytes, shorter than its header`);
    if (at + size > end) throw malformed(`box '${type}' at byte ${at} runs past its parent`);
    found.push({ type, start: at + headerSize, end: at + size });
    at += size;
  }
  return found;
}

/** The only child of `type`, or null; two of them are ambiguous. */
export function child(bytes: Uint8Array, parent: Box, type: string): Box | null {
  const matches = children(bytes, parent.start, parent.end).filter((box) => box.type === type);
  if (matches.length > 1) throw unsupported(`two '${type}' boxes in '${parent.type}'`);
  return matches[0] ?? null;
}

export function required(bytes: Uint8Array, parent: Box, type: string): Box {
  const found = child(bytes, parent, type);
  if (!found) throw malformed(`'${parent.type}' has no '${type}' box`);
  return found;
}

/** Bounds-checked big-endian reads inside one box's payload. */
export class BoxReader {
  readonly #view: DataView;

  constructor(
    bytes: Uint8Array,
    readonly box: Box,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.box.end - this.box.start;
  }

  #at(offset: number, width: number): number {
    if (offset < 0 || offset + width > this.length) throw malformed(`'${this.box.type}' is too short (${this.length} bytes) for a field at ${offset}`);
    return this.box.start + offset;
  }

  u8(offset: number): number {
    return this.#view.getUint8(this.#at(offset, 1));
  }

  u16(offset: number): number {
    return this.#view.getUint16(this.#at(offset, 2));
  }

  u32(offset: number): number {
    return this.#view.getUint32(this.#at(offset, 4));
  }

  i32(offset: number): number {
    return this.#view.getInt32(this.#at(offset, 4));
  }

  /** A 64-bit field as a number; beyond 2^53 it is not exact, so refused. */
  u64(offset: number): number {
    const value = this.#view.getBigUint64(this.#at(offset, 8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw unsupported(`'${this.box.type}' holds a 64-bit value beyond 2^53`);
    return Number(value);
  }

  i64(offset: number): number {
    const value = this.#view.getBigInt64(this.#at(offset, 8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw unsupported(`'${this.box.type}' holds a 64-bit value beyond 2^53`);
    return Number(value);
  }

  /** A table of `count` entries of `width` bytes from `offset`: the count is checked against the box first. */
  table(offset: number, count: number, width: number): void {
    if (count * width > this.length - offset) throw malformed(`'${this.box.type}' claims ${count} entries, more than its ${this.length} bytes hold`);
  }
}
