import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../../util/atomic-write';

const EXPORT_FILE_MODE = 0o644;

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `name` (a relative file name, subfolders allowed) inside the export folder.
 * Rejects absolute names, `..` segments, NUL bytes, and anything whose existing parent
 * or target is a symlink leading out of the folder; refuses to replace an existing file
 * unless `force`. Folder and subfolders are created.
 */
export async function resolveOutputPath(folder: string, name: string, force = false): Promise<string> {
  const unsafe = (why: string) => new AppError('EXPORT_PATH_UNSAFE', `Export file “${name}” ${why}.`);
  if (!name || name.includes('\0')) throw unsafe('is not a valid file name');
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw unsafe('must be relative to the export folder');
  const segments = name.split(/[\\/]/);
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) throw unsafe('must not contain “..”, “.” or empty path segments');
  await mkdir(folder, { recursive: true });
  const root = await realpath(folder);
  const target = resolve(root, ...segments);
  if (!isInside(root, target)) throw unsafe('leaves the export folder');
  await mkdir(dirname(target), { recursive: true });
  // realpath follows symlinked subfolders: the real parent must still be inside.
  if (!isInside(root, await realpath(dirname(target)))) throw unsafe('leads out of the export folder through a symlink');
  const existing = await lstat(target).catch(() => null);
  if (existing?.isSymbolicLink()) throw unsafe('is a symlink');
  if (existing?.isDirectory()) throw unsafe('is a folder');
  if (existing && !force) throw new AppError('EXPORT_TARGET_EXISTS', `“${name}” already exists in the export folder; choose another folder or allow overwriting.`);
  return target;
}

/** Small outputs (xlsx, eaf): written whole, atomically. */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomic(path, data, EXPORT_FILE_MODE);
}

const FLUSH_BYTES = 1 << 20;

/** Cancellation as the app reports it (the job queue passes an AbortSignal). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('CANCELLED', 'The export was cancelled; files not yet finished were not written.');
}

// FileHandle.writeFile appends at the current position and loops over partial writes.
async function appendText(handle: FileHandle, text: string): Promise<number> {
  const data = Buffer.from(text, 'utf8');
  await handle.writeFile(data);
  return data.byteLength;
}

/**
 * Big outputs: chunks are streamed to a sibling temp file (flushed every ~1 MiB, so
 * memory stays flat), fsynced, then renamed over the target. If the source throws or the
 * signal aborts, the temp file is removed and the target is untouched.
 */
export async function writeOutputStream(path: string, chunks: Iterable<string> | AsyncIterable<string>, signal?: AbortSignal): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', EXPORT_FILE_MODE);
  let bytes = 0;
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    for await (const chunk of chunks) {
      throwIfCancelled(signal);
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= FLUSH_BYTES) {
        bytes += await appendText(handle, pending.join(''));
        pending = [];
        pendingLength = 0;
      }
    }
    if (pending.length) bytes += await appendText(handle, pending.join(''));
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return bytes;
}
