import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { isInside } from '../util/roots';

/**
 * The files of a model folder a user chose. Every file the folder names (flow.json's
 * `model`, an LLM's JSON files and weights) must lie inside the folder once symlinks are
 * followed, be a regular file (a FIFO blocks a read forever, a device like /dev/zero never
 * ends) and be no larger than its kind of file may be, all before a byte is read. Reads
 * open the checked path with O_NOFOLLOW | O_NONBLOCK and check the open descriptor again,
 * so a file swapped for a link or a FIFO after the check is refused all the same.
 */

export interface ModelFile {
  /** The name the folder gives it, for messages (`tokenizer.json`, `onnx/model.onnx`). */
  readonly name: string;
  /** The folder as the user gave it. */
  readonly folder: string;
  /** The file's real path (inside the folder's real path). */
  readonly path: string;
  readonly bytes: number;
}

const MB = 1024 * 1024;

/** The largest file of each kind a model folder may hold. */
export const MODEL_FILE_LIMITS = {
  /** config.json, generation_config.json, tokenizer_config.json, flow.json: kilobytes in practice. */
  json: 16 * MB,
  /** tokenizer.json: a few MB for Qwen and Llama, tens of MB for the largest vocabularies. */
  tokenizer: 256 * MB,
  /** One ONNX file: protobuf cannot encode a larger one (bigger models keep weights in external data). */
  onnx: 2048 * MB - 1,
  /** An ONNX external-data file: bounded by the free memory check of whoever loads it. */
  weights: Number.MAX_SAFE_INTEGER,
} as const;

// Absent on Windows, where neither symlink swaps nor FIFOs reach a path like this.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const inside = isInside;

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a file';
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

function checkStats(name: string, folder: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new AppError('MODEL_INVALID', `${name} in ${folder} is not a regular file (${kindOf(stats)}); a model folder holds plain files.`);
  if (stats.size > maxBytes) throw new AppError('MODEL_INVALID', `${name} in ${folder} is ${mb(stats.size)}, larger than the ${mb(maxBytes)} such a file may be.`);
}

function ioError(name: string, folder: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('MODEL_MISSING', `${name} named in ${folder} does not exist.`, { cause: error });
  if (code === 'ELOOP') return new AppError('MODEL_INVALID', `${name} in ${folder} is a symbolic link loop, or was replaced by a link while being read.`, { cause: error });
  return new AppError('MODEL_MISSING', `${name} in ${folder} cannot be read: ${(error as Error).message}`, { cause: error });
}

/** `name` resolved against the folder, refused when it leaves it before any symlink is followed. */
function lexical(folder: string, name: string): string {
  const path = resolve(folder, name);
  if (!inside(resolve(folder), path)) throw new AppError('MODEL_INVALID', `${name} (named in ${folder}) is outside the model folder; a model folder's files must be inside it.`);
  return path;
}

function located(folder: string, name: string, root: string, real: string): void {
  if (!inside(root, real)) {
    throw new AppError('MODEL_INVALID', `${name} in ${folder} resolves to ${real}, outside the model folder; copy the file into the folder instead of linking to it.`);
  }
}

/** Finds `name` (relative to `folder`, or absolute) and checks it as described above. */
export async function locateModelFile(folder: string, name: string, maxBytes: number): Promise<ModelFile> {
  const path = lexical(folder, name);
  try {
    const [root, real] = await Promise.all([realpath(folder), realpath(path)]);
    located(folder, name, root, real);
    const stats = await stat(real);
    checkStats(name, folder, stats, maxBytes);
    return { name, folder, path: real, bytes: stats.size };
  } catch (error) {
    throw error instanceof AppError ? error : ioError(name, folder, error);
  }
}

/** locateModelFile() for synchronous callers (a small file such as flow.json). */
export function locateModelFileSync(folder: string, name: string, maxBytes: number): ModelFile {
  const path = lexical(folder, name);
  try {
    const root = realpathSync(folder);
    const real = realpathSync(path);
    located(folder, name, root, real);
    const stats = statSync(real);
    checkStats(name, folder, stats, maxBytes);
    return { name, folder, path: real, bytes: stats.size };
  } catch (error) {
    throw error instanceof AppError ? error : ioError(name, folder, error);
  }
}

/** Opens a located file, checked again on the descriptor. */
async function openChecked(file: ModelFile, maxBytes: number): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, OPEN_FLAGS);
  } catch (error) {
    throw ioError(file.name, file.folder, error);
  }
  try {
    const stats = await handle.stat();
    checkStats(file.name, file.folder, stats, maxBytes);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof AppError ? error : ioError(file.name, file.folder, error);
  }
}

/** The whole of a located file (at most `maxBytes`). */
export async function readModelFile(file: ModelFile, maxBytes: number): Promise<Buffer> {
  const { handle, size } = await openChecked(file, maxBytes);
  try {
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) throw new AppError('MODEL_INVALID', `${file.name} in ${file.folder} shrank while it was being read.`);
      filled += bytesRead;
    }
    return buffer;
  } catch (error) {
    throw error instanceof AppError ? error : ioError(file.name, file.folder, error);
  } finally {
    await handle.close();
  }
}

/** The SHA-256 (hex) of a located file, read in pieces. */
export async function hashModelFile(file: ModelFile, maxBytes: number): Promise<string> {
  const { handle, size } = await openChecked(file, maxBytes);
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 4 * MB));
    for (let position = 0; position < size; ) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - position), position);
      if (bytesRead === 0) break;
      hash.update(chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest('hex');
  } catch (error) {
    throw error instanceof AppError ? error : ioError(file.name, file.folder, error);
  } finally {
    await handle.close();
  }
}

/** What a content fingerprint reads of a large file: its two ends and evenly spaced pieces between. */
export const FINGERPRINT_READS = { edgeBytes: MB, samples: 16, sampleBytes: 64 * 1024 } as const;

/**
 * A SHA-256 (hex) of a located file's size and of at most 3 MiB of it: the first and last
 * MiB and 16 pieces of 64 KiB spread evenly between (the whole file when it is smaller),
 * so a model of gigabytes is told apart from another in milliseconds. Two files that
 * differ only between the pieces read share it; `hashModelFile` reads everything.
 */
export async function fingerprintModelFile(file: ModelFile, maxBytes: number): Promise<string> {
  const { handle, size } = await openChecked(file, maxBytes);
  const { edgeBytes, samples, sampleBytes } = FINGERPRINT_READS;
  const whole = size <= 2 * edgeBytes + samples * sampleBytes;
  const spans: Array<[number, number]> = whole ? [[0, size]] : [[0, edgeBytes]];
  if (!whole) {
    const gap = (size - 2 * edgeBytes - samples * sampleBytes) / (samples + 1);
    for (let i = 0; i < samples; i += 1) spans.push([Math.floor(edgeBytes + gap * (i + 1) + sampleBytes * i), sampleBytes]);
    spans.push([size - edgeBytes, edgeBytes]);
  }
  try {
    const hash = createHash('sha256').update(`${size}\n`);
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(size, edgeBytes)));
    for (const [start, length] of spans) {
      for (let position = start; position < start + length; ) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, start + length - position), position);
        if (bytesRead === 0) throw new AppError('MODEL_INVALID', `${file.name} in ${file.folder} shrank while it was being read.`);
        hash.update(chunk.subarray(0, bytesRead));
        position += bytesRead;
      }
    }
    return hash.digest('hex');
  } catch (error) {
    throw error instanceof AppError ? error : ioError(file.name, file.folder, error);
  } finally {
    await handle.close();
  }
}

/** A small text file of the folder (flow.json), read synchronously with the same checks. */
export function readModelTextSync(folder: string, name: string, maxBytes: number): string {
  const file = locateModelFileSync(folder, name, maxBytes);
  let fd: number;
  try {
    fd = openSync(file.path, OPEN_FLAGS);
  } catch (error) {
    throw ioError(name, folder, error);
  }
  try {
    const stats = fstatSync(fd);
    checkStats(name, folder, stats, maxBytes);
    const buffer = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < stats.size) {
      const read = readSync(fd, buffer, filled, stats.size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.toString('utf8', 0, filled);
  } catch (error) {
    throw error instanceof AppError ? error : ioError(name, folder, error);
  } finally {
    closeSync(fd);
  }
}
