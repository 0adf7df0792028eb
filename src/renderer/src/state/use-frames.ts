/**
 * Frame navigation for one opened clip: `goTo` asks for a frame; the shown frame (image
 * AND its number) changes only once that frame is decoded, and a slower load that is no
 * longer the target is dropped, so the number on screen is always the frame drawn.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { mediaApi, type OpenedMedia } from '../api/media';
import { errorMessage } from '../api/backend';
import { FrameLoader } from './frame-loader';
import { fetchBitmap, type ShownFrame } from './frame-bitmap';
import { ShownFrameStore, type ShownFrameSource } from './shown-frame';
import { firstFrameAwaited } from './first-frame';
import { takeEarly } from './early-frame';
import { useClipRefusal } from './clip-refusal';

export interface FrameNavigator {
  readonly loader: FrameLoader<ImageBitmap> | null;
  /** The frame on screen: subscribe where it is shown (a step then re-renders only there). */
  readonly shown: ShownFrameSource;
  /** The frame last asked for (what stepping continues from while a load is pending). */
  readonly target: () => number;
  /** The frame on screen now (for loops that must not outrun the display). */
  readonly shownIndex: () => number | null;
  goTo(index: number): void;
  /** Why frames fail: the clip refused by its last check after it opened (clip-refusal.ts), else the last failed load. */
  readonly error: string | null;
}

export function useFrames(media: OpenedMedia | null, budgetMB = 256): FrameNavigator {
  // Set while rendering, before any child's effect: requests they start can wait for the frame.
  const [shown] = useState(() => {
    firstFrameAwaited();
    return new ShownFrameStore();
  });
  const [error, setError] = useState<string | null>(null);
  const refused = useClipRefusal(media?.clipId ?? null);
  const target = useRef(0);
  const shownIndex = useRef<number | null>(null);
  const frames = media?.info.frames ?? 0;

  // The neighbours of a step are fetched once the step's frame has been presented.
  const pendingPrefetch = useRef<{ frame: number; timer: number } | null>(null);
  const cancelPrefetch = useCallback(() => {
    const pending = pendingPrefetch.current;
    if (!pending) return;
    cancelAnimationFrame(pending.frame);
    clearTimeout(pending.timer);
    pendingPrefetch.current = null;
  }, []);
  useEffect(() => cancelPrefetch, [cancelPrefetch]);

  const loader = useMemo(() => {
    if (!media) return null;
    const { clipId, info } = media;
    // Frame 0 may already be on its way (early-frame.ts): that fetch is taken, not repeated.
    return new FrameLoader((index) => mediaApi.frameUrl(clipId, index), info.width * info.height * 4, (url, signal) => takeEarly<ImageBitmap>(url) ?? fetchBitmap(url, signal), budgetMB * 2 ** 20);
  }, [media, budgetMB]);
  // The clip's view is gone: its decoded frames are released now, not whenever GC runs.
  useEffect(() => (loader ? () => loader.dispose() : undefined), [loader]);

  // Held from the moment it is chosen: the loader never closes the frame on screen.
  const show = useCallback(
    (frame: ShownFrame) => {
      loader?.hold('shown', frame);
      shownIndex.current = frame.index;
      shown.set(frame);
    },
    [loader, shown],
  );

  const goTo = useCallback(
    (requested: number) => {
      if (!loader || frames <= 0) return;
      const index = Math.min(Math.max(Math.round(requested), 0), frames - 1);
      const direction = Math.sign(index - target.current) || 1;
      target.current = index;
      const ready = loader.get(index);
      if (ready) show(ready);
      else
        loader.load(index).then(
          (frame) => {
            if (target.current === frame.index) {
              show(frame);
              setError(null);
            }
          },
          (failure: unknown) => {
            if (target.current === index) setError(errorMessage(failure));
          },
        );
      cancelPrefetch();
      // Uncached, the loader already holds prefetches until the frame asked for is in.
      if (!ready) {
        loader.prefetch(index, direction, frames);
        return;
      }
      // Cached, prefetch yields to the step: nothing new starts until the frame is on
      // screen (the next animation frame, then the task after it), so neighbours' fetches
      // and decodes do not compete with this step's render and draw; a step that follows
      // within the wait replaces it.
      loader.holdPrefetch();
      const pending = { frame: 0, timer: 0 };
      pending.frame = requestAnimationFrame(() => {
        pending.timer = window.setTimeout(() => {
          pendingPrefetch.current = null;
          loader.prefetch(index, direction, frames);
        }, 0);
      });
      pendingPrefetch.current = pending;
    },
    [loader, frames, show, cancelPrefetch],
  );

  const readTarget = useCallback(() => target.current, []);
  const readShown = useCallback(() => shownIndex.current, []);

  // Mounted per clip (keyed by the caller): show frame 0 once it is decoded.
  useEffect(() => {
    if (!loader || frames <= 0) return;
    loader.load(0).then(
      (frame) => target.current === 0 && show(frame),
      (failure: unknown) => setError(errorMessage(failure)),
    );
    loader.prefetch(0, 1, frames);
  }, [loader, frames, show]);

  return { loader, shown, target: readTarget, shownIndex: readShown, goTo, error: refused ?? error };
}
