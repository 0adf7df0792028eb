import sharp, { type Sharp } from 'sharp';
import { join } from 'node:path';
import { packageDir } from '../../src/main/inference/manifest';
import type { FrameSequence, RgbImage } from '../../src/main/media/image';

/** Real face photos shipped with @vladmandic/face-api (MIT): group photos, cropped to one face here. */
export const SAMPLES = join(packageDir('@vladmandic/face-api') as string, 'demo');

/** A near-frontal face: sample3's left subject, cropped to a 500×500 portrait. */
export async function frontalFace(): Promise<Buffer> {
  return sharp(join(SAMPLES, 'sample3.jpg')).extract({ left: 440, top: 240, width: 500, height: 500 }).png().toBuffer();
}

/** A second person: sample5's left-centre subject, 500×500. */
export async function secondFace(): Promise<Buffer> {
  return sharp(join(SAMPLES, 'sample5.jpg')).extract({ left: 420, top: 310, width: 500, height: 500 }).png().toBuffer();
}

export async function toRgb(input: Sharp): Promise<RgbImage> {
  const { data, info } = await input.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** `photo` resized to `size` px and pasted at (x, y) on a black canvas. */
export async function placed(photo: Buffer, canvas: { width: number; height: number }, x: number, y: number, size: number): Promise<RgbImage> {
  const face = await sharp(photo).resize(size, size).png().toBuffer();
  return toRgb(
    sharp({ create: { width: canvas.width, height: canvas.height, channels: 3, background: { r: 0, g: 0, b: 0 } } }).composite([
      { input: face, left: Math.round(x), top: Math.round(y) },
    ]),
  );
}

/** A 640×480 "clip" of frames decoded ahead (tests measure tracking, not decoding). */
export function sequence(frames: readonly RgbImage[], fps = 30): FrameSequence {
  const first = frames[0] as RgbImage;
  return { frameCount: frames.length, fps, width: first.width, height: first.height, read: async (i) => frames[i] as RgbImage };
}
