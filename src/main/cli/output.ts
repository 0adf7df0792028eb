import { checkOutputFile } from '../util/output-place';

/**
 * The one overwrite rule of every `mellm` output file (--out, --vis, --quiver, --overlay,
 * --csv): an existing file is replaced only with --force, a folder, FIFO, socket, device
 * or symlink never, and nothing goes to a kernel pseudo file system. Checked before the
 * command does its work; returns the absolute path, or undefined when the option is unset.
 */
export async function outputFile(path: string | undefined, force: boolean): Promise<string | undefined> {
  return path === undefined ? undefined : checkOutputFile(path, { force, forceHint: 'pass --force to overwrite it' });
}
