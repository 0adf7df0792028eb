import { AppError } from '@shared/errors';

/**
 * Frame upscales for display (`?w=` wider than the source) cost CPU and memory with the
 * square of the width: an 8192-px PNG of a small frame is ~200 MB of pixels and seconds
 * of encoding, and a burst of them stalls every other request. Wider than 4× the source
 * shows nothing new, so the width is capped, and only a few run at once.
 */
export const MAX_UPSCALE_FACTOR = 4;
export const MAX_UPSCALE_WIDTH = 4096;
export const MAX_CONCURRENT_UPSCALES = 2;

/** The width a frame is served at: as asked, but an upscale at most min(4× the source, 4096) (never below the source). */
export function servedWidth(requested: number | undefined, sourceWidth: number): number {
  if (requested === undefined || requested <= sourceWidth) return requested ?? sourceWidth;
  return Math.min(requested, Math.max(sourceWidth, Math.min(MAX_UPSCALE_FACTOR * sourceWidth, MAX_UPSCALE_WIDTH)));
}

/** Runs at most `limit` upscales at once; one more is refused as BUSY (the frame route answers 503 + Retry-After). */
export class UpscaleGate {
  #running = 0;

  constructor(readonly limit = MAX_CONCURRENT_UPSCALES) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) throw new AppError('BUSY', `${this.limit} frame upscales are already running; retry in a moment`);
    this.#running += 1;
    try {
      return await task();
    } finally {
      this.#running -= 1;
    }
  }
}
