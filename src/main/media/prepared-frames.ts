/**
 * Encoded frames started before anyone asks for them: the view's open prepares frame 0's
 * image as soon as that frame decodes, beside `media.open`'s answer, so the frame route's
 * first request finds the encode done (or under way) instead of starting it. Each one is
 * taken once; a clip's are dropped when it closes or is replaced. Bounded: at most
 * `limit` are kept, the oldest dropped first.
 */
import type { EncodedFrame } from './frame-encoding';

export class PreparedFrames {
  readonly #ready = new Map<string, { clipId: string; frame: Promise<EncodedFrame> }>();

  constructor(readonly limit = 8) {}

  /** Starts `encode` now and keeps its result for `take(key)`; a failure is left to the taker. */
  prepare(clipId: string, key: string, encode: () => Promise<EncodedFrame>): void {
    const frame = encode();
    // Nobody may ever take it: its failure must not surface as an unhandled rejection.
    frame.catch(() => undefined);
    this.#ready.delete(key);
    this.#ready.set(key, { clipId, frame });
    while (this.#ready.size > this.limit) this.#ready.delete(this.#ready.keys().next().value as string);
  }

  /** The prepared frame for `key`, once (the next request encodes anew), or undefined. */
  take(key: string): Promise<EncodedFrame> | undefined {
    const entry = this.#ready.get(key);
    this.#ready.delete(key);
    return entry?.frame;
  }

  has(key: string): boolean {
    return this.#ready.has(key);
  }

  get size(): number {
    return this.#ready.size;
  }

  /** Forgets a clip's prepared frames (closed, refused, or replaced by changed content). */
  drop(clipId: string): void {
    for (const [key, entry] of this.#ready) if (entry.clipId === clipId) this.#ready.delete(key);
  }
}
