import { readdir } from 'node:fs/promises';
import { extname, parse } from 'node:path';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp']);
const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Image files of a frame folder in natural order (img2 before img10): position = index. */
export async function sequenceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort(natural.compare);
}

/**
 * Maps a dataset's frame numbers (the number in `img46.jpg`, `006_05562.jpg`) to 0-based
 * positions in the natural-sorted folder.
 */
export function frameNumberIndex(files: readonly string[]): Map<number, number> {
  const index = new Map<number, number>();
  files.forEach((name, position) => {
    const match = /(\d+)(?!.*\d)/.exec(parse(name).name);
    if (match && !index.has(Number(match[1]))) index.set(Number(match[1]), position);
  });
  return index;
}
