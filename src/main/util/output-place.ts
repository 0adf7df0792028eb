import type { Stats } from 'node:fs';
import { lstat, mkdir, realpath, stat, statfs } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AppError } from '@shared/errors';
import { fromWriteError } from './system-errors';

/**
 * Where output files may go. Kernel pseudo file systems (/proc, /sys, /dev …) are
 * refused before anything is created: writing there fails in odd ways or not at all
 * (Node's recursive mkdir spins forever under /proc), and a device is no place for an
 * export. /dev/shm is an ordinary tmpfs and stays allowed.
 */
const PSEUDO_ROOTS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];
const ALLOWED_UNDER_PSEUDO = ['/dev/shm'];

/** statfs f_type of Linux pseudo file systems (linux/magic.h), for mounts outside the usual places. */
const PSEUDO_TYPES: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x65735543, 'fusectl'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0x6e736673, 'nsfs'],
]);

const under = (path: string, root: string) => path === root || path.startsWith(`${root}${sep}`);

function pseudo(what: string, place: string): AppError {
  return new AppError('EXPORT_PATH_UNSAFE', `${what} is inside ${place}, a kernel pseudo file system where files cannot be saved; choose a folder on a disk.`);
}

/** Refuses `realPath` (an existing, fully resolved path) when it lies on a pseudo file system. */
async function refusePseudo(realPath: string, what: string): Promise<void> {
  if (!ALLOWED_UNDER_PSEUDO.some((root) => under(realPath, root))) {
    const root = PSEUDO_ROOTS.find((r) => under(realPath, r));
    if (root) throw pseudo(what, root);
  }
  if (process.platform !== 'linux') return;
  const info = await statfs(realPath).catch(() => null);
  const type = info ? PSEUDO_TYPES.get(Number(info.type)) : undefined;
  if (type) throw pseudo(what, `${realPath} (${type})`);
}

function notFolder(path: string): AppError {
  return new AppError('EXPORT_PATH_UNSAFE', `${path} is not a folder (a file of that name is in the way).`);
}

/**
 * Checks that `folder` can be a folder on a real file system without creating anything:
 * its nearest existing level must be a folder, not on a pseudo file system. Returns the
 * levels still missing, outermost first.
 */
export async function checkFolder(folder: string, what = `The folder ${folder}`): Promise<string[]> {
  if (folder.includes('\0')) throw new AppError('INVALID_INPUT', `${what} has a NUL byte in its name.`);
  const missing: string[] = [];
  let existing = resolve(folder);
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      if (error.code === 'ENOTDIR') throw notFolder(existing);
      throw fromWriteError(error, existing, 'reach');
    });
    if (info) {
      if (!info.isDirectory()) throw notFolder(existing);
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  await refusePseudo(await realpath(existing), what);
  return missing;
}

/**
 * Makes sure `folder` exists as a folder on a real file system (see checkFolder),
 * creating the missing levels one by one (bounded by the path's depth, unlike a recursive
 * mkdir), and returns its real path. Every failure names the folder and the reason.
 */
export async function ensureFolder(folder: string, what = `The folder ${folder}`): Promise<string> {
  for (const dir of await checkFolder(folder, what)) {
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir).catch(() => null))?.isDirectory()) continue;
      throw fromWriteError(error, dir, 'create the folder');
    }
  }
  return realpath(resolve(folder));
}

export interface TargetCheck {
  /** Replace an existing regular file (never anything else). */
  readonly force: boolean;
  /** How the file is named in messages (the export names it relative to its folder). */
  readonly label?: string;
  /** What to tell the user to allow overwriting. */
  readonly forceHint?: string;
}

const KIND = (info: Stats) =>
  info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSymbolicLink() ? 'a symlink' : 'not a file';

/**
 * The one overwrite rule for output files: an existing regular file is replaced only with
 * `force`; a folder, symlink, FIFO, socket or device is never written to, with or without it.
 */
export async function checkTarget(path: string, check: TargetCheck): Promise<void> {
  const label = check.label ?? path;
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw fromWriteError(error, path, 'reach');
  });
  if (!existing) return;
  if (existing.isDirectory()) throw new AppError('EXPORT_PATH_UNSAFE', `${label} is a folder, not a file; choose another name.`);
  if (!existing.isFile()) throw new AppError('EXPORT_PATH_UNSAFE', `${label} is ${KIND(existing)}, not a regular file; it is never written to.`);
  if (!check.force) throw new AppError('EXPORT_TARGET_EXISTS', `${label} already exists; ${check.forceHint ?? 'pass --force to overwrite it'}.`);
}

/**
 * An output file chosen by the user (CLI `--out` and the like), checked before any work
 * is done: its folder must be possible (see checkFolder; it is created when written) and
 * the file must pass the overwrite rule. Returns the absolute path to write.
 */
export async function checkOutputFile(path: string, check: TargetCheck): Promise<string> {
  const absolute = resolve(path);
  await checkFolder(dirname(absolute), `The folder of ${absolute}`);
  await checkTarget(absolute, { ...check, label: check.label ?? absolute });
  return absolute;
}
