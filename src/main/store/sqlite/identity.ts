import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '@shared/errors';

/**
 * A workspace is its file, not one of its names. SQLite names its journal after the name
 * a database is opened by (`<name>-wal`; symbolic links are resolved first, hard links
 * cannot be), so one file opened under two hard-linked names gets two journals and the
 * changes kept in one are lost to the other: the lock, the journal and every check here
 * go through the file's one real name.
 */
export interface WorkspaceFile {
  /** The path as given, resolved (what the user sees). */
  readonly path: string;
  /** The path with every symbolic link resolved: the one name the lock and SQLite use. */
  readonly realPath: string;
  readonly dev: number;
  readonly ino: number;
}

/** Longest journal suffix SQLite adds to a name (`-journal`); `-wal`, `-shm` and `-lock` are shorter. */
const LONGEST_SIDECAR = '-journal';
/** The longest file name (bytes) of the usual file systems (ext4, XFS, Btrfs, APFS, NTFS, tmpfs). */
const NAME_MAX = 255;
export const MAX_WORKSPACE_NAME_BYTES = NAME_MAX - LONGEST_SIDECAR.length;

/** Refuses a name whose journal could not be created beside it, before anything is written. */
export function assertNameFits(path: string): void {
  const bytes = Buffer.byteLength(basename(path));
  if (bytes > MAX_WORKSPACE_NAME_BYTES) {
    throw new AppError(
      'INVALID_INPUT',
      `${basename(path).slice(0, 40)}…: the name is too long (${bytes} bytes); a workspace name may have at most ${MAX_WORKSPACE_NAME_BYTES} bytes, so that SQLite's journal fits beside it`,
    );
  }
}

/** The file behind `path` (an existing regular file), refused when it has more than one name. */
export function workspaceFile(path: string): WorkspaceFile {
  let realPath: string;
  let stat: Stats;
  try {
    realPath = realpathSync(path);
    stat = statSync(realPath);
  } catch (error) {
    throw new AppError('NOT_FOUND', `No workspace file at ${path}`, { cause: error });
  }
  assertNameFits(realPath);
  if (stat.nlink > 1) {
    throw new AppError(
      'WORKSPACE_LOCKED',
      `${path} is one of ${stat.nlink} names (hard links) of one file. SQLite keeps unsaved changes in a journal named after the name a workspace is opened by, so one opened under two names can lose work, and the lock cannot tell the names apart. Give it one name: delete the other names, or copy the file to a new name and open the copy`,
    );
  }
  return { path, realPath, dev: stat.dev, ino: stat.ino };
}

/** Whether `file` is still the file found at its real name. */
export function isSameFile(file: WorkspaceFile): boolean {
  try {
    const stat = statSync(file.realPath);
    return stat.dev === file.dev && stat.ino === file.ino;
  } catch {
    return false;
  }
}
