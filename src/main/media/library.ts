import { resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '@shared/errors';
import type { FrameRequest } from '@shared/frames';
import type { MediaInfo } from '@shared/media';
import { locateFfmpeg } from './ffmpeg';
import { FrameCache } from './frame-cache';
import { checkMediaPath, probeClip, toMediaInfo, type ProbedMedia, type ProbeOptions } from './probe';
import type { VideoTiming } from './probe-video';
import { decodesOnWarm, startVideoChecks } from './probe-verify';
import { encodeAs, frameEtag, warmEncoder, type EncodedFrame } from './frame-encoding';
import { PreparedFrames } from './prepared-frames';
import { checkIndex, type FrameReader } from './reader';
import { SequenceFrameReader } from './sequence';
import { clipIdFor, contentStamp } from './clip-identity';
import { servedWidth, UpscaleGate } from './upscale';
import { VideoFrameReader, warmStartsBy } from './video-reader';
import { WarmFfmpeg } from './warm-ffmpeg';
import { LAST_CHECK_WAITS_MS, REFUSALS_KEPT, retire, type MediaLibraryOptions, type OpenClip, type OpenOptions, type Refusal } from './open-clip';

export type { MediaLibraryOptions, OpenOptions } from './open-clip';

/** Something that can produce an encoded frame of a clip: what the frame route serves. */
export interface FrameSource {
  encodeFrame(request: FrameRequest): Promise<EncodedFrame>;
}

/**
 * The clips the app has open, by stable clip id. Opening probes once; readers are made
 * on demand, share one bounded frame cache and are closed when idle (their id stays
 * valid: the next frame request reopens them). Also the frame route's FrameSource.
 */
export class MediaLibrary implements FrameSource {
  readonly cache: FrameCache;
  /** Frame 0's image of each clip the view opened, encoded while the answer travels. */
  readonly prepared = new PreparedFrames();
  readonly #clips = new Map<string, OpenClip>();
  readonly #upscales = new UpscaleGate();
  readonly #refused = new Map<string, Refusal>();
  readonly #idleMs: number;
  readonly #timer: NodeJS.Timeout;
  #spare: WarmFfmpeg | null = null;
  #closed = false;

  constructor(readonly options: MediaLibraryOptions = {}) {
    this.cache = new FrameCache((options.cacheMB ?? 512) * 2 ** 20);
    this.#idleMs = options.idleMs ?? 120_000;
    this.#timer = setInterval(() => this.closeIdle(), Math.max(1000, this.#idleMs / 4));
    this.#timer.unref();
    this.#replenishSpare();
    if (options.spareDecoder) warmEncoder();
  }

  /** Starts the spare decoder when it is wanted and missing (or died). */
  #replenishSpare(): void {
    if (!this.options.spareDecoder || this.#closed || this.#spare?.alive) return;
    this.#spare?.close();
    try {
      this.#spare = new WarmFfmpeg(locateFfmpeg().path);
      // Kept for a later open only: it must not keep the app (or a script) running.
      this.#spare.letOwnerExit();
    } catch {
      // No ffmpeg: opens start their own and say why.
      this.#spare = null;
    }
  }

  /** The spare decoder when it is ready, else a fresh ffmpeg. */
  #firstDecoder(): WarmFfmpeg {
    const spare = this.#spare?.alive ? this.#spare : null;
    this.#spare = spare ? null : this.#spare;
    return spare ?? new WarmFfmpeg(locateFfmpeg().path);
  }

  setCacheMB(megabytes: number): void {
    this.cache.setLimit(megabytes * 2 ** 20);
  }

  /**
   * Opens (or re-uses) a clip at an absolute path: its id derives from that path, size,
   * mtime and a digest of the file's head and tail (clip-identity.ts). `probed` is the clip's probe when the caller already made one (it is not repeated).
   */
  async open(path: string, options: ProbeOptions = {}, probed?: ProbedMedia, opening: OpenOptions = {}): Promise<{ clipId: string; info: MediaInfo }> {
    await checkMediaPath(path);
    const absolute = resolve(path);
    const clipId = await clipIdFor(absolute);
    const stamp = await contentStamp(absolute);
    const known = this.#clips.get(clipId);
    if (known && known.options.fps === options.fps && known.stamp === stamp) {
      known.lastUsed = Date.now();
      if (!opening.checkOnly) known.checkOnly = false;
      await (opening.lastFrameLater ? known.shown : known.checked);
      return { clipId, info: known.info };
    }
    // The first decode's ffmpeg and the last-frame check's load their libraries while the
    // probe runs (see WarmFfmpeg): after it, neither waits for a process start. Answered
    // after frame 0, the last check's ffmpeg starts after that decode instead: loading it
    // beside the probe and the first decoder made three processes share two cores.
    const warm = !probed && warmStartsBy(absolute);
    const started = warm ? this.#firstDecoder() : null;
    const lastCheck = warm && !opening.lastFrameLater ? new WarmFfmpeg(locateFfmpeg().path) : null;
    let media: ProbedMedia;
    try {
      media = probed ?? (await probeClip(absolute, options, false));
    } catch (error) {
      started?.close();
      lastCheck?.close();
      this.#replenishSpare();
      throw error;
    }
    const info = toMediaInfo(media);
    if (known) retire(known);
    this.prepared.drop(clipId);
    const clip: OpenClip = { options, probed: media, info, reader: null, lastUsed: Date.now(), holds: 0, checked: Promise.resolve(), shown: Promise.resolve(), pending: false, started, stamp, checkOnly: opening.checkOnly };
    this.#clips.set(clipId, clip);
    // The view's open: the last frame's check and the display proxy's build start once the
    // view's first frame is served (frame 0's prepared image, or the frame a view opening at
    // an event asks for; at most LAST_CHECK_WAITS_MS later), not beside serving it.
    let frameZeroOut: () => void = () => undefined;
    const heavyMayStart = opening.lastFrameLater ? new Promise<void>((done) => (frameZeroOut = done)) : Promise.resolve();
    if (opening.lastFrameLater) {
      setTimeout(frameZeroOut, this.options.heavyWaitMs ?? LAST_CHECK_WAITS_MS).unref();
      clip.firstServed = frameZeroOut;
    }
    if (!probed && media.kind === 'video') {
      this.#refused.delete(absolute);
      const checks = this.#verify(clipId, clip, media.timing, lastCheck ?? (warm ? 'after-first' : null), heavyMayStart);
      clip.pending = true;
      clip.shown = checks.first;
      // The refusal is recorded in the same step that ends `pending`: a write that looks in
      // between finds one or the other, never neither.
      clip.checked = checks.all.then(
        () => {
          clip.pending = false;
          lastCheck?.close();
        },
        (error: unknown) => {
          clip.pending = false;
          lastCheck?.close();
          // A clip a later open replaced leaves the refusal to that open's own checks (a
          // refused clip is already closed, so it is missing, not replaced).
          if (!clip.retired) this.#remember(absolute, { error: AppError.from(error), stamp, options });
          throw error;
        },
      );
      // The next spare loads once this clip's checks are done, not beside them.
      clip.checked.finally(() => this.#replenishSpare()).catch(() => undefined);
      clip.shown.catch(() => undefined);
      clip.checked.catch(() => undefined);
      if (opening.lastFrameLater) {
        await clip.shown.catch((error: unknown) => {
          frameZeroOut();
          throw error;
        });
        const first = { clipId, index: 0, format: 'jpg' } as const;
        // Not for a clip closed or refused while frame 0 decoded: nothing would take the image.
        if (this.#clips.get(clipId) === clip) void this.prepared.prepare(clipId, frameEtag(first), () => this.#encode(first, info)).then(frameZeroOut);
        else frameZeroOut();
        // Answered: a refusal from here on is news to the caller.
        clip.checked.catch((error: unknown) => this.#announceRefusal(clipId, AppError.from(error)));
      } else await clip.checked;
    } else {
      lastCheck?.close();
      frameZeroOut();
    }
    if (!opening.checkOnly) this.options.proxies?.prepare(clipId, info, heavyMayStart);
    else if (this.#clips.get(clipId) === clip) {
      // A view or an analysis that opened the same content while it was checked keeps it, with its proxy.
      if (clip.checkOnly && clip.holds === 0) this.close(clipId);
      else this.options.proxies?.prepare(clipId, info, heavyMayStart);
    }
    return { clipId, info };
  }

  /**
   * The video's decode checks, with frame 0 decoded by its reader: the view asks for that
   * frame first, and finds it in the cache instead of waiting for another ffmpeg start.
   * The last frame is tried on `lastCheck`, a warm ffmpeg started with the probe, or on one
   * started once frame 0 is decoded (`after-first`) and `lastMayStart` has resolved.
   * A clip that fails them is not kept open.
   */
  #verify(clipId: string, clip: OpenClip, timing: VideoTiming, lastCheck: WarmFfmpeg | 'after-first' | null, lastMayStart: Promise<void>): { first: Promise<void>; all: Promise<void> } {
    let reader: FrameReader | null = null;
    // Only a frame the cache keeps is worth decoding whole here; a larger one (8K with a
    // small cache), or one above the pixel limit (no reader), is checked on its own.
    if (clip.info.width * clip.info.height * 3 <= this.cache.limit / 4) {
      try {
        reader = this.#readerNow(clipId);
      } catch {
        reader = null;
      }
    }
    let firstDone: (passed: boolean) => void = () => undefined;
    const firstPassed = new Promise<boolean>((done) => (firstDone = done));
    const tryLast = async (index: number): Promise<boolean> => {
      if (lastCheck !== 'after-first') return lastCheck ? decodesOnWarm(lastCheck, clip.info, timing, index) : false;
      // A clip refused on frame 0 is refused for that: its last frame is not worth a process.
      if (!(await firstPassed)) return true;
      await lastMayStart;
      // Below normal priority: the view is fetching and drawing frame 0 meanwhile, on the same
      // cores; not the lowest, since a write naming the clip waits for this check.
      return decodesOnWarm(new WarmFfmpeg(locateFfmpeg().path, true), clip.info, timing, index);
    };
    const checks = startVideoChecks(clip.info, timing, {
      ...(reader ? { first: () => (reader as FrameReader).read(0) } : {}),
      ...(lastCheck ? { other: tryLast } : {}),
    });
    checks.first.then(
      () => firstDone(true),
      () => firstDone(false),
    );
    const refuse = (error: unknown): never => {
      if (this.#clips.get(clipId) === clip) {
        this.#clips.delete(clipId);
        this.prepared.drop(clipId);
      }
      clip.reader?.close();
      clip.started?.close();
      throw error;
    };
    return { first: checks.first.catch(refuse), all: checks.all.catch(refuse) };
  }

  /** Tells the owner a clip answered earlier was refused; a throwing listener is not this check's failure. */
  #announceRefusal(clipId: string, error: AppError): void {
    try {
      this.options.onRefused?.(clipId, error);
    } catch {
      // The refusal stands (recorded for `settled`); only its announcement is lost.
    }
  }

  /** Records a path's refusal for `settled` (bounded: the oldest go first). */
  #remember(absolute: string, refusal: Refusal): void {
    this.#refused.delete(absolute);
    this.#refused.set(absolute, refusal);
    if (this.#refused.size > REFUSALS_KEPT) this.#refused.delete(this.#refused.keys().next().value as string);
  }

  /** Whether any clip's checks are under way or a path was refused: else `settled` has nothing to wait for. */
  get unsettled(): boolean {
    return this.#refused.size > 0 || [...this.#clips.values()].some((clip) => clip.pending);
  }

  /**
   * Waits for the checks of the open clip at `path` (answered early, see `lastFrameLater`);
   * rejects with the reason when they refused it. A path with nothing open or pending passes;
   * a refused one whose file has changed since (repaired, restored, or only chmod-ed) passes
   * only when its content passes the checks again.
   */
  async settled(path: string): Promise<void> {
    const absolute = resolve(path);
    const pending = [...this.#clips.values()].filter((clip) => clip.pending && clip.info.path === absolute);
    await Promise.all(pending.map((clip) => clip.checked));
    const refusal = this.#refused.get(absolute);
    if (!refusal) return;
    const stamp = await contentStamp(absolute).catch(() => refusal.stamp);
    if (refusal.stamp === stamp) throw refusal.error;
    if (refusal.recheck?.stamp !== stamp) refusal.recheck = { stamp, done: this.#recheck(absolute, refusal, stamp) };
    await refusal.recheck.done;
  }

  /** Opens the refused file again with every check: a pass lifts the refusal, a failure renews it for `stamp`. */
  async #recheck(absolute: string, refusal: Refusal, stamp: string): Promise<void> {
    try {
      await this.open(absolute, refusal.options, undefined, { checkOnly: true });
      // Passed, whichever way the open went (a clip already open with this content, a frame folder now at the path).
      if (this.#refused.get(absolute) === refusal) this.#refused.delete(absolute);
    } catch (error) {
      // Refused before its checks ran (the probe): the open recorded nothing, this does.
      if (this.#refused.get(absolute) === refusal) this.#remember(absolute, { error: AppError.from(error), stamp, options: refusal.options });
      throw error;
    }
  }

  info(clipId: string): MediaInfo {
    return this.#clip(clipId).info;
  }

  /** The clip's frame reader, opened on first use. */
  async reader(clipId: string): Promise<FrameReader> {
    return this.#readerNow(clipId);
  }

  #readerNow(clipId: string): FrameReader {
    const clip = this.#clip(clipId);
    clip.lastUsed = Date.now();
    if (clip.reader) return clip.reader;
    const { probed } = clip;
    const limit = this.options.maxFramePixels;
    const started = clip.started ?? undefined;
    clip.started = null;
    if (probed.kind !== 'video') {
      started?.close();
      clip.reader = new SequenceFrameReader(clip.info, probed.layout, this.cache, clipId, limit);
      return clip.reader;
    }
    try {
      clip.reader = new VideoFrameReader(clip.info, probed.timing, { ffmpeg: locateFfmpeg().path, cache: this.cache, key: clipId, maxFramePixels: limit, ...(started ? { started } : {}) });
    } catch (error) {
      started?.close();
      throw error;
    }
    return clip.reader;
  }

  /**
   * A frame for display (the `/frames` route). With a ready display proxy at least as wide
   * as asked, the frame's JPEG comes from the proxy: as stored for `jpg` at proxy width,
   * else transcoded. Otherwise the source is decoded exactly. Analysis never comes here:
   * it reads exact source frames through `reader()`. Upscales are capped and gated (see
   * upscale.ts): beyond the gate's limit they fail as BUSY.
   */
  async encodeFrame(request: FrameRequest): Promise<EncodedFrame> {
    const clip = this.#clip(request.clipId);
    const encoded = this.#encodeFor(request, clip.info);
    const served = clip.firstServed;
    clip.firstServed = undefined;
    if (served) encoded.then(served, served);
    return encoded;
  }

  async #encodeFor(request: FrameRequest, info: MediaInfo): Promise<EncodedFrame> {
    const prepared = this.prepared.take(frameEtag(request));
    if (prepared) return prepared.catch(() => this.#encode(request, info));
    if (request.width === undefined || request.width <= info.width) return this.#encode(request, info);
    const served = { ...request, width: servedWidth(request.width, info.width) };
    return this.#upscales.run(() => this.#encode(served, info));
  }

  async #encode(request: FrameRequest, info: MediaInfo): Promise<EncodedFrame> {
    const { clipId, index, format } = request;
    const etag = frameEtag(request);
    const width = request.width ?? info.width;
    const proxy = this.options.proxies?.get(clipId);
    if (proxy && width <= proxy.width) {
      checkIndex(info, index);
      const jpeg = await proxy.jpeg(index);
      if (format === 'jpg' && width === proxy.width) return { data: jpeg, etag: `${etag.slice(0, -1)}-proxy"` };
      return { data: await encodeAs(sharp(jpeg), format, width, proxy.width), etag: `${etag.slice(0, -1)}-proxy"` };
    }
    const frame = await (await this.reader(clipId)).read(index);
    const raw = sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    });
    return { data: await encodeAs(raw, format, width, frame.width), etag };
  }

  /**
   * Keeps the clip's reader open until the returned release is called, however long it
   * goes without a `reader()` call: an analysis asks for the reader once and then reads
   * (or streams) from it for as long as the recording takes.
   */
  hold(clipId: string): () => void {
    const clip = this.#clip(clipId);
    clip.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clip.holds -= 1;
      clip.lastUsed = Date.now();
      if (clip.retired && clip.holds === 0) retire(clip);
    };
  }

  /**
   * Releases the processes of clips not used for idleMs and not held: the reader, and the
   * ffmpeg started at open that no reader took (a frame too large to decode at open).
   */
  closeIdle(now = Date.now()): void {
    for (const clip of this.#clips.values()) {
      if (clip.holds > 0 || now - clip.lastUsed < this.#idleMs) continue;
      clip.reader?.close();
      clip.reader = null;
      clip.started?.close();
      clip.started = null;
    }
  }

  close(clipId?: string): void {
    for (const [id, clip] of this.#clips) {
      if (clipId !== undefined && id !== clipId) continue;
      clip.reader?.close();
      clip.started?.close();
      this.prepared.drop(id);
      this.options.proxies?.release(id);
      this.#clips.delete(id);
    }
    if (clipId === undefined) {
      clearInterval(this.#timer);
      this.#closed = true;
      this.#spare?.close();
      this.#spare = null;
    }
  }

  #clip(clipId: string): OpenClip {
    const clip = this.#clips.get(clipId);
    if (!clip) throw new AppError('NOT_FOUND', `No clip ${clipId} is open`);
    return clip;
  }
}
