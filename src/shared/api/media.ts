import { z } from 'zod';
import { MediaInfoSchema } from '../media';
import { channel } from './channel';

const MediaPathInput = z
  .object({
    path: z.string().min(1).max(4096),
    /** Frame rate for an image sequence (they carry none). */
    fps: z.number().positive().max(10_000).optional(),
  })
  .strict();

export const ClipIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const mediaChannels = {
  'media.probe': channel(MediaPathInput, MediaInfoSchema),
  'media.open': channel(MediaPathInput, z.object({ clipId: ClipIdSchema, info: MediaInfoSchema })),
};
