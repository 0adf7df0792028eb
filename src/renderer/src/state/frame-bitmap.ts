/**
 * A frame from the frame route as an ImageBitmap: `createImageBitmap` decodes off the
 * main thread, and drawing the bitmap is a copy (about 0.3 ms for 640×480 on the
 * software 2D canvas), where drawing a decoded `<img>` still cost about 2 ms of
 * main-thread work per frame, inside the key → painted path.
 */
import { AppError, type ApiError } from '@shared/errors';
import type { LoadedFrame } from './frame-loader';

export type ShownFrame = LoadedFrame<ImageBitmap>;

/** The route's JSON error (clip closed, frame out of range …) becomes an AppError with its code. */
export async function fetchBitmap(url: string): Promise<ImageBitmap> {
  const response = await fetch(url);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: ApiError } | null;
    const error = body?.error;
    throw error ? new AppError(error.code, error.message) : new AppError('MEDIA_UNREADABLE', `Frame request failed: HTTP ${response.status}`);
  }
  return createImageBitmap(await response.blob());
}
