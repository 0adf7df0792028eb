import { z } from 'zod';
import { channel } from './channel';

/** [x, y, width, height] in image pixels. */
export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const FaceQualitySchema = z.enum([
  /** Mesh ran on a face of usable size and FaceMesh confirmed a face. */
  'ok',
  /** The face is smaller than the mesh needs for reliable landmarks (box under ~48 px). */
  'small',
  /** FaceMesh's presence score is low (profile, occlusion, or a false detection). */
  'low-presence',
]);

export const DetectedFaceSchema = z.object({
  box: BoxSchema,
  /** Detector confidence in [0, 1]. */
  score: z.number(),
  /** FaceMesh face-presence probability in [0, 1]. */
  presence: z.number(),
  quality: FaceQualitySchema,
  /** 468 FaceMesh landmarks [x, y, z] in image pixels. */
  landmarks: z.array(z.tuple([z.number(), z.number(), z.number()])),
  /** The 29 MELLM ROIs (empty unless quality is "ok"). */
  rois: z.array(z.object({ region: z.string(), box: BoxSchema })),
});
export type DetectedFace = z.infer<typeof DetectedFaceSchema>;

export const FaceDetectResultSchema = z.object({
  status: z.enum(['ok', 'no-face', 'multiple-faces']),
  width: z.number().int(),
  height: z.number().int(),
  /** 0-based frame the faces were found on. */
  frame: z.number().int().min(0),
  /** Every face found, strongest first; the annotator picks one. */
  faces: z.array(DetectedFaceSchema),
});
export type FaceDetectResult = z.infer<typeof FaceDetectResultSchema>;

export const faceChannels = {
  'face.detect': channel(
    z.object({ path: z.string().min(1), frame: z.number().int().min(0).optional() }),
    FaceDetectResultSchema,
  ),
} as const;
