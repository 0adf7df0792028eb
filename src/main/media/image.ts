import sharp from 'sharp';
import { AppError } from '@shared/errors';

/**
 * In-memory images passed between the media, face, flow and analysis stages. Pixels are
 * 8-bit, row-major, interleaved; `channels` is 3 (RGB) or 1 (gray).
 */
export interface Image8 {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

export type RgbImage = Image8 & { readonly channels: 3 };
export type GrayImage = Image8 & { readonly channels: 1 };

/** A clip's frames by 0-based index, as the media layer provides them. */
export interface FrameSequence {
  readonly frameCount: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  read(index: number): Promise<RgbImage>;
  /**
   * Frames `first`, `first` + 1 … in order, cut to `region` as they are decoded: a pass over
   * a long recording that holds a few region-sized frames, never the whole frame stream.
   * Optional: a sequence without it is read frame by frame.
   */
  streamRegion?(region: FrameRegion, first: number): RegionStream;
}

/** A rectangle of whole pixels inside the frame. */
export interface FrameRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RegionStream {
  /** The next frame's region, or null after the last frame. */
  next(): Promise<RgbImage | null>;
  /** Decoded bytes held by the stream now (bounded: a couple of regions). */
  readonly bufferedBytes: number;
  close(): void;
}

/** ITU-R BT.601 luma, the same weights OpenCV's cvtColor uses. */
export function toGray(image: Image8): GrayImage {
  if (image.channels === 1) return image as GrayImage;
  const { width, height, data } = image;
  const gray = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < gray.length; i += 1, j += 3) {
    gray[i] = Math.round(0.299 * (data[j] as number) + 0.587 * (data[j + 1] as number) + 0.114 * (data[j + 2] as number));
  }
  return { width, height, channels: 1, data: gray };
}

/** Decodes a still image file (JPEG, PNG, WebP, TIFF, GIF) to RGB. */
export async function loadImageFile(path: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new AppError('MEDIA_UNREADABLE', `Cannot decode image ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Encodes an 8-bit image as PNG (lossless; used for overlays, test fixtures and CLI output). */
export async function encodePng(image: Image8): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .png()
    .toBuffer();
}
