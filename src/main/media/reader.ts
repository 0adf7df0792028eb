import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import type { FrameSequence, RgbImage } from './image';

/** A clip's frames by exact 0-based index; close() releases decoder processes. */
export interface FrameReader extends FrameSequence {
  readonly info: MediaInfo;
  read(index: number): Promise<RgbImage>;
  close(): void;
}

/** Decoding larger frames is refused rather than risking the process's memory (8192² RGB = 192 MiB). */
export const MAX_FRAME_PIXELS = 8192 * 8192;

export function checkIndex(info: MediaInfo, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= info.frames) {
    throw new AppError('NOT_FOUND', `Frame ${index} does not exist: ${info.path} has frames 0-${info.frames - 1}`);
  }
}

export function checkFrameSize(info: MediaInfo, maxPixels: number): void {
  if (info.width * info.height > maxPixels) {
    throw new AppError(
      'MEDIA_UNREADABLE',
      `Frames of ${info.path} are ${info.width}×${info.height}, larger than the ${maxPixels.toLocaleString('en')}-pixel limit for decoding`,
    );
  }
}
