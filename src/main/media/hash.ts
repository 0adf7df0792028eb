import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import { listFrameFiles } from './sequence';

async function feed(hash: Hash, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/**
 * Content identity of a clip as lowercase hex sha256, streamed (constant memory).
 * A video: the file's bytes. A frame folder: for each frame file in natural order, its
 * name, a NUL, its byte length, a NUL, then its bytes, so renaming or reordering frames
 * changes the hash but the folder's own path and timestamps do not.
 */
export async function hashMedia(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new AppError('NOT_FOUND', `No such file or folder: ${path}`, { cause: error });
  }
  const hash = createHash('sha256');
  try {
    if (info.isDirectory()) {
      for (const name of await listFrameFiles(path)) {
        const file = join(path, name);
        hash.update(`${name}\0${(await stat(file)).size}\0`);
        await feed(hash, file);
      }
    } else {
      await feed(hash, path);
    }
  } catch (error) {
    throw new AppError('MEDIA_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return hash.digest('hex');
}

/** Bytes read from each end of a file by `sampleDigest`. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * A bounded stand-in for the content hash: sha256 of the file's first and last 64 KiB.
 * Two takes of one length differ there (container headers, the sample table, the first and
 * last frames), so a file replaced in place with its size and mtime kept is told apart
 * without reading a session-long video. A change confined to the middle goes unseen.
 */
export async function sampleDigest(path: string, size: number): Promise<Buffer> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const head = Math.min(size, SAMPLE_BYTES);
    const tailStart = Math.max(head, size - SAMPLE_BYTES);
    for (const [start, length] of [
      [0, head],
      [tailStart, size - tailStart],
    ] as const) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, start);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest();
}
