import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { probeVideo, type VideoTiming } from './probe-video';
import { probeSequence, type SequenceLayout } from './sequence';

export interface ProbeOptions {
  /** Frame rate of an image sequence (they carry none); ignored for videos. */
  readonly fps?: number;
}

/** MediaInfo plus what a reader needs to open the clip. */
export type ProbedMedia =
  | (MediaInfo & { kind: 'video'; timing: VideoTiming })
  | (MediaInfo & { kind: 'sequence'; layout: SequenceLayout });

/** Checks that `path` is absolute and names an existing regular file or folder. */
export async function checkMediaPath(path: string): Promise<'file' | 'folder'> {
  if (!isAbsolute(path)) throw new AppError('INVALID_INPUT', `Media path must be absolute: ${path}`);
  if (path.includes('\0')) throw new AppError('INVALID_INPUT', 'Media path contains a NUL character');
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new AppError('NOT_FOUND', `No such file or folder: ${path}`, { cause: error });
  }
  if (info.isDirectory()) return 'folder';
  if (!info.isFile()) throw new AppError('INVALID_INPUT', `Not a regular file or folder: ${path}`);
  if (info.size === 0) throw new AppError('MEDIA_UNREADABLE', `Cannot read video ${path}: the file is empty`);
  return 'file';
}

/**
 * Probes a clip with its reader's extras; `probeMedia` is the public, serialisable view.
 * `verify: false` leaves a video's decode checks to the caller (see `probeVideo`).
 */
export async function probeClip(path: string, options: ProbeOptions = {}, verify = true): Promise<ProbedMedia> {
  const kind = await checkMediaPath(path);
  if (kind === 'folder') return { ...(await probeSequence(path, options.fps)), kind: 'sequence' };
  return { ...(await probeVideo(path, { verify })), kind: 'video' };
}

/** Format, exact frame count, rate, size, rotation and VFR of a video file or frame folder. */
export async function probeMedia(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  return toMediaInfo(await probeClip(path, options));
}

export function toMediaInfo(probed: ProbedMedia): MediaInfo {
  const { kind, path, frames, fps, width, height, durationSec, codec, rotation, vfr, pixelFormat, gray, sequence } = probed;
  return { kind, path, frames, fps, width, height, durationSec, codec, rotation, vfr, pixelFormat, gray, sequence };
}
