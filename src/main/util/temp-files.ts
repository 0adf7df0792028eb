import { createHash, randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isPidRunning } from './process-identity';

/**
 * Sibling temp files for atomic writes, named after the process that writes them
 * (`.<name>.<host>-<pid>.<random>.tmp`), so a later writer can tell the leftovers of a
 * killed process from the files of one still writing and remove only the former.
 */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const OURS = /^\..+\.([0-9a-f]{8})-(\d+)\.[0-9a-f]{12}\.tmp$/;
/** Temp files of versions that did not name their writer: removed once clearly abandoned. */
const UNNAMED = /^\..+\.[0-9a-f]{12}\.tmp$/;
const UNNAMED_STALE_MS = 60 * 60 * 1000;

export function tempSiblingPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${HOST}-${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}


/**
 * Removes temp files in `dir` left by writers that are gone: this host's whose process no
 * longer runs, and unnamed ones untouched for an hour. Another host's are left alone (its
 * process may be running); so is anything that is not a regular file. Never throws.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const ours = OURS.exec(name);
    if (!ours && !UNNAMED.test(name)) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) continue;
    const stale = ours ? ours[1] === HOST && Number(ours[2]) !== process.pid && !isPidRunning(Number(ours[2])) : now - info.mtimeMs > UNNAMED_STALE_MS;
    if (stale && (await rm(path, { force: true }).then(() => true, () => false))) removed.push(path);
  }
  return removed;
}
