import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '@shared/errors';
import { formatFacsTerm, isFacsChoice, parseFacs } from '@shared/facs';
import { detectFaces, type FaceModels } from '../../inference/face/analyze';
import type { FaceDetection } from '../../inference/face/blazeface';
import { windowFromDetection } from '../../inference/face/facemesh';
import { packageDir } from '../../inference/manifest';
import type { RgbImage } from '../../media/image';
import { findSubject } from '../pipeline/subject';
import type { Point3 } from '../../inference/face/types';
import { SYNTH_AUS } from './au-motions';
import type { SynthAu } from './expression-field';

/**
 * Real faces for synthetic clips: a photo's largest face framed at a chosen frame size,
 * with its real FaceMesh landmarks. The default photos are the six MIT sample photos of
 * @vladmandic/face-api (one identity each: the largest face of each).
 */
export interface SynthFace {
  readonly photo: RgbImage;
  readonly landmarks: readonly Point3[];
  readonly source: string;
}

export function defaultSynthPhotos(): string[] {
  const dir = packageDir('@vladmandic/face-api');
  if (!dir) throw new AppError('NOT_FOUND', 'The @vladmandic/face-api sample photos are not installed; pass --photo.');
  return [1, 2, 3, 4, 5, 6].map((i) => join(dir, 'demo', `sample${i}.jpg`));
}

/**
 * Frames the photo's largest face in a width × height picture, the face box taking
 * `faceFraction` of the height, then runs FaceMesh on the framed picture.
 */
export async function loadSynthFace(models: FaceModels, path: string, width: number, height: number, faceFraction = 0.5): Promise<SynthFace> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const full: RgbImage = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  const face = await frontalFace(models, full);
  if (!face) throw new AppError('NO_FACE', `No face found on ${path}.`);
  const [x, y, w, h] = face.box;
  const scale = (faceFraction * height) / Math.max(w, h);
  const cw = width / scale;
  const ch = height / scale;
  const left = Math.round(x + w / 2 - cw / 2);
  const top = Math.round(y + h / 2 - ch / 2);
  // Pad with the border colour when the window leaves the photo.
  const pad = Math.ceil(Math.max(0, -left, -top, left + cw - info.width, top + ch - info.height)) + 2;
  // sharp applies extract before extend within one pipeline: pad in a first pass.
  const padded = await sharp(path).removeAlpha().extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'copy' }).png({ compressionLevel: 0 }).toBuffer();
  const framed = await sharp(padded)
    .extract({ left: left + pad, top: top + pad, width: Math.round(cw), height: Math.round(ch) })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const photo: RgbImage = { width, height, channels: 3, data: new Uint8Array(framed.data.buffer, framed.data.byteOffset, framed.data.byteLength) };
  const subject = await findSubject(models, photo);
  return { photo, landmarks: subject.landmarks, source: path };
}

/** Nose tip offset from the eye-corner midpoint, in eye distances: ≈ 0 frontal, ≥ 0.3 a turned head. */
function yaw(landmarks: readonly Point3[]): number {
  const [r, l, nose] = [landmarks[33], landmarks[263], landmarks[4]] as [Point3, Point3, Point3];
  return Math.abs(nose[0] - (r[0] + l[0]) / 2) / Math.max(1, Math.hypot(l[0] - r[0], l[1] - r[1]));
}

/**
 * The photo's largest near-frontal face (synthetic AU motion is defined in the face's own
 * frame and needs both sides visible); the most frontal one when none is.
 */
async function frontalFace(models: FaceModels, image: RgbImage): Promise<FaceDetection | null> {
  const scored: Array<{ detection: FaceDetection; yaw: number }> = [];
  for (const detection of await detectFaces(models, image)) {
    const mesh = await models.mesh.run(image, windowFromDetection(detection));
    if (mesh.presence >= 0.5) scored.push({ detection, yaw: yaw(mesh.landmarks) });
  }
  const frontal = scored.filter((f) => f.yaw < FRONTAL_YAW).sort((a, b) => b.detection.box[2] * b.detection.box[3] - a.detection.box[2] * a.detection.box[3]);
  return (frontal[0] ?? [...scored].sort((a, b) => a.yaw - b.yaw)[0])?.detection ?? null;
}

const FRONTAL_YAW = 0.15;

/** "1+2+L12C" → synthesis AUs (intensity defaults to C; U or no side means both sides). */
export function parseSynthAus(text: string): SynthAu[] {
  const parsed = parseFacs(text);
  if (!parsed.ok) throw new AppError('INVALID_INPUT', `--aus: ${parsed.error.message}`);
  const { alternatives, uncertain, note } = parsed.value;
  if (uncertain || note !== null || alternatives.length !== 1) throw new AppError('INVALID_INPUT', '--aus takes one AU combination (no "or", "?" or note)');
  return (alternatives[0] ?? []).map((code) => {
    if (isFacsChoice(code) || code.kind !== 'AU' || code.reference) throw new AppError('INVALID_INPUT', `--aus takes plain AU codes, not '${formatFacsTerm(code)}'`);
    if (!SYNTH_AUS.includes(code.au)) throw new AppError('INVALID_INPUT', `AU${code.au} cannot be synthesised; choose from ${SYNTH_AUS.join(', ')}`);
    return { au: code.au, intensity: code.intensity ?? 'C', side: code.side === 'L' || code.side === 'R' ? code.side : 'B' };
  });
}
