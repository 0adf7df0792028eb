/**
 * Whether the clip's first frame is on screen yet: what is not that frame (the side
 * panels) renders in a task after it, so the open's first render and paint carry the
 * frame alone. True at once when no first frame is awaited; at most first-frame.ts's
 * bound late when none comes.
 */
import { useEffect, useState } from 'react';
import { afterFirstFrame, isFirstFrameAwaited } from './first-frame';

export function useFirstFrameShown(): boolean {
  const [shown, setShown] = useState(() => !isFirstFrameAwaited());
  useEffect(() => {
    if (shown) return;
    let timer = 0;
    let frame = 0;
    // The paint is announced from a layout effect: a state change there would render before that paint.
    const cancel = afterFirstFrame(() => {
      frame = requestAnimationFrame(() => (timer = window.setTimeout(() => setShown(true))));
    });
    return () => {
      cancel();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [shown]);
  return shown;
}
