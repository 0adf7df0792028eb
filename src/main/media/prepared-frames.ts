/**
 * Encoded frames started before anyone asks for them: the view's open prepares frame 0's
 * image as soon as that frame decodes, beside `media.open`'s answer, so the frame route's
 * first request finds the encode done (or under way) instead of starting it. Each one is
 * taken once; a clip's are dropped when it closes or is replaced. Bounded: at most
 * `limit` are kept, the oldest dropped first.
 */
import type { EncodedFrame } from './frame-encoding';

interface Prepared {
  readonly clipId: string;
  readonly frame: Promise<EncodedFrame>;
  /** Settles `prepare`'s promise: the image was handed out, or will never be. */
  readonly out: () => void;
}

export class PreparedFrames {
  readonly #ready = new Map<string, Prepared>();

  constructor(readonly limit = 8) {}

  /**
   * Starts `encode` now and keeps its result for `take(key)`; a failure is left to the taker.
   * Resolves once the image is handed out (taken and encoded) or dropped unread, so work
   * that should not share the cores with serving it can wait for that.
   */
  prepare(clipId: string, key: string, encode: () => Promise<EncodedFrame>): Promise<void> {
    const frame = encode();
    // Nobody may ever take it: its failure must not surface as an unhandled rejection.
    frame.catch(() => undefined);
    let out: () => void = () => undefined;
    const handedOut = new Promise<void>((done) => (out = done));
    this.#forget(key);
    this.#ready.set(key, { clipId, frame, out });
    while (this.#ready.size > this.limit) this.#forget(this.#ready.keys().next().value as string);
    return handedOut;
  }

  /** The prepared frame for `key`, once (the next request encodes anew), or undefined. */
  take(key: string): Promise<EncodedFrame> | undefined {
    const entry = this.#ready.get(key);
    this.#ready.delete(key);
    entry?.frame.then(entry.out, entry.out);
    return entry?.frame;
  }

  #forget(key: string): void {
    this.#ready.get(key)?.out();
    this.#ready.delete(key);
  }

  has(key: string): boolean {
    return this.#ready.has(key);
  }

  get size(): number {
    return this.#ready.size;
  }

  /** Forgets a clip's prepared frames (closed, refused, or replaced by changed content). */
  drop(clipId: string): void {
    for (const [key, entry] of this.#ready) if (entry.clipId === clipId) this.#forget(key);
  }
}
