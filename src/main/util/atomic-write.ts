import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureFolder } from './output-place';
import { fromWriteError } from './system-errors';
import { tempSiblingPath } from './temp-files';

/**
 * Writes a file so that readers see either the old or the new content, never half of
 * it: write to a sibling temp file, fsync, then rename over the target. The folder is
 * created when missing; a failure names the path and the reason and leaves no temp file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await ensureFolder(dirname(path));
  const temp = tempSiblingPath(path);
  const handle = await open(temp, 'wx', mode).catch((error: unknown) => {
    throw fromWriteError(error, path);
  });
  try {
    await handle.writeFile(data);
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
}
