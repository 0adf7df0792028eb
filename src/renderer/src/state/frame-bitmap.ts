/**
 * A frame from the frame route as an ImageBitmap: `createImageBitmap` decodes off the
 * main thread, and drawing the bitmap is a copy (about 0.3 ms for 640×480 on the
 * software 2D canvas), where drawing a decoded `<img>` still cost about 2 ms of
 * main-thread work per frame, inside the key → painted path.
 */
import { frameRequestError } from './frame-error';
import type { LoadedFrame } from './frame-loader';

export type ShownFrame = LoadedFrame<ImageBitmap>;

/** The route's JSON error (clip closed, frame out of range …) becomes an AppError with its code. */
export async function fetchBitmap(url: string, signal?: AbortSignal): Promise<ImageBitmap> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw await frameRequestError(response);
  const bytes = await response.blob();
  // Cancelled while the body arrived: no decode for a frame nobody wants.
  signal?.throwIfAborted();
  return createImageBitmap(bytes);
}
