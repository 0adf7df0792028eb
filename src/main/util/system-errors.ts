import { AppError } from '@shared/errors';

/**
 * Turns the low-level failures that reach a handler (SQLite result codes, Node errno
 * codes) into typed errors a person can act on, instead of a bare INTERNAL.
 */
export function fromSystemError(error: unknown): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  const known = SQLITE[code.replace(/_[A-Z]+$/, '')] ?? SQLITE[code] ?? ERRNO[code];
  return known ? new AppError(known[0], `${known[1]} (${error.message})`, { cause: error }) : error;
}

type Known = readonly [AppError['code'], string];

const DISK_FULL: Known = ['DISK_FULL', 'The disk is full: the change was not saved; free some space and try again'];
const READ_ONLY: Known = ['WORKSPACE_READONLY', 'The file or folder is read-only: the change was not saved'];

// Keys are primary result codes; extended ones (SQLITE_IOERR_WRITE) are reduced to them.
const SQLITE: Record<string, Known> = {
  SQLITE_FULL: DISK_FULL,
  SQLITE_READONLY: READ_ONLY,
  SQLITE_IOERR: ['IO_ERROR', 'The workspace could not be written (disk error or full disk): the change was not saved'],
  // Another connection holds the write lock past busy_timeout: transient, so BUSY (retry shortly).
  SQLITE_BUSY: ['BUSY', 'The workspace is busy in another process: the change was not saved yet; it can be retried'],
  SQLITE_LOCKED: ['BUSY', 'The workspace is busy: the change was not saved yet; it can be retried'],
  SQLITE_CORRUPT: ['WORKSPACE_INVALID', 'The workspace file is damaged; restore it from a backup'],
  SQLITE_NOTADB: ['WORKSPACE_INVALID', 'The file is not a workspace'],
  SQLITE_CANTOPEN: ['WORKSPACE_INVALID', 'The workspace file cannot be opened (moved or deleted?)'],
};

const ERRNO: Record<string, Known> = {
  ENOSPC: DISK_FULL,
  EFBIG: ['DISK_FULL', 'The file grew beyond the size this system allows: nothing was saved'],
  EDQUOT: ['DISK_FULL', 'The disk quota is exhausted: nothing was saved'],
  EIO: ['IO_ERROR', 'The disk reported an input/output error: nothing was saved'],
  EROFS: READ_ONLY,
  EACCES: ['FORBIDDEN', 'Permission denied'],
  EPERM: ['FORBIDDEN', 'Operation not permitted'],
};

type WriteReason = readonly [AppError['code'], string];

// Why a file or folder could not be written, in words, by errno code.
const WRITE_REASONS: Record<string, WriteReason> = {
  EROFS: ['WORKSPACE_READONLY', 'it is on a read-only file system'],
  ENOSPC: ['DISK_FULL', 'the disk is full (no space left)'],
  EDQUOT: ['DISK_FULL', 'the disk quota is exhausted'],
  EFBIG: ['DISK_FULL', 'the file would grow beyond the size this system allows'],
  EACCES: ['FORBIDDEN', 'permission denied'],
  EPERM: ['FORBIDDEN', 'permission denied (operation not permitted)'],
  EIO: ['IO_ERROR', 'the disk reported an input/output error'],
  ENOENT: ['IO_ERROR', 'a folder on the way does not exist (moved or deleted?)'],
  ENOTDIR: ['EXPORT_PATH_UNSAFE', 'a part of the path is a file, not a folder'],
  EISDIR: ['EXPORT_PATH_UNSAFE', 'it is a folder'],
  ENAMETOOLONG: ['INVALID_INPUT', 'the name is too long for this file system'],
  EEXIST: ['EXPORT_TARGET_EXISTS', 'it already exists'],
  EMFILE: ['IO_ERROR', 'too many files are open'],
};

/**
 * A failed write as a typed error naming the path and the reason (read-only file system,
 * full disk, permission …) instead of a bare errno text. AppErrors pass through.
 */
export function fromWriteError(error: unknown, path: string, action = 'write'): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  const [appCode, reason] = WRITE_REASONS[code] ?? ['IO_ERROR', error.message];
  return new AppError(appCode, `Cannot ${action} ${path}: ${reason} (${code}); nothing was saved there.`, { cause: error });
}
