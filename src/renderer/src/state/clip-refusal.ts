/** The window's refusals (clip-refusals.ts), shared by the open calls and the view. */
import { useSyncExternalStore } from 'react';
import { api } from '../api/client';
import { ClipRefusals } from './clip-refusals';

let shared: ClipRefusals | null = null;

/** The window's refusals, listening from the first call on (before the first open). */
export function clipRefusals(): ClipRefusals {
  if (!shared) {
    const refusals = new ClipRefusals();
    api.onByName('media.refused', (payload) => refusals.heard(payload));
    shared = refusals;
  }
  return shared;
}

/** Why the clip on screen was refused after it opened (null while it holds up). */
export function useClipRefusal(clipId: string | null): string | null {
  const refusals = clipRefusals();
  return useSyncExternalStore(
    (listener) => refusals.subscribe(listener),
    () => refusals.reason(clipId),
  );
}
