/**
 * The frame on screen, as a small store outside React state: a frame step changes it, and
 * only the components that show the frame (the stage, the frame number, the timeline's
 * playhead) subscribe, so the annotate view around them and its panels do not re-render
 * on every key press.
 */
import { useSyncExternalStore } from 'react';
import type { ShownFrame } from './frame-bitmap';

export interface ShownFrameSource {
  readonly get: () => ShownFrame | null;
  readonly subscribe: (listener: () => void) => () => void;
}

export class ShownFrameStore implements ShownFrameSource {
  #frame: ShownFrame | null = null;
  readonly #listeners = new Set<() => void>();

  readonly get = (): ShownFrame | null => this.#frame;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  set(frame: ShownFrame): void {
    if (frame === this.#frame) return;
    this.#frame = frame;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The frame on screen; the calling component re-renders when it changes. */
export function useShownFrame(source: ShownFrameSource): ShownFrame | null {
  return useSyncExternalStore(source.subscribe, source.get);
}

/** The number of the frame on screen; the calling component re-renders when it changes. */
export function useShownIndex(source: ShownFrameSource): number | null {
  return useSyncExternalStore(source.subscribe, () => source.get()?.index ?? null);
}
