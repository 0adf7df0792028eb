import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RoiBox } from '@shared/rois';
import type { Point3 } from '../../src/main/inference/face/types';
import type { RgbImage } from '../../src/main/media/image';

/**
 * A synthetic frontal face for tests until the FaceMesh stage lands: the 468 landmarks
 * are MediaPipe's canonical UV layout (UV468 in @vladmandic/human, MIT), scaled into
 * the image; the photo is a drawn face (skin, dark features at the landmarks, fine
 * texture) so that warps are visible in pixels.
 */
function loadUv468(): Array<[number, number]> {
  const source = readFileSync(resolve('node_modules/@vladmandic/human/src/face/facemeshcoords.ts'), 'utf8');
  const start = source.indexOf('export const UV468');
  const body = source.slice(source.indexOf('=', start) + 1, source.indexOf('];', start) + 1);
  const uv = JSON.parse(body.replace(/,\s*\]$/, ']')) as Array<[number, number]>;
  if (uv.length !== 468) throw new Error(`UV468 has ${uv.length} points`);
  return uv;
}

let uvCache: Array<[number, number]> | undefined;

export function canonicalLandmarks(width: number, height: number, faceHeight: number): Point3[] {
  uvCache ??= loadUv468();
  const vs = uvCache.map(([, v]) => v);
  const vMin = Math.min(...vs);
  const vMax = Math.max(...vs);
  const scale = faceHeight / (vMax - vMin);
  return uvCache.map(([u, v]) => [width / 2 + (u - 0.5) * scale, height / 2 + (v - (vMin + vMax) / 2) * scale, 0] as Point3);
}

export function drawFace(width: number, height: number, landmarks: readonly Point3[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const shade = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) shade[y * width + x] = 150 + 25 * Math.sin(x * 0.45) * Math.cos(y * 0.37) + 15 * Math.sin((x + 2 * y) * 0.13);
  }
  for (const [lx, ly] of landmarks) {
    for (let y = Math.max(0, Math.floor(ly - 4)); y <= Math.min(height - 1, Math.ceil(ly + 4)); y += 1) {
      for (let x = Math.max(0, Math.floor(lx - 4)); x <= Math.min(width - 1, Math.ceil(lx + 4)); x += 1) {
        shade[y * width + x] = (shade[y * width + x] as number) - 60 * Math.exp(-((x - lx) ** 2 + (y - ly) ** 2) / 3);
      }
    }
  }
  for (let i = 0; i < width * height; i += 1) {
    const v = Math.max(0, Math.min(255, shade[i] as number));
    data[i * 3] = Math.round(Math.min(255, v * 1.15));
    data[i * 3 + 1] = Math.round(v * 0.9);
    data[i * 3 + 2] = Math.round(v * 0.75);
  }
  return { width, height, channels: 3, data };
}

/** FaceMesh landmark at the centre of each of the 29 ROIs (test stand-in for the face stage's ROI placement). */
const ROI_CENTERS: Readonly<Record<string, number | readonly [number, number]>> = {
  'Left Upper Eyelid Inner': 384, 'Left Upper Eyelid Center': 386, 'Left Upper Eyelid Outer': 388,
  'Left Lower Eyelid Inner': 381, 'Left Lower Eyelid Center': 374, 'Left Lower Eyelid Outer': 390,
  'Right Upper Eyelid Inner': 157, 'Right Upper Eyelid Center': 159, 'Right Upper Eyelid Outer': 161,
  'Right Lower Eyelid Inner': 154, 'Right Lower Eyelid Center': 145, 'Right Lower Eyelid Outer': 163,
  'Left Inner Eyebrow': 336, 'Left Outer Eyebrow': 300, 'Right Inner Eyebrow': 107, 'Right Outer Eyebrow': 70,
  'Left Nasal Wing': 358, 'Right Nasal Wing': 129, 'Left Mouth Corner': 291, 'Right Mouth Corner': 61,
  'Upper Lip Left': 267, 'Upper Lip Center': 0, 'Upper Lip Right': 37,
  'Lower Lip Left': 314, 'Lower Lip Center': 17, 'Lower Lip Right': 84,
  Chin: 199, 'Left Cheek': [263, 291], 'Right Cheek': [33, 61],
};
const REF_SIZE: Readonly<Record<string, number>> = { Eyelid: 10, Eyebrow: 15, 'Nasal Wing': 20, 'Mouth Corner': 15, Lip: 15, Chin: 25 };

export function meshRois(landmarks: readonly Point3[], faceHeight: number): RoiBox[] {
  return Object.entries(ROI_CENTERS).map(([region, at]) => {
    const [a, b] = typeof at === 'number' ? [at, at] : at;
    const pa = landmarks[a] as Point3;
    const pb = landmarks[b] as Point3;
    const cx = (pa[0] + pb[0]) / 2;
    const cy = (pa[1] + pb[1]) / 2;
    const key = Object.keys(REF_SIZE).find((k) => region.includes(k));
    const side = key ? ((REF_SIZE[key] as number) * faceHeight) / 400 : 0.12 * faceHeight;
    return { region, box: [cx - side / 2, cy - side / 2, side, side] as const };
  });
}
