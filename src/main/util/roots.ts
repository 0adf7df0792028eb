import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '@shared/errors';

/**
 * The allowed-roots rule: a path given from outside (a page, a dialog, a file in a
 * folder received from elsewhere) is used only when its real location, every symbolic
 * link followed, lies inside one of the allowed folders. Lexical checks alone are not
 * enough: `root/link` may point anywhere.
 */

/** Whether `path` is `root` or lies below it; both absolute and already resolved. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A path checked against the roots: its real location and the root that holds it. */
export interface RootedPath {
  readonly real: string;
  readonly root: string;
}

function refuse(code: 'INVALID_INPUT' | 'FORBIDDEN' | 'NOT_FOUND', message: string, cause?: unknown): AppError {
  return new AppError(code, message, cause === undefined ? undefined : { cause });
}

/** The input as given, refused before any file system access when it cannot be one plain absolute path. */
function plainAbsolute(path: string): string {
  if (!path || path.includes('\0')) throw refuse('INVALID_INPUT', 'The path is empty or has a NUL byte.');
  if (path.length > 4096) throw refuse('INVALID_INPUT', 'The path is longer than 4096 characters.');
  if (path.split(/[\\/]/).includes('..')) throw refuse('FORBIDDEN', `${path} contains “..”; give the folder itself.`);
  if (!isAbsolute(path)) throw refuse('INVALID_INPUT', `${path} is not an absolute path.`);
  return resolve(path);
}

/** The real paths of the roots that exist (a configured root that is gone is skipped). */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const found = await Promise.all(roots.map((root) => (isAbsolute(root) ? realpath(root).catch(() => null) : null)));
  return [...new Set(found.filter((root): root is string => root !== null))];
}

function outside(path: string, real: string, roots: readonly string[]): AppError {
  const via = real === path ? '' : ` (it resolves to ${real})`;
  const list = roots.length ? roots.join(', ') : 'none configured';
  return refuse('FORBIDDEN', `${path} is outside the folders the app may browse${via}; allowed: ${list}.`);
}

/**
 * Resolves an existing `path` (symbolic links followed) and checks it lies inside one
 * of `roots`. Refuses `..` segments, relative paths and NUL bytes as INVALID_INPUT or
 * FORBIDDEN, a missing path as NOT_FOUND, a real location outside every root as
 * FORBIDDEN. A hard link inside a root is a name inside it and passes.
 */
export async function resolveInsideRoots(path: string, roots: readonly string[]): Promise<RootedPath> {
  const absolute = plainAbsolute(path);
  const real = await realpath(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw refuse('NOT_FOUND', `${absolute} does not exist.`, error);
    if (error.code === 'ELOOP') throw refuse('INVALID_INPUT', `${absolute} is a symbolic link loop.`, error);
    if (error.code === 'EACCES' || error.code === 'EPERM') throw refuse('FORBIDDEN', `${absolute} cannot be reached (permission denied).`, error);
    throw error;
  });
  const allowed = await realRoots(roots);
  const root = allowed.find((candidate) => isInside(candidate, real));
  if (!root) throw outside(absolute, real, allowed);
  return { real, root };
}

/**
 * A file to be written (save dialogs): its folder must exist inside a root (see
 * resolveInsideRoots), its name must be a plain name, and an existing entry of that
 * name must itself resolve inside a root. Returns the path to write.
 */
export async function resolveSaveTarget(path: string, roots: readonly string[]): Promise<RootedPath> {
  const absolute = plainAbsolute(path);
  const name = basename(absolute);
  if (!name || name === '.') throw refuse('INVALID_INPUT', `${path} does not name a file.`);
  const folder = await resolveInsideRoots(dirname(absolute), roots);
  const target = join(folder.real, name);
  const existing = await lstat(target).catch(() => null);
  if (existing) return resolveInsideRoots(target, roots);
  return { real: target, root: folder.root };
}
