import { basename } from 'node:path';
import { layoutSequence, listFrameFiles } from '../../media/sequence';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp']);

/** A frame folder's 0-based positions, exactly as the media reader indexes it. */
export interface FrameIndex {
  /** Positions in the clip, gaps included. */
  readonly frames: number;
  /** A dataset frame number's position; `gap` where the folder lacks that frame; null outside the clip. */
  position(datasetFrame: number): number | 'gap' | null;
  /** A frame file's position; null when the folder has no such file. */
  positionOf(file: string): number | null;
}

const fold = (name: string) => name.normalize('NFC').toLowerCase();

/**
 * Indexes a frame folder with the media layer's own rule (`layoutSequence`): files named
 * <prefix><number><ext> alike (img46.jpg…, 006_05562.jpg…, 355.jpg…) are numbered by
 * that number from the lowest, a missing number keeping its position as a gap; other
 * folders are read in natural order, a file's last number naming its frame.
 */
export async function frameIndex(folder: string): Promise<FrameIndex> {
  const names = await listFrameFiles(folder);
  const layout = layoutSequence(folder, names);
  const byName = new Map<string, number>();
  const byFolded = new Map<string, number | null>();
  layout.files.forEach((file, position) => {
    if (file === null) return;
    const name = basename(file);
    byName.set(name, position);
    byFolded.set(fold(name), byFolded.has(fold(name)) ? null : position);
  });
  const positionOf = (file: string) => byName.get(file) ?? byFolded.get(fold(file)) ?? null;
  const first = layout.firstNumber;
  if (first !== null) {
    return {
      frames: layout.files.length,
      position: (n) => (n < first || n - first >= layout.files.length ? null : layout.files[n - first] === null ? 'gap' : n - first),
      positionOf,
    };
  }
  const byNumber = new Map<number, number>();
  names.forEach((name, position) => {
    const match = /(\d+)(?!.*\d)/.exec(name.replace(/\.[^.]+$/, ''));
    if (match && !byNumber.has(Number(match[1]))) byNumber.set(Number(match[1]), position);
  });
  return { frames: layout.files.length, position: (n) => byNumber.get(n) ?? null, positionOf };
}
