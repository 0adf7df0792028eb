/**
 * A clip's first frame, asked for the moment `media.open` answers rather than once the
 * annotate view has rendered and mounted its stage: the view's first render then runs
 * while the frame is on the wire and decoding. One slot, taken once by the view's frame
 * loader for the same URL; a frame nobody takes within UNCLAIMED_MS (the view never
 * opened) or that a newer open replaces is closed when it arrives.
 */
import type { ClosableImage } from './frame-loader';

const UNCLAIMED_MS = 10_000;

interface Early {
  readonly url: string;
  readonly frame: Promise<ClosableImage>;
  readonly timer: ReturnType<typeof setTimeout>;
}

let early: Early | null = null;

function discard(entry: Early): void {
  clearTimeout(entry.timer);
  entry.frame.then(
    (image) => image.close(),
    () => undefined,
  );
}

/** Starts fetching `url` now with `fetchFrame` (fetchBitmap in the view), once per URL. */
export function askEarly(url: string, fetchFrame: (url: string) => Promise<ClosableImage>): void {
  if (early?.url === url) return;
  if (early) discard(early);
  const frame = fetchFrame(url);
  // A failure is the taker's to report; untaken, it is dropped with the slot.
  frame.catch(() => undefined);
  const entry: Early = {
    url,
    frame,
    timer: setTimeout(() => {
      if (early !== entry) return;
      early = null;
      discard(entry);
    }, UNCLAIMED_MS),
  };
  early = entry;
}

/** The early fetch of `url`, once (later loads fetch anew), or null; `Image` is what the asker's fetcher made. */
export function takeEarly<Image extends ClosableImage>(url: string): Promise<Image> | null {
  if (early?.url !== url) return null;
  const { frame, timer } = early;
  clearTimeout(timer);
  early = null;
  return frame as Promise<Image>;
}
