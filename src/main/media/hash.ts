import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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
