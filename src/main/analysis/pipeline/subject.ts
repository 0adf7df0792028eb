import { AppError } from '@shared/errors';
import { detectFaces, type FaceModels } from '../../inference/face/analyze';
import { landmarkBox, windowFromDetection, windowFromLandmarks } from '../../inference/face/facemesh';
import type { Point3 } from '../../inference/face/types';
import type { RgbImage } from '../../media/image';
import { counted } from '@shared/count';

/**
 * The subject of a clip: the faces on its reference frame ordered largest first (the
 * person being recorded fills the frame; bystanders are smaller), and the one chosen by
 * `faceIndex`. The choice is stored with the clip so every later run picks the same face.
 */
export interface SubjectFace {
  readonly faceIndex: number;
  readonly faceCount: number;
  readonly score: number;
  readonly box: readonly [number, number, number, number];
  readonly landmarks: readonly Point3[];
}

const PRESENCE_MIN = 0.5;

export async function findSubject(models: FaceModels, image: RgbImage, faceIndex = 0): Promise<SubjectFace> {
  const detections = await detectFaces(models, image);
  const ordered = [...detections].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  if (ordered.length === 0) throw new AppError('NO_FACE', 'No face was found on the clip\'s reference frame.');
  const chosen = ordered[faceIndex];
  if (!chosen) throw new AppError('INVALID_INPUT', `Face ${faceIndex} was chosen but the reference frame shows ${counted(ordered.length, 'face')}.`);
  const mesh = await models.mesh.run(image, windowFromDetection(chosen));
  if (mesh.presence < PRESENCE_MIN) throw new AppError('NO_FACE', `The chosen face is not clear enough for landmarks (presence ${mesh.presence.toFixed(2)}).`);
  return { faceIndex, faceCount: ordered.length, score: chosen.score, box: landmarkBox(mesh.landmarks), landmarks: mesh.landmarks };
}

/** Landmarks of the same face on another frame, tracked from known landmarks (FaceMesh only). */
export async function followSubject(models: FaceModels, image: RgbImage, from: readonly Point3[]): Promise<readonly Point3[]> {
  const mesh = await models.mesh.run(image, windowFromLandmarks(from));
  return mesh.presence >= PRESENCE_MIN ? mesh.landmarks : from;
}
