import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, sep } from 'node:path';
import type { FileFilter, FolderEntry, FolderListing } from '@shared/api';
import type { Settings } from '@shared/api';
import { AppError } from '@shared/errors';
import { realRoots, resolveInsideRoots } from '../util/roots';

/** The most entries one listing reads: a folder of 10⁶ frames answers at once, marked truncated. */
export const MAX_LISTED_ENTRIES = 2000;
/** Symbolic links are stat'ed to tell folders from files; at most this many per listing. */
const MAX_LINK_STATS = 200;

/** The folders the file browser and pickers may show: the configured ones, else the home folder. */
export function browseRoots(settings: Pick<Settings, 'browseRoots'>): string[] {
  return settings.browseRoots.length ? [...settings.browseRoots] : [homedir()];
}

function matches(name: string, filters: readonly FileFilter[] | undefined): boolean {
  if (!filters?.length) return true;
  const extension = extname(name).slice(1).toLowerCase();
  return filters.some((filter) => filter.extensions.some((e) => e.toLowerCase() === extension));
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

async function entryKind(entry: Dirent, folder: string, linkBudget: { left: number }): Promise<'folder' | 'file' | null> {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink() || linkBudget.left-- <= 0) return null;
  const target = await stat(join(folder, entry.name)).catch(() => null);
  return target?.isDirectory() ? 'folder' : target?.isFile() ? 'file' : null;
}

/**
 * Lists one folder inside the roots (see resolveInsideRoots: `..` refused, symbolic
 * links followed before the check), or the roots themselves when `path` is null.
 * Hidden entries, sockets, FIFOs and devices are left out; at most MAX_LISTED_ENTRIES
 * are read, folders first, in natural order. Entries keep the listed folder's real path,
 * so a link inside the folder is checked again when it is opened.
 */
export async function listFolder(path: string | null | undefined, roots: readonly string[], filters?: readonly FileFilter[]): Promise<FolderListing> {
  const separator = sep === '\\' ? '\\' : '/';
  const allowed = await realRoots(roots);
  if (!path) {
    const entries = allowed.map((root) => ({ name: root, path: root, kind: 'folder' as const }));
    return { path: null, parent: null, separator, entries, truncated: false, roots: allowed };
  }
  const { real, root } = await resolveInsideRoots(path, roots);
  if (!(await stat(real)).isDirectory()) throw new AppError('INVALID_INPUT', `${real} is a file, not a folder.`);
  const dir = await opendir(real, { bufferSize: 64 }).catch((error: NodeJS.ErrnoException) => {
    throw new AppError(error.code === 'EACCES' || error.code === 'EPERM' ? 'FORBIDDEN' : 'IO_ERROR', `${real} cannot be listed: ${error.message}`, { cause: error });
  });
  const entries: FolderEntry[] = [];
  const linkBudget = { left: MAX_LINK_STATS };
  let seen = 0;
  let truncated = false;
  try {
    for await (const entry of dir) {
      if (++seen > MAX_LISTED_ENTRIES) {
        truncated = true;
        break;
      }
      if (entry.name.startsWith('.')) continue;
      const kind = await entryKind(entry, real, linkBudget);
      if (!kind || (kind === 'file' && !matches(entry.name, filters))) continue;
      entries.push({ name: entry.name, path: join(real, entry.name), kind });
    }
  } finally {
    // Breaking out of the iterator closes the handle; closing twice only rejects.
    await dir.close().catch(() => undefined);
  }
  entries.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'folder' ? -1 : 1));
  return { path: real, parent: real === root ? null : dirname(real), separator, entries, truncated, roots: allowed };
}
