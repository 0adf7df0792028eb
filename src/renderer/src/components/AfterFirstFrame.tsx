/**
 * What is not the frame renders once the clip's first frame is on screen, so the view's
 * first commit carries the stage and little else; until then `reserve` holds its place
 * (a box of the same size), so nothing moves or resizes the stage when it comes.
 */
import type { ReactNode } from 'react';
import { useFirstFrameShown } from '../state/use-first-frame-shown';

export function AfterFirstFrame({ children, reserve = null }: { children: ReactNode; reserve?: ReactNode }) {
  return useFirstFrameShown() ? children : reserve;
}
