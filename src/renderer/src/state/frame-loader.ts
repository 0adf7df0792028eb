/**
 * Loads frames of one clip as decoded images from the frame route, keeps the most
 * recent ones (LRU by bytes), shares in-flight loads and prefetches neighbours. A frame
 * is handed out only once `decode()` finished, so drawing it never stalls.
 */
export interface LoadedFrame {
  readonly index: number;
  readonly image: HTMLImageElement;
}

/** Starts loading one frame image (the browser's by default; tests count requests with their own). */
export type ImageOpener = (url: string) => HTMLImageElement;

function browserImage(url: string): HTMLImageElement {
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  return image;
}

export class FrameLoader {
  readonly #url: (index: number) => string;
  readonly #maxFrames: number;
  readonly #ready = new Map<number, HTMLImageElement>();
  readonly #loading = new Map<number, Promise<LoadedFrame>>();
  readonly #open: ImageOpener;

  /** `budgetBytes` bounds decoded RGBA memory (width × height × 4 per frame). */
  constructor(url: (index: number) => string, frameBytes: number, budgetBytes = 256 * 2 ** 20, open: ImageOpener = browserImage) {
    this.#url = url;
    this.#open = open;
    this.#maxFrames = Math.max(8, Math.floor(budgetBytes / Math.max(frameBytes, 1)));
  }

  /** The decoded frame if it is cached (marks it recently used), else null. */
  get(index: number): LoadedFrame | null {
    const image = this.#ready.get(index);
    if (!image) return null;
    this.#ready.delete(index);
    this.#ready.set(index, image);
    return { index, image };
  }

  load(index: number): Promise<LoadedFrame> {
    const ready = this.get(index);
    if (ready) return Promise.resolve(ready);
    const inFlight = this.#loading.get(index);
    if (inFlight) return inFlight;
    const image = this.#open(this.#url(index));
    const promise = image
      .decode()
      .then(() => {
        this.#ready.set(index, image);
        this.#evict();
        return { index, image };
      })
      .finally(() => this.#loading.delete(index));
    this.#loading.set(index, promise);
    return promise;
  }

  /** Warms the cache around `index`, more frames in the direction of travel. */
  prefetch(index: number, direction: number, frames: number): void {
    const ahead = direction < 0 ? -1 : 1;
    const order = [1, 2, 3, 4, 5, 6].map((d) => index + ahead * d).concat([index - ahead, index - 2 * ahead]);
    for (const i of order) {
      if (i >= 0 && i < frames && !this.#ready.has(i) && !this.#loading.has(i)) this.load(i).catch(() => undefined);
    }
  }

  clear(): void {
    this.#ready.clear();
  }

  #evict(): void {
    while (this.#ready.size > this.#maxFrames) {
      const oldest = this.#ready.keys().next().value;
      if (oldest === undefined) return;
      this.#ready.delete(oldest);
    }
  }
}
