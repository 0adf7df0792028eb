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

/** A clip's display proxy (long videos): its build is a `media.proxy` job with progress events. */
export const ProxyStatusSchema = z.object({
  state: z.enum(['none', 'loading', 'building', 'ready', 'failed']),
  /** The build job (jobs.cancel stops it); null when none was started. */
  jobId: z.string().nullable(),
  /** Proxy frame size once ready. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  /** Why there is no proxy (cancelled, too large for the cache, unreadable source). */
  error: z.string().nullable(),
});
export type ProxyStatus = z.infer<typeof ProxyStatusSchema>;

export const mediaChannels = {
  'media.probe': channel(MediaPathInput, MediaInfoSchema),
  /**
   * Opens media for frames. With `storedClip` (a workspace clip's id) main opens that
   * clip where this workstation keeps it (its media root, see shared/media-roots.ts) and
   * refuses a local copy that is not the workspace's media; `path` is then only a hint.
   */
  'media.open': channel(MediaPathInput.extend({ storedClip: z.number().int().positive().optional() }).strict(), z.object({ clipId: ClipIdSchema, info: MediaInfoSchema })),
  'media.proxy': channel(z.object({ clipId: ClipIdSchema }).strict(), ProxyStatusSchema),
};
