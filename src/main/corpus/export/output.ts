import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { writeFileAtomic } from '../../util/atomic-write';
import { checkTarget, ensureFolder } from '../../util/output-place';
import { isInside } from '../../util/roots';
import { fromWriteError } from '../../util/system-errors';
import { tempSiblingPath } from '../../util/temp-files';

const EXPORT_FILE_MODE = 0o644;

/**
 * Resolves `name` (a relative file name, subfolders allowed) inside the export folder.
 * Rejects absolute names, `..` segments, NUL bytes, anything whose existing parent or
 * target is a symlink leading out of the folder, folders on kernel pseudo file systems
 * and targets that are not regular files (FIFO, device …); refuses to replace an
 * existing file unless `force`. Folder and subfolders are created.
 */
export async function resolveOutputPath(folder: string, name: string, force = false): Promise<string> {
  const unsafe = (why: string) => new AppError('EXPORT_PATH_UNSAFE', `Export file “${name}” ${why}.`);
  if (!name || name.includes('\0')) throw unsafe('is not a valid file name');
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw unsafe('must be relative to the export folder');
  const segments = name.split(/[\\/]/);
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) throw unsafe('must not contain “..”, “.” or empty path segments');
  if (folder.includes('\0')) throw new AppError('EXPORT_PATH_UNSAFE', 'The export folder name contains a NUL byte.');
  const root = await ensureFolder(folder, `The export folder ${folder}`);
  const target = resolve(root, ...segments);
  if (!isInside(root, target)) throw unsafe('leaves the export folder');
  // A symlinked subfolder is followed by ensureFolder: its real path must still be inside.
  if (!isInside(root, await ensureFolder(dirname(target), `The export folder ${folder}`))) throw unsafe('leads out of the export folder through a symlink');
  await checkTarget(target, { force, label: `Export file “${name}” in ${root}`, forceHint: 'choose another folder or allow overwriting' });
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
  const temp = tempSiblingPath(path);
  const handle = await open(temp, 'wx', EXPORT_FILE_MODE).catch((error: unknown) => {
    throw fromWriteError(error, path);
  });
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
    throw fromWriteError(error, path);
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw fromWriteError(error, path);
  }
  return bytes;
}
