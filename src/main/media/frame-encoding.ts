/** How the frame route's images are encoded and named. */
import type { Sharp } from 'sharp';
import type { FrameRequest } from '@shared/frames';

export interface EncodedFrame {
  readonly data: Uint8Array;
  readonly etag: string;
}

/** A frame's HTTP entity tag; it also names a prepared frame (prepared-frames.ts). */
export function frameEtag(request: FrameRequest): string {
  return `"${request.clipId}-${request.index}-${request.width ?? 'n'}.${request.format}"`;
}

export async function encodeAs(image: Sharp, format: FrameRequest['format'], width: number, fromWidth: number): Promise<Buffer> {
  const sized = width === fromWidth ? image : image.resize({ width });
  const encoded = format === 'png' ? sized.png({ compressionLevel: 1 }) : format === 'webp' ? sized.webp({ quality: 90 }) : sized.jpeg({ quality: 90 });
  return encoded.toBuffer();
}
