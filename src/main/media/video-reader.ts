import { extname } from 'node:path';
import type { MediaInfo } from '@shared/media';
import { AppError } from '@shared/errors';
import { FrameDecoder } from './decoder';
import type { FrameCache } from './frame-cache';
import type { FrameRegion, RegionStream, RgbImage } from './image';
import type { VideoTiming } from './probe-video';
import { seekTimeOf } from './seek';
import { WarmFfmpeg } from './warm-ffmpeg';
import { checkFrameSize, checkIndex, MAX_FRAME_PIXELS, type FrameReader } from './reader';

export interface VideoReaderOptions {
  readonly ffmpeg: string;
  readonly cache: FrameCache;
  /** Cache key prefix, unique per clip. */
  readonly key: string;
  /** Frames decoded ahead after each read, so stepping forward hits the cache. */
  readonly prefetch?: number;
  /** Frames decoded before the target when stepping backward, so further steps back hit the cache. */
  readonly backstep?: number;
  /** Read forward instead of re-seeking when the target is at most this far ahead of the decoder. */
  readonly forwardGap?: number;
  readonly maxFramePixels?: number;
  /**
   * Keep one idle ffmpeg ready for the next seek (see WarmFfmpeg). Default: on for
   * containers whose packets carry presentation times (MP4/MOV, Matroska/WebM) and no
   * rotation (the concat input does not pass rotation to ffmpeg's autorotate).
   */
  readonly warmSeeks?: boolean;
  /**
   * An ffmpeg started while the clip was probed (`startWarm`): the reader's first decode
   * uses it, frame 0 included, instead of waiting for another ffmpeg to load. Closed
   * unused when the clip does not allow warm starts.
   */
  readonly started?: WarmFfmpeg;
}

/** AVI stores no presentation times: with B-frames the concat in-point lands frames late (tested). */
const WARM_SEEK_CONTAINERS = /^\.(mp4|m4v|mov|mkv|webm)$/i;

/** Whether a file's container allows warm starts (see WarmFfmpeg), judged by its name before it is probed. */
export function warmStartsBy(path: string): boolean {
  return WARM_SEEK_CONTAINERS.test(extname(path));
}

/**
 * Frame-exact random access into a video. Frame i is the i-th frame in presentation
 * order; for a constant-rate stream it is presented at start + i/fps. A read seeks the
 * decoder to half a frame before that time (ffmpeg then decodes from the preceding
 * keyframe and drops everything earlier), so the first frame out is exactly frame i and
 * every following frame is i+1, i+2 … One persistent decoder serves sequential access.
 */
export class VideoFrameReader implements FrameReader {
  readonly frameCount: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  #decoder: FrameDecoder | null = null;
  #spare: WarmFfmpeg | null = null;
  /** The spare was started with the clip's probe and may serve frame 0 too. */
  #firstWarm = false;
  #seeks = false;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #inflight = new Map<number, Promise<RgbImage>>();
  #pendingUser = 0;
  #last = -1;
  #closed = false;
  readonly #prefetch: number;
  readonly #backstep: number;
  readonly #forwardGap: number;
  #warmSeeks: boolean;
  /** Where the current decoder was started by a warm process (null: spawned for this seek). */
  #warmFrom: number | null = null;

  constructor(
    readonly info: MediaInfo,
    readonly timing: VideoTiming,
    readonly options: VideoReaderOptions,
  ) {
    checkFrameSize(info, options.maxFramePixels ?? MAX_FRAME_PIXELS);
    this.frameCount = info.frames;
    this.fps = info.fps;
    this.width = info.width;
    this.height = info.height;
    this.#prefetch = options.prefetch ?? 8;
    this.#backstep = options.backstep ?? 15;
    this.#forwardGap = options.forwardGap ?? Math.max(30, Math.round(info.fps));
    this.#warmSeeks = options.warmSeeks ?? (info.rotation === 0 && warmStartsBy(info.path));
    // Frame 0 from a warm start is the first frame at or after the container start: only
    // the frame the reader calls 0 when no frame is stamped before that start.
    if (this.#warmSeeks && options.started && timing.firstFrameSec >= timing.startSec) {
      this.#spare = options.started;
      this.#firstWarm = true;
    } else options.started?.close();
  }

  async read(index: number): Promise<RgbImage> {
    checkIndex(this.info, index);
    if (this.#closed) throw new AppError('NOT_FOUND', `${this.info.path} was closed`);
    const backward = index === this.#last - 1;
    this.#last = index;
    const cached = this.options.cache.get(this.#key(index));
    if (cached) {
      if (backward) this.#scheduleBackfill(index);
      else this.#schedulePrefetch(index);
      return cached;
    }
    const pending = this.#inflight.get(index);
    if (pending) return pending;
    this.#pendingUser += 1;
    const job = this.#enqueue(() => this.#decodeTo(index, backward)).finally(() => {
      this.#pendingUser -= 1;
      this.#inflight.delete(index);
    });
    this.#inflight.set(index, job);
    const image = await job;
    this.#replenishSpare();
    this.#schedulePrefetch(index);
    return image;
  }

  /**
   * A forward pass from frame `first`, cut to `region` by ffmpeg (crop filter): a fresh
   * decoder of its own, apart from the random-access one and its cache, holding about two
   * region frames (the pipe's back-pressure). Even x, y, width and height keep the crop
   * on the 4:2:0 chroma grid, so the region's pixels are the full frame's.
   */
  streamRegion(region: FrameRegion, first: number): RegionStream {
    checkIndex(this.info, first);
    if (this.#closed) throw new AppError('NOT_FOUND', `${this.info.path} was closed`);
    const { x, y, width, height } = region;
    const even = [x, y, width, height].every((v) => Number.isInteger(v) && v % 2 === 0);
    if (!even || width <= 0 || height <= 0 || x < 0 || y < 0 || x + width > this.width || y + height > this.height) {
      throw new AppError('INVALID_INPUT', `A streamed region must be even whole pixels inside the ${this.width}×${this.height} frame (got ${width}×${height} at ${x},${y}).`);
    }
    // Rotated streams are turned upright by ffmpeg before the filter runs: the region is in upright pixels too.
    const decoder = new FrameDecoder({
      ffmpeg: this.options.ffmpeg,
      path: this.info.path,
      seekSec: seekTimeOf(this.timing, this.fps, first),
      width,
      height,
      firstIndex: first,
      filter: `crop=${width}:${height}:${x}:${y}:exact=1`,
    });
    const frameCount = this.frameCount;
    return {
      next: async () => {
        if (decoder.nextIndex >= frameCount) return null;
        const index = decoder.nextIndex;
        const data = await decoder.read();
        if (!data) throw new AppError('MEDIA_UNREADABLE', `Frame ${index} of ${this.info.path} could not be decoded: the stream ends early (truncated file?)`);
        return { width, height, channels: 3, data };
      },
      get bufferedBytes() {
        return decoder.bufferedBytes;
      },
      close: () => decoder.close(),
    };
  }

  close(): void {
    this.#closed = true;
    this.#spare?.close();
    this.#spare = null;
    this.#decoder?.close();
    this.#decoder = null;
    this.options.cache.deletePrefix(`${this.options.key}:`);
  }

  #key(index: number): string {
    return `${this.options.key}:${index}`;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #decodeTo(index: number, backward: boolean): Promise<RgbImage> {
    const hit = this.options.cache.get(this.#key(index));
    if (hit) return hit;
    const decoder = this.#decoder;
    const ahead = decoder ? index - decoder.nextIndex : -1;
    if (!decoder || ahead < 0 || ahead > this.#forwardGap) {
      this.#startAt(backward ? Math.max(0, index - this.#backstep) : index);
    }
    for (;;) {
      // A warm process that fails before its first frame is retried the usual way.
      const warmFrom = this.#warmFrom !== null && this.#decoder?.nextIndex === this.#warmFrom ? this.#warmFrom : null;
      const image = await this.#step().catch((error: unknown) => {
        if (warmFrom === null) throw error;
        return null;
      });
      if (!image && warmFrom !== null) {
        // The warm process failed (an ffmpeg without the concat demuxer?): seek the usual way from now on.
        this.#warmSeeks = false;
        this.#spare?.close();
        this.#spare = null;
        this.#startAt(warmFrom);
        continue;
      }
      if (!image) {
        throw new AppError('MEDIA_UNREADABLE', `Frame ${index} of ${this.info.path} could not be decoded: the stream ends early (truncated file?)`);
      }
      if (image.index === index) return image.image;
    }
  }

  #startAt(index: number): void {
    this.#decoder?.close();
    const seekSec = seekTimeOf(this.timing, this.fps, index);
    // A warm process, when one is ready, serves every start but frame 0 (which needs no seek),
    // and frame 0 too when it was started with the clip's probe.
    const spare = (index > 0 || this.#firstWarm) && this.#spare?.alive ? this.#spare : null;
    if (spare) this.#spare = null;
    this.#firstWarm = false;
    const options = { ffmpeg: this.options.ffmpeg, path: this.info.path, seekSec, width: this.width, height: this.height, firstIndex: index };
    this.#decoder = new FrameDecoder(options, spare?.start(this.info.path, this.timing.startSec + seekSec));
    this.#warmFrom = spare ? index : null;
    // Only readers that seek get a spare: a clip read once from frame 0 (analysis) never needs one.
    if (index > 0) this.#seeks = true;
  }

  /** After a user read: start the next seek's ffmpeg now, off the critical path (not while this seek decodes). */
  #replenishSpare(): void {
    if (!this.#warmSeeks || !this.#seeks || this.#closed || this.#spare?.alive) return;
    this.#spare?.close();
    this.#spare = new WarmFfmpeg(this.options.ffmpeg);
  }

  /** Decodes the decoder's next frame into the cache. */
  async #step(): Promise<{ index: number; image: RgbImage } | null> {
    const decoder = this.#decoder;
    if (!decoder) return null;
    const index = decoder.nextIndex;
    let data: Uint8Array | null;
    try {
      data = await decoder.read();
    } catch (error) {
      this.#decoder = null;
      decoder.close();
      throw error;
    }
    if (!data || index >= this.frameCount) {
      if (this.#decoder === decoder) this.#decoder = null;
      decoder.close();
      return null;
    }
    const image: RgbImage = { width: this.width, height: this.height, channels: 3, data };
    this.options.cache.set(this.#key(index), image);
    return { index, image };
  }

  /**
   * Stepping backward through cached frames: before the cached run runs out, decode the
   * stretch before it in the background (a decoder can only go forward).
   */
  #scheduleBackfill(index: number): void {
    const cache = this.options.cache;
    if (this.#closed || index === 0 || cache.has(this.#key(Math.max(0, index - Math.ceil(this.#backstep / 2))))) return;
    let low = index;
    while (low > 0 && cache.has(this.#key(low - 1))) low -= 1;
    if (low === 0) return;
    void this.#enqueue(async () => {
      // An earlier backfill may have covered this stretch already.
      if (this.#pendingUser > 0 || this.#closed || cache.has(this.#key(low - 1))) return;
      this.#startAt(Math.max(0, low - this.#backstep));
      while (this.#pendingUser === 0 && this.#decoder && this.#decoder.nextIndex < low) {
        if (!(await this.#step())) return;
      }
    }).catch(() => undefined);
  }

  #schedulePrefetch(index: number): void {
    if (this.#prefetch <= 0 || this.#closed) return;
    const until = Math.min(this.frameCount - 1, index + this.#prefetch);
    void this.#enqueue(async () => {
      // Yield to any user read that arrived; stop when the decoder is elsewhere.
      while (this.#pendingUser === 0 && this.#decoder && !this.#closed) {
        const next = this.#decoder.nextIndex;
        if (next > until || next <= index - 1) return;
        if (!(await this.#step())) return;
      }
    }).catch(() => undefined);
  }
}
