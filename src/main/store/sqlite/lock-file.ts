import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Small files created exclusively and read without ever following a symbolic link: the
 * primitives of the workspace lock. A lock lives beside the workspace, often in a folder
 * others can write to, so a link planted at any name we use must neither be written
 * through nor read through.
 */

/** Temporary files and takeover claims beside a lock start with this. */
export const LOCK_FILE_PREFIX = '.mellm-';

const CREATE = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;
// O_NONBLOCK: opening a FIFO planted at the name must not wait for a writer.
const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const MAX_READ = 4096;

/** A file as read: its text, and a key that names this very file (content and identity). */
export interface SeenFile {
  readonly raw: string;
  /** Differs for any other file later found at the same name, even with the same content. */
  readonly key: string;
  /** Last change, ms since the epoch. */
  readonly mtimeMs: number;
}

function keyOf(raw: string, stat: { dev: bigint; ino: bigint; ctimeNs: bigint; mtimeNs: bigint }): string {
  return createHash('sha256').update(`${raw}\0${stat.dev}:${stat.ino}:${stat.ctimeNs}:${stat.mtimeNs}`).digest('hex').slice(0, 32);
}

function writeNew(path: string, content: string): void {
  const fd = openSync(path, CREATE, 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** A fresh name in the folder of `path` that nothing else uses (random, so not guessable). */
function siblingName(path: string, tag: string): string {
  return join(dirname(path), `${LOCK_FILE_PREFIX}${tag}-${randomBytes(12).toString('hex')}`);
}

/**
 * Creates `path` holding `content`; false when something (a file, a link, a folder)
 * already has that name. The content is written to a private temporary file first and
 * hard-linked into place, so no reader ever sees it half-written. Where the file system
 * has no hard links (FAT, exFAT) it is created in place instead.
 */
export function createExclusive(path: string, content: string): boolean {
  const temp = siblingName(path, 'lock');
  writeNew(temp, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    unlinkSync(temp);
  }
  try {
    writeNew(path, content);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Reads a small file without following a link; null when nothing has that name. A link,
 * a folder, a FIFO or a device reads as empty text (never a lock we wrote).
 */
export function readExclusive(path: string): SeenFile | null {
  let fd: number;
  try {
    fd = openSync(path, READ);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code !== 'ELOOP' && code !== 'EISDIR' && code !== 'ENXIO') throw error;
    try {
      const stat = lstatSync(path, { bigint: true });
      return { raw: '', key: keyOf('', stat), mtimeMs: Number(stat.mtimeMs) };
    } catch {
      return null;
    }
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    let raw = '';
    if (stat.isFile()) {
      const buffer = Buffer.alloc(MAX_READ);
      const read = readSync(fd, buffer, 0, MAX_READ, 0);
      raw = buffer.toString('utf8', 0, read);
    }
    return { raw, key: keyOf(raw, stat), mtimeMs: Number(stat.mtimeMs) };
  } finally {
    closeSync(fd);
  }
}

/** Removes `path` if it is there. */
export function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
