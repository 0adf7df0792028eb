import { join } from 'node:path';
import sharp from 'sharp';
import { stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import { listFrameFiles } from '../../media/sequence';
import type { ClipProber } from './plan';

/**
 * Stand-in prober for frame folders until the media layer's probeMedia is wired: counts
 * the image files and reads the first one's size. Videos need the media layer.
 */
export function folderProber(defaultFps: number): ClipProber {
  return async (clipPath, fps = defaultFps) => {
    if (!(await stat(clipPath)).isDirectory()) {
      throw new AppError('MEDIA_UNREADABLE', `${clipPath} is a video file; probing videos needs the media layer`);
    }
    const files = await listFrameFiles(clipPath);
    const first = files[0];
    if (!first) throw new AppError('MEDIA_UNREADABLE', `${clipPath} contains no image frames`);
    const { width, height } = await sharp(join(clipPath, first)).metadata();
    if (!width || !height) throw new AppError('MEDIA_UNREADABLE', `Cannot read the size of ${first}`);
    return { frames: files.length, fps, width, height, kind: 'sequence' };
  };
}
