/**
 * Loads frames of one clip as decoded images (ImageBitmaps in the view, see
 * frame-bitmap.ts), keeps the most recent ones (LRU by bytes), shares in-flight loads and
 * prefetches neighbours. A frame is handed out only once it is decoded, so drawing it
 * never stalls.
 *
 * A frame asked for (`load`) goes out at once; prefetches queue behind it. At most
 * PREFETCH_IN_FLIGHT prefetches are on the wire, none start while an asked-for frame is
 * loading (nor before the task that hands out the frame asked for ends), and a new
 * `prefetch` replaces the queue, so a seek never waits for a
 * connection (the browser opens 6 per host) or a decode slot held by neighbours of
 * where the view used to be.
 *
 * A jump (a frame asked for that is neither cached nor loading) cancels the prefetches on
 * the wire more than NEAR_FRAMES away from it: their bytes and decodes would otherwise
 * share the CPU and the main thread with the frame asked for, and they are neighbours of
 * where the view no longer is.
 *
 * Decoded frames hold native (often GPU) memory until closed, so an evicted frame is
 * closed rather than left to the garbage collector, but never one the view still draws:
 * the view `hold`s the frame on screen (and any other it draws, such as the difference
 * layer's onset), and an evicted frame is closed only after the task that evicted it, so
 * a caller handed a frame by `load` or `get` can hold it in its continuation.
 */
export interface LoadedFrame<Image> {
  readonly index: number;
  readonly image: Image;
}

/** A decoded image whose memory is released by `close()` (an ImageBitmap in the view). */
export interface ClosableImage {
  close(): void;
}

/** Runs `task` once the current task is over (a timer in the view; tests run it when they choose). */
export type Deferral = (task: () => void) => void;

const afterThisTask: Deferral = (task) => {
  setTimeout(task, 0);
};

/**
 * Fetches and decodes one frame image (`fetchBitmap` in the browser; tests count requests
 * with their own). `signal` is given to prefetches, which a jump may cancel.
 */
export type FrameFetcher<Image> = (url: string, signal?: AbortSignal) => Promise<Image>;

/** Prefetches on the wire at once: well under the browser's 6 connections per host. */
export const PREFETCH_IN_FLIGHT = 2;

/** A prefetch this close to a frame asked for is kept on a jump: it is a neighbour of it. */
export const NEAR_FRAMES = 8;

export class FrameLoader<Image extends ClosableImage> {
  readonly #url: (index: number) => string;
  readonly #maxFrames: number;
  readonly #ready = new Map<number, Image>();
  readonly #loading = new Map<number, Promise<LoadedFrame<Image>>>();
  /** Frames the view asked for: evicted only after every neighbour prefetched and never shown. */
  readonly #shownOrAsked = new Set<number>();
  readonly #fetch: FrameFetcher<Image>;
  readonly #defer: Deferral;
  /** What the view draws, by role ('shown', 'onset' …): never evicted, never closed while held. */
  readonly #held = new Map<string, Image>();
  /** Evicted frames waiting for the end of the task to be closed. */
  readonly #retired = new Set<Image>();
  #sweepPending = false;
  /** Set by `dispose`, cleared by the next `load` or `prefetch`: frames landing meanwhile are closed at once. */
  #disposed = false;
  /** Prefetches not started yet, nearest first. */
  #queue: number[] = [];
  #prefetching = 0;
  /** Asked-for loads on the wire (prefetches wait for them). */
  #asked = 0;
  /** Prefetches on the wire that nobody asked for yet, by frame: a jump may cancel them. */
  readonly #cancellable = new Map<number, AbortController>();

  /** `budgetBytes` bounds decoded RGBA memory (width × height × 4 per frame). */
  constructor(url: (index: number) => string, frameBytes: number, fetchFrame: FrameFetcher<Image>, budgetBytes = 256 * 2 ** 20, defer: Deferral = afterThisTask) {
    this.#url = url;
    this.#fetch = fetchFrame;
    this.#defer = defer;
    this.#maxFrames = Math.max(8, Math.floor(budgetBytes / Math.max(frameBytes, 1)));
  }

  /** The decoded frame if it is cached (marks it recently used), else null. */
  get(index: number): LoadedFrame<Image> | null {
    const image = this.#ready.get(index);
    if (!image) return null;
    this.#shownOrAsked.add(index);
    this.#ready.delete(index);
    this.#ready.set(index, image);
    return { index, image };
  }

  /**
   * The frame the view wants: requested now, ahead of every queued prefetch. A frame drawn
   * beside the view's own (`aside`: the difference layer's onset) is not where the view is
   * going, so it cancels none of the prefetches around the view.
   */
  load(index: number, options: { readonly aside?: boolean } = {}): Promise<LoadedFrame<Image>> {
    this.#disposed = false;
    this.#shownOrAsked.add(index);
    const ready = this.get(index);
    if (ready) return Promise.resolve(ready);
    const loading = this.#loading.get(index);
    if (loading) {
      // Someone waits for it now: it is no longer a prefetch a jump may cancel.
      this.#cancellable.delete(index);
      return loading;
    }
    if (!options.aside) this.#cancelFarFrom(index);
    return this.#start(index, false);
  }

  #cancelFarFrom(index: number): void {
    for (const [other, controller] of this.#cancellable) {
      if (Math.abs(other - index) <= NEAR_FRAMES) continue;
      this.#cancellable.delete(other);
      // Not loading any more from now on: a later ask for it starts a fresh request rather
      // than sharing the aborted one's rejection.
      this.#loading.delete(other);
      controller.abort();
    }
  }

  /**
   * Warms the cache around `index`, more frames in the direction of travel. Replaces
   * the neighbours still queued for an earlier position.
   */
  prefetch(index: number, direction: number, frames: number): void {
    this.#disposed = false;
    const ahead = direction < 0 ? -1 : 1;
    const order = [1, 2, 3, 4, 5, 6].map((d) => index + ahead * d).concat([index - ahead, index - 2 * ahead]);
    this.#queue = order.filter((i) => i >= 0 && i < frames && !this.#ready.has(i) && !this.#loading.has(i));
    this.#pump();
  }

  /**
   * Starts no more prefetches until the next `prefetch` (those on the wire finish): the
   * view calls it on a step, so the step's own frame is drawn and presented before
   * neighbours are fetched and decoded beside it.
   */
  holdPrefetch(): void {
    this.#queue = [];
  }

  #pump(): void {
    while (this.#asked === 0 && this.#prefetching < PREFETCH_IN_FLIGHT) {
      const index = this.#queue.shift();
      if (index === undefined) return;
      if (this.#ready.has(index) || this.#loading.has(index)) continue;
      this.#start(index, true).catch(() => undefined);
    }
  }

  #start(index: number, prefetch: boolean): Promise<LoadedFrame<Image>> {
    let controller: AbortController | undefined;
    if (prefetch) {
      this.#prefetching += 1;
      controller = new AbortController();
      this.#cancellable.set(index, controller);
    } else this.#asked += 1;
    const promise = this.#fetch(this.#url(index), controller?.signal)
      .then((image) => {
        if (this.#disposed) image.close();
        else {
          this.#ready.set(index, image);
          this.#evict();
        }
        return { index, image };
      })
      .finally(() => {
        if (this.#loading.get(index) === promise) this.#loading.delete(index);
        // A prefetch someone asked for while it was on the wire (no longer cancellable, not
        // aborted) is a frame the view waits for: its neighbours wait for its hand-out too.
        const waitedFor = !prefetch || (this.#cancellable.get(index) !== controller && !controller?.signal.aborted);
        if (controller && this.#cancellable.get(index) === controller) this.#cancellable.delete(index);
        if (prefetch) this.#prefetching -= 1;
        else this.#asked -= 1;
        // The caller's continuation (the view's render and draw of this frame) runs first:
        // starting the neighbours' requests is main-thread work it need not wait for.
        if (waitedFor) this.#defer(() => this.#pump());
        else this.#pump();
      });
    this.#loading.set(index, promise);
    return promise;
  }

  /**
   * Keeps `frame` open and cached while the view draws it in `role` (the frame on screen,
   * the difference layer's onset …); `null` lets the role's previous frame go (closed once
   * the loader no longer caches it).
   */
  hold(role: string, frame: LoadedFrame<Image> | null): void {
    if (frame) this.#held.set(role, frame.image);
    else this.#held.delete(role);
    this.#sweepSoon();
  }

  /**
   * The view is gone: closes every frame the loader has, held or not, and drops the queue.
   * A frame landing afterwards is closed on arrival, unless the loader was asked for more
   * since (React's development mode remounts a view once and keeps using its loader).
   */
  dispose(): void {
    this.#disposed = true;
    this.#queue = [];
    for (const controller of this.#cancellable.values()) controller.abort();
    this.#cancellable.clear();
    for (const image of new Set([...this.#ready.values(), ...this.#retired, ...this.#held.values()])) image.close();
    this.#ready.clear();
    this.#retired.clear();
    this.#held.clear();
    this.#shownOrAsked.clear();
  }

  #isHeld(image: Image): boolean {
    for (const held of this.#held.values()) if (held === image) return true;
    return false;
  }

  #sweepSoon(): void {
    if (this.#sweepPending || this.#retired.size === 0) return;
    this.#sweepPending = true;
    this.#defer(() => {
      this.#sweepPending = false;
      for (const image of this.#retired) {
        if (this.#isHeld(image)) continue;
        this.#retired.delete(image);
        image.close();
      }
    });
  }

  /**
   * Least recently used first, but a prefetched frame never shown goes before any frame the
   * view asked for, and a held frame stays (the cache may then exceed its budget by the few
   * frames held).
   */
  #evict(): void {
    while (this.#ready.size > this.#maxFrames) {
      let neverShown: number | undefined;
      let oldest: number | undefined;
      for (const [index, image] of this.#ready) {
        if (this.#isHeld(image)) continue;
        oldest ??= index;
        if (!this.#shownOrAsked.has(index)) {
          neverShown = index;
          break;
        }
      }
      const victim = neverShown ?? oldest;
      if (victim === undefined) return;
      const image = this.#ready.get(victim);
      this.#ready.delete(victim);
      this.#shownOrAsked.delete(victim);
      if (image !== undefined) this.#retired.add(image);
    }
    this.#sweepSoon();
  }
}
