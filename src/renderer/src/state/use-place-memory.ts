/**
 * Remembers where a clip was left (the frame on screen, zoom, layers, flow rendering) in
 * the browser's storage. The frame is read from its store rather than from the view's
 * state, so a frame step does not re-render the view; the write waits for the task after
 * the step (several steps in one task write once), and a pending write is made at once
 * when the view goes or what it remembers changes.
 */
import { useEffect, type RefObject } from 'react';
import { writePlace, type ClipPlace } from './clip-place';
import { browserStorage } from './saved-state';
import type { ShownFrameSource } from './shown-frame';

export function usePlaceMemory(key: string, shown: ShownFrameSource, placed: RefObject<boolean>, rest: Omit<ClipPlace, 'frame'>): void {
  const { view, layers, flowMode } = rest;
  useEffect(() => {
    let timer: number | null = null;
    const write = () => {
      timer = null;
      const frame = shown.get()?.index;
      if (placed.current && frame !== undefined) writePlace(browserStorage(), key, { frame, view, layers, flowMode });
    };
    const schedule = () => {
      timer ??= window.setTimeout(write, 0);
    };
    schedule();
    const unsubscribe = shown.subscribe(schedule);
    return () => {
      unsubscribe();
      if (timer === null) return;
      clearTimeout(timer);
      write();
    };
  }, [key, shown, placed, view, layers, flowMode]);
}
