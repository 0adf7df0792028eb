import type { RgbImage } from './image';

/**
 * Least-recently-used cache of decoded frames bounded by bytes, shared by every open
 * clip so that the total stays under Settings.frameCacheMB however many clips are open.
 */
export class FrameCache {
  readonly #entries = new Map<string, RgbImage>();
  #bytes = 0;

  constructor(private limitBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  get limit(): number {
    return this.limitBytes;
  }

  setLimit(bytes: number): void {
    this.limitBytes = bytes;
    this.#evict();
  }

  get(key: string): RgbImage | undefined {
    const image = this.#entries.get(key);
    if (image) {
      // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
      this.#entries.delete(key);
      this.#entries.set(key, image);
    }
    return image;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, image: RgbImage): void {
    // A frame bigger than a quarter of the budget would flush everything useful: don't keep it.
    if (image.data.byteLength > this.limitBytes / 4) return;
    this.delete(key);
    this.#entries.set(key, image);
    this.#bytes += image.data.byteLength;
    this.#evict();
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.data.byteLength;
  }

  /** Drops every frame whose key starts with `prefix` (a closed clip). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  #evict(): void {
    for (const key of this.#entries.keys()) {
      if (this.#bytes <= this.limitBytes) break;
      this.delete(key);
    }
  }
}
