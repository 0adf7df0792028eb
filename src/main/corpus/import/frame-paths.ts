import { extname } from 'node:path';
import { IMAGE_EXTENSIONS } from './frame-numbers';

/** Where a frame path written in a sheet may point under the media root. */
export interface FramePath {
  /** Candidate clip folders relative to the media root, longest first. */
  readonly folders: readonly (readonly string[])[];
  /** The frame file's name. */
  readonly file: string;
}

const MAX_SEGMENTS = 64;

/**
 * Reads a frame path as composite lists write it: relative to their media folder
 * (`casme2/sub01/EP02_01f/img46.jpg`) or absolute on the machine that made the list
 * (`/home/…/SMIC_HS_E/s01/s1_ne_01/image017581.jpg`, `D:\\data\\…`). Every trailing part
 * of its folder is a candidate under the media root, longest first, so the clip is
 * found wherever the list's own root was. A `..` part is refused: it could only lead
 * outside the media root.
 */
export function readFramePath(text: string): FramePath | { error: string } {
  const parts = text
    .trim()
    .split(/[\\/]+/)
    .filter((part, i) => part !== '' && part !== '.' && !(i === 0 && /^[A-Za-z]:$/.test(part)));
  if (parts.length === 0) return { error: 'the frame path is empty' };
  if (parts.length > MAX_SEGMENTS) return { error: `the frame path has more than ${MAX_SEGMENTS} parts` };
  if (parts.includes('..') || parts.some((p) => p.includes('\0'))) return { error: `'${text}' climbs out of its folder ('..'): refusing to look outside the media root` };
  const file = parts[parts.length - 1] as string;
  if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) return { error: `'${file}' is not an image file (${[...IMAGE_EXTENSIONS].join(', ')})` };
  const folder = parts.slice(0, -1);
  if (folder.length === 0) return { error: `'${text}' names no clip folder, only a file` };
  return { folders: folder.map((_, i) => folder.slice(i)), file };
}
