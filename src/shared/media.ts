import { z } from 'zod';

/**
 * What the media layer knows about a clip: a video file or a folder of numbered frames.
 * `width`/`height` are the size of the frames `read()` returns, i.e. after rotation
 * metadata is applied. `frames` is exact (counted, not estimated from duration).
 */
export const MediaInfoSchema = z.object({
  kind: z.enum(['video', 'sequence']),
  path: z.string(),
  frames: z.number().int().min(0),
  fps: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  durationSec: z.number().min(0),
  /** ffmpeg codec name for videos; the file type (jpeg, png, bmp) for sequences. */
  codec: z.string(),
  /** Clockwise display rotation from container metadata, already applied to frames. */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  /** Variable frame rate: frame times are not evenly spaced (frame index is still exact). */
  vfr: z.boolean(),
  pixelFormat: z.string(),
  gray: z.boolean(),
  /** Image sequences only: how files map to frame indices, and which are missing. */
  sequence: z
    .object({
      /** e.g. "img{n}.jpg" or "006_{n:05}.jpg"; null when files are not numbered consistently. */
      pattern: z.string().nullable(),
      /** Number in the first file's name (frame index 0); null when not numbered. */
      firstNumber: z.number().int().nullable(),
      /** 0-based indices whose file is absent (a gap in the numbering); reading them fails. */
      missing: z.array(z.number().int().min(0)),
      /** Sequences carry no frame rate: true when fps is the default, not given by the caller. */
      fpsAssumed: z.boolean(),
    })
    .nullable(),
});
export type MediaInfo = z.infer<typeof MediaInfoSchema>;

/** Frame rate assumed for image sequences when the caller gives none (CASME II / SAMM record at 200). */
export const DEFAULT_SEQUENCE_FPS = 30;
