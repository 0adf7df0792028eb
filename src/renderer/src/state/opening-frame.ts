/**
 * The frame a clip's view will show first, known as `media.open` answers, so the frame
 * asked for early (early-frame.ts) is that one: where the clip was left, else the onset of
 * the event it opens on (the one named, else its first), else frame 0 — the same choice the
 * view makes (`openingFrame`). The events are read while the clip opens; a failure to
 * read them only costs the early frame its use, so it reads as no event.
 */
import { openingFrame, placeKey, readPlace } from './clip-place';
import { browserStorage } from './saved-state';

export interface OpeningClip {
  /** The workspace file when the clip is one of its clips. */
  readonly workspace: string | null;
  readonly clipId: number | null;
  readonly path: string;
  /** The event the clip opens on (null: its first). */
  readonly event: number | null;
}

/** Starts reading what the opening frame depends on; the result resolves once the clip's frame count is known. */
export function openingFrameOf(clip: OpeningClip, listEvents: (clipId: number) => Promise<ReadonlyArray<{ readonly id: number; readonly onset: number }>>): (frames: number) => Promise<number> {
  const saved = readPlace(browserStorage(), placeKey(clip.clipId !== null ? clip.workspace : null, clip.clipId ?? clip.path));
  const onset: Promise<number | null> =
    saved || clip.clipId === null
      ? Promise.resolve(null)
      : listEvents(clip.clipId).then(
          (events) => (events.find((e) => e.id === clip.event) ?? events[0])?.onset ?? null,
          () => null,
        );
  return async (frames) => openingFrame(saved, await onset, frames);
}
