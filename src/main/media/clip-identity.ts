import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import { sampleDigest } from './hash';
import { sequenceStamp } from './sequence';

/**
 * What tells a file's content apart without reading it: size, mtime, inode and ctime. A copy
 * restored over it with its size and mtime kept (`cp -p`, a backup tool) still gets a new
 * ctime, and a new inode when it replaces the file.
 */
export async function contentStamp(absolutePath: string): Promise<string> {
  const s = await stat(absolutePath, { bigint: true });
  return `${s.size}:${s.mtimeNs}:${s.ino}:${s.ctimeNs}`;
}

/**
 * 22 url-safe characters of sha256(path, size, mtime, and for a file the digest of its
 * head and tail): stable while the file is unchanged, and new for other content under the
 * same name, size and mtime (another take copied over it with `cp -p`, a restored backup).
 * Frames are cached by it — decoded, in display proxies and by the renderer (immutable
 * URLs) — so it must change whenever the content does.
 */
export async function clipIdFor(absolutePath: string): Promise<string> {
  let stamp;
  let file: boolean;
  try {
    const s = await stat(absolutePath);
    file = !s.isDirectory();
    stamp = file ? { size: s.size, mtimeMs: s.mtimeMs, count: 1 } : await sequenceStamp(absolutePath);
  } catch (error) {
    throw new AppError('NOT_FOUND', `No such file or folder: ${absolutePath}`, { cause: error });
  }
  let sample = '';
  try {
    if (file) sample = (await sampleDigest(absolutePath, stamp.size)).toString('hex');
  } catch (error) {
    // It exists: say why it cannot be read (permissions, a special file) rather than that it is missing.
    throw new AppError('MEDIA_UNREADABLE', `Cannot read ${absolutePath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const digest = createHash('sha256').update(`${absolutePath}\0${stamp.size}\0${stamp.mtimeMs}\0${stamp.count}\0${sample}`).digest('base64url');
  return digest.slice(0, 22);
}
