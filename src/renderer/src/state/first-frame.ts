/**
 * Requests that can wait for a clip's first frame do: from the moment a clip's view asks
 * for its first frame until that frame is painted, `afterFirstFrame` holds what it is
 * given (the language model's speed estimate), so the frame's request and decode do not
 * share the bridge and the main thread with it. Bounded: held work runs after
 * MAX_WAIT_MS even if no frame comes (a clip that fails to read), and nothing waits after that.
 */
const MAX_WAIT_MS = 2000;

let awaited = false;
const held = new Set<() => void>();

/** A clip's view is about to ask for its first frame. */
export function firstFrameAwaited(): void {
  awaited = true;
}

/** Whether a clip's view is waiting for its first frame. */
export function isFirstFrameAwaited(): boolean {
  return awaited;
}

/** A frame was painted: whatever was held runs now. */
export function framePainted(): void {
  if (!awaited) return;
  awaited = false;
  const due = [...held];
  held.clear();
  for (const run of due) run();
}

/** Tells listeners (bench, e2e) which frame the stage drew and when, then runs what waited for it. */
export function announcePaint(index: number): void {
  const stage = document.querySelector<HTMLElement>('[data-testid="frame-stage"]');
  if (stage) stage.dataset.drawnFrame = String(index);
  window.dispatchEvent(new CustomEvent('mellm:frame-painted', { detail: { index, at: performance.now() } }));
  framePainted();
}

/** Runs `run` now, or once the awaited first frame is painted; returns a cancel. */
export function afterFirstFrame(run: () => void): () => void {
  if (!awaited) {
    run();
    return () => undefined;
  }
  let timer = 0;
  const once = () => {
    held.delete(once);
    clearTimeout(timer);
    run();
  };
  // No frame in time (a clip that fails to read): stop waiting for it altogether.
  timer = window.setTimeout(framePainted, MAX_WAIT_MS);
  held.add(once);
  return () => {
    held.delete(once);
    clearTimeout(timer);
  };
}
