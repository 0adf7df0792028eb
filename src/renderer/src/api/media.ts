/**
 * Media calls: `media.open {path}` → {clipId, info} (the media issue). Frames then load
 * by URL from the frame route; the renderer needs only the fields below of MediaInfo.
 */
import { frameUrl, type FrameFormat } from '@shared/frames';
import { clipRefusals } from '../state/clip-refusal';
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
  /** `storedClip`: the workspace clip being opened (main finds it under this workstation's media roots). */
  open: async (path: string, storedClip?: number): Promise<OpenedMedia> => {
    const opening = clipRefusals().opening();
    const opened = await callChannel<OpenedMedia>('media.open', storedClip === undefined ? { path } : { path, storedClip });
    opening.answered(opened.clipId);
    return opened;
  },
  frameUrl: (clipId: string, index: number, width?: number) => frameUrl({ clipId, index, format: FRAME_FORMAT, width }),
};
