import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '@shared/errors';
import type { FrameRequest } from '@shared/frames';
import type { MediaInfo } from '@shared/media';
import { locateFfmpeg } from './ffmpeg';
import { FrameCache } from './frame-cache';
import type { FrameSource } from './frame-route';
import { checkMediaPath, probeClip, toMediaInfo, type ProbedMedia, type ProbeOptions } from './probe';
import type { FrameReader } from './reader';
import { sequenceStamp, SequenceFrameReader } from './sequence';
import { VideoFrameReader } from './video-reader';

export interface MediaLibraryOptions {
  /** Budget for decoded frames of all clips together. */
  readonly cacheMB?: number;
  /** Readers unused this long release their decoder processes and cached frames. */
  readonly idleMs?: number;
  readonly maxFramePixels?: number;
}

interface OpenClip {
  readonly options: ProbeOptions;
  readonly probed: ProbedMedia;
  readonly info: MediaInfo;
  reader: FrameReader | null;
  lastUsed: number;
}

/**
 * The clips the app has open, by stable clip id. Opening probes once; readers are made
 * on demand, share one bounded frame cache and are closed when idle (their id stays
 * valid: the next frame request reopens them). Also the frame route's FrameSource.
 */
export class MediaLibrary implements FrameSource {
  readonly cache: FrameCache;
  readonly #clips = new Map<string, OpenClip>();
  readonly #idleMs: number;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly options: MediaLibraryOptions = {}) {
    this.cache = new FrameCache((options.cacheMB ?? 512) * 2 ** 20);
    this.#idleMs = options.idleMs ?? 120_000;
    this.#timer = setInterval(() => this.closeIdle(), Math.max(1000, this.#idleMs / 4));
    this.#timer.unref();
  }

  setCacheMB(megabytes: number): void {
    this.cache.setLimit(megabytes * 2 ** 20);
  }

  /** Opens (or re-uses) a clip at an absolute path: its id derives from that path, size and mtime. */
  async open(path: string, options: ProbeOptions = {}): Promise<{ clipId: string; info: MediaInfo }> {
    await checkMediaPath(path);
    const absolute = resolve(path);
    const clipId = await clipIdFor(absolute);
    const known = this.#clips.get(clipId);
    if (known && known.options.fps === options.fps) {
      known.lastUsed = Date.now();
      return { clipId, info: known.info };
    }
    const probed = await probeClip(absolute, options);
    const info = toMediaInfo(probed);
    known?.reader?.close();
    this.#clips.set(clipId, { options, probed, info, reader: null, lastUsed: Date.now() });
    return { clipId, info };
  }

  info(clipId: string): MediaInfo {
    return this.#clip(clipId).info;
  }

  /** The clip's frame reader, opened on first use. */
  async reader(clipId: string): Promise<FrameReader> {
    const clip = this.#clip(clipId);
    clip.lastUsed = Date.now();
    if (clip.reader) return clip.reader;
    const { probed } = clip;
    const limit = this.options.maxFramePixels;
    clip.reader =
      probed.kind === 'video'
        ? new VideoFrameReader(clip.info, probed.timing, { ffmpeg: locateFfmpeg().path, cache: this.cache, key: clipId, maxFramePixels: limit })
        : new SequenceFrameReader(clip.info, probed.layout, this.cache, clipId, limit);
    return clip.reader;
  }

  async encodeFrame(request: FrameRequest): Promise<{ data: Uint8Array; etag: string }> {
    const frame = await (await this.reader(request.clipId)).read(request.index);
    let image = sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    });
    if (request.width && request.width !== frame.width) image = image.resize({ width: request.width });
    const encoded =
      request.format === 'png' ? image.png({ compressionLevel: 1 }) : request.format === 'webp' ? image.webp({ quality: 90 }) : image.jpeg({ quality: 90 });
    const data = await encoded.toBuffer();
    return { data, etag: `"${request.clipId}-${request.index}-${request.width ?? 'n'}.${request.format}"` };
  }

  /** Releases readers not used for idleMs. */
  closeIdle(now = Date.now()): void {
    for (const clip of this.#clips.values()) {
      if (clip.reader && now - clip.lastUsed >= this.#idleMs) {
        clip.reader.close();
        clip.reader = null;
      }
    }
  }

  close(clipId?: string): void {
    for (const [id, clip] of this.#clips) {
      if (clipId !== undefined && id !== clipId) continue;
      clip.reader?.close();
      this.#clips.delete(id);
    }
    if (clipId === undefined) clearInterval(this.#timer);
  }

  #clip(clipId: string): OpenClip {
    const clip = this.#clips.get(clipId);
    if (!clip) throw new AppError('NOT_FOUND', `No clip ${clipId} is open`);
    return clip;
  }
}

/** 22 url-safe characters of sha256(path, size, mtime): stable while the file is unchanged. */
export async function clipIdFor(absolutePath: string): Promise<string> {
  let stamp;
  try {
    const s = await stat(absolutePath);
    stamp = s.isDirectory() ? await sequenceStamp(absolutePath) : { size: s.size, mtimeMs: s.mtimeMs, count: 1 };
  } catch (error) {
    throw new AppError('NOT_FOUND', `No such file or folder: ${absolutePath}`, { cause: error });
  }
  const digest = createHash('sha256').update(`${absolutePath}\0${stamp.size}\0${stamp.mtimeMs}\0${stamp.count}`).digest('base64url');
  return digest.slice(0, 22);
}
