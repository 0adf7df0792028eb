/**
 * Media calls: `media.open {path}` → {clipId, info} (the media issue). Frames then load
 * by URL from the frame route; the renderer needs only the fields below of MediaInfo.
 */
import { frameUrl, type FrameFormat } from '@shared/frames';
import { callChannel } from './backend';

export interface ClipMediaInfo {
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly kind: 'video' | 'sequence';
  readonly path: string;
}

export interface OpenedMedia {
  readonly clipId: string;
  readonly info: ClipMediaInfo;
}

/** JPEG keeps uncached frames fast; the difference image tolerates its small error. */
export const FRAME_FORMAT: FrameFormat = 'jpg';

export const mediaApi = {
  open: (path: string) => callChannel<OpenedMedia>('media.open', { path }),
  frameUrl: (clipId: string, index: number, width?: number) => frameUrl({ clipId, index, format: FRAME_FORMAT, width }),
};
