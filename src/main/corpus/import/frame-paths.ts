import { extname } from 'node:path';
import type { ImportText } from '@shared/import-messages';
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
export function readFramePath(text: string): FramePath | { error: ImportText } {
  const parts = text
    .trim()
    .split(/[\\/]+/)
    .filter((part, i) => part !== '' && part !== '.' && !(i === 0 && /^[A-Za-z]:$/.test(part)));
  if (parts.length === 0) return { error: { key: 'framePathEmpty', params: {} } };
  if (parts.length > MAX_SEGMENTS) return { error: { key: 'framePathTooDeep', params: { max: MAX_SEGMENTS } } };
  if (parts.includes('..') || parts.some((p) => p.includes('\0'))) return { error: { key: 'framePathClimbs', params: { text } } };
  const file = parts[parts.length - 1] as string;
  if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) return { error: { key: 'framePathNotImage', params: { file, extensions: [...IMAGE_EXTENSIONS].join(', ') } } };
  const folder = parts.slice(0, -1);
  if (folder.length === 0) return { error: { key: 'framePathNoFolder', params: { text } } };
  return { folders: folder.map((_, i) => folder.slice(i)), file };
}
