import sharp from 'sharp';
import type { RgbImage } from '../../media/image';
import type { FaceObservation } from './types';

/**
 * Draws faces on an image for review: the face box (green), the mesh points (cyan) and
 * the ROI boxes (yellow), composited as SVG by sharp. Returns PNG bytes.
 */
export async function renderOverlay(image: RgbImage, faces: readonly FaceObservation[]): Promise<Buffer> {
  const stroke = Math.max(1, Math.round(Math.max(image.width, image.height) / 600));
  const parts: string[] = [];
  for (const face of faces) {
    parts.push(rect(face.box, '#00ff00', stroke * 2));
    const r = Math.max(0.8, face.box[2] / 250);
    for (const [x, y] of face.landmarks) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="#00e5ff"/>`);
    for (const roi of face.rois) parts.push(rect(roi.box, '#ffd400', stroke));
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${parts.join('')}</svg>`;
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

function rect(box: readonly [number, number, number, number], color: string, width: number): string {
  const [x, y, w, h] = box.map((v) => v.toFixed(1));
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${color}" stroke-width="${width}"/>`;
}
