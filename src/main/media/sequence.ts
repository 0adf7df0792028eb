import { execFile } from 'node:child_process';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '@shared/errors';
import { DEFAULT_SEQUENCE_FPS, type MediaInfo } from '@shared/media';
import { locateFfmpeg } from './ffmpeg';
import type { FrameCache } from './frame-cache';
import { loadImageFile, type RgbImage } from './image';
import { checkFrameSize, checkIndex, MAX_FRAME_PIXELS, type FrameReader } from './reader';
import { lastErrorLine } from './tools';
import { isInside } from '../util/roots';

/** Frames decoded ahead of the one shown (JPEG decode of a 640×480 frame is a few ms). */
const SEQUENCE_PREFETCH = 4;
const FRAME_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp']);
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A frame folder resolved to one file (or a gap) per 0-based frame index. */
export interface SequenceLayout {
  /** File path per frame index; null where the numbering has a gap. */
  readonly files: readonly (string | null)[];
  readonly pattern: string | null;
  readonly firstNumber: number | null;
}

/** Frame files of a folder (image extensions, no hidden files), in natural order: img2 before img10. */
export async function listFrameFiles(dir: string): Promise<string[]> {
  return (await frameEntries(dir)).names;
}

/** Frame files and which of them are symlinks (checked by checkFrameLinks). */
async function frameEntries(dir: string): Promise<{ names: string[]; links: string[] }> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && FRAME_EXTENSIONS.has(extname(e.name).toLowerCase()),
  );
  return { names: entries.map((e) => e.name).sort(collator.compare), links: entries.filter((e) => e.isSymbolicLink()).map((e) => e.name) };
}

/**
 * A frame that is a symlink is followed only to a regular file inside the frame folder
 * (e.g. frames renumbered by links to the originals in a subfolder). A link leading out
 * of the folder is refused: a clip is what its folder holds, and a folder received from
 * elsewhere must not make the app read (and show) files elsewhere on this machine.
 */
async function checkFrameLinks(dir: string, links: readonly string[]): Promise<void> {
  if (!links.length) return;
  const root = await realpath(dir);
  const refuse = (name: string, why: string) => new AppError('MEDIA_UNREADABLE', `Frame ${name} in ${dir} ${why}`);
  for (const name of links) {
    const link = join(dir, name);
    const target = await realpath(link).catch(() => null);
    if (!target) {
      const points = await readlink(link).catch(() => '?');
      throw refuse(name, `is a link that points to nothing (${points} does not exist)`);
    }
    if (target === root || !isInside(root, target)) {
      throw refuse(name, `is a link to ${target}, outside the folder; frames must be files inside the frame folder (copy them in, or link the whole folder instead)`);
    }
    if (!(await stat(target)).isFile()) throw refuse(name, `is a link to ${target}, which is not a regular file`);
  }
}

/**
 * Maps files to indices. When every name is <prefix><number><ext> with one prefix and
 * extension (img1.jpg…, 006_05562.jpg…), index i is number first+i and a missing number
 * is a gap: it keeps its index (so dataset frame numbers and time stay aligned) and
 * reading it fails. Otherwise index i is the i-th file in natural order.
 */
export function layoutSequence(dir: string, names: readonly string[]): SequenceLayout {
  const parsed = names.map((name) => /^(.*?)(\d+)(\.[^.]+)$/.exec(name));
  const first = parsed[0];
  const consistent = first && parsed.every((m) => m && m[1] === first[1] && m[3]?.toLowerCase() === first[3]?.toLowerCase());
  if (!consistent || !first) return { files: names.map((n) => join(dir, n)), pattern: null, firstNumber: null };
  const numbers = parsed.map((m) => Number(m?.[2]));
  const lowest = numbers[0] as number;
  const highest = numbers.at(-1) as number;
  // A stray file numbered far away (img1 … img300, img99999) would make a huge, mostly missing clip.
  if (highest - lowest + 1 > 2 * names.length + 1000) {
    throw new AppError('INVALID_INPUT', `Frame numbers in ${dir} run from ${lowest} to ${highest} but only ${names.length} files exist: mostly missing frames`);
  }
  const files: (string | null)[] = new Array<string | null>(highest - lowest + 1).fill(null);
  numbers.forEach((n, i) => {
    if (files[n - lowest]) {
      throw new AppError('INVALID_INPUT', `Frame folder ${dir} has two files numbered ${n}: ${names[i]} and another`);
    }
    files[n - lowest] = join(dir, names[i] as string);
  });
  const widths = new Set(parsed.map((m) => m?.[2]?.length));
  const padded = widths.size === 1 && first[2]?.startsWith('0') ? `:0${first[2].length}` : '';
  return { files, pattern: `${first[1]}{n${padded}}${first[3]}`, firstNumber: lowest };
}

export async function probeSequence(dir: string, fps?: number): Promise<MediaInfo & { layout: SequenceLayout }> {
  const { names, links } = await frameEntries(dir);
  if (!names.length) throw new AppError('MEDIA_UNREADABLE', `Folder ${dir} holds no frame images (jpg, png, bmp, tif, webp)`);
  await checkFrameLinks(dir, links);
  const layout = layoutSequence(dir, names);
  const firstFile = layout.files[0] as string;
  const format = await describeImage(firstFile);
  const frameRate = fps ?? DEFAULT_SEQUENCE_FPS;
  return {
    kind: 'sequence',
    path: dir,
    frames: layout.files.length,
    fps: frameRate,
    width: format.width,
    height: format.height,
    durationSec: layout.files.length / frameRate,
    codec: format.codec,
    rotation: 0,
    vfr: false,
    pixelFormat: format.pixelFormat,
    gray: format.gray,
    sequence: {
      pattern: layout.pattern,
      firstNumber: layout.firstNumber,
      missing: layout.files.flatMap((f, i) => (f ? [] : [i])),
      fpsAssumed: fps === undefined,
    },
    layout,
  };
}

async function describeImage(file: string): Promise<{ width: number; height: number; codec: string; pixelFormat: string; gray: boolean }> {
  if (extname(file).toLowerCase() === '.bmp') {
    const image = await decodeWithFfmpeg(file);
    return { width: image.width, height: image.height, codec: 'bmp', pixelFormat: 'rgb24', gray: false };
  }
  try {
    const meta = await sharp(file).metadata();
    const gray = meta.channels === 1 || meta.space === 'b-w' || meta.space === 'grey16';
    if (!meta.width || !meta.height) throw new Error('no image size');
    return { width: meta.width, height: meta.height, codec: meta.format ?? 'unknown', pixelFormat: gray ? 'gray' : (meta.space ?? 'srgb'), gray };
  } catch (error) {
    throw new AppError('MEDIA_UNREADABLE', `Cannot read image ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** libvips (sharp) has no BMP loader; ffmpeg converts BMP (CAS(ME)² / some SMIC exports ship it) to PNG. */
async function decodeWithFfmpeg(file: string): Promise<RgbImage> {
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'];
  const png = await new Promise<Buffer>((resolve, reject) => {
    execFile(locateFfmpeg().path, args, { encoding: 'buffer', maxBuffer: 1024 * 2 ** 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(lastErrorLine(stderr.toString('utf8')) || error.message)) : resolve(stdout),
    );
  }).catch((error: Error) => {
    throw new AppError('MEDIA_UNREADABLE', `Cannot decode image ${file}: ${error.message}`, { cause: error });
  });
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Frames of a numbered image folder; each read decodes one file (sharp), cached like video frames. */
export class SequenceFrameReader implements FrameReader {
  readonly frameCount: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;

  constructor(
    readonly info: MediaInfo,
    private readonly layout: SequenceLayout,
    private readonly cache: FrameCache,
    private readonly key: string,
    maxFramePixels = MAX_FRAME_PIXELS,
  ) {
    checkFrameSize(info, maxFramePixels);
    this.frameCount = info.frames;
    this.fps = info.fps;
    this.width = info.width;
    this.height = info.height;
  }

  readonly #inflight = new Map<number, Promise<RgbImage>>();
  #last = -1;

  async read(index: number): Promise<RgbImage> {
    checkIndex(this.info, index);
    // Decode the next few frames in the direction of travel on libuv's pool while the user looks at this one.
    const direction = index === this.#last - 1 ? -1 : 1;
    this.#last = index;
    const image = await this.#load(index);
    for (let k = 1; k <= SEQUENCE_PREFETCH; k += 1) {
      const next = index + direction * k;
      if (next >= 0 && next < this.frameCount && this.layout.files[next]) this.#load(next).catch(() => undefined);
    }
    return image;
  }

  #load(index: number): Promise<RgbImage> {
    const cached = this.cache.get(`${this.key}:${index}`);
    if (cached) return Promise.resolve(cached);
    let pending = this.#inflight.get(index);
    if (!pending) {
      pending = this.#decode(index).finally(() => this.#inflight.delete(index));
      this.#inflight.set(index, pending);
    }
    return pending;
  }

  async #decode(index: number): Promise<RgbImage> {
    const key = `${this.key}:${index}`;
    const file = this.layout.files[index];
    if (!file) {
      throw new AppError('NOT_FOUND', `Frame ${index} is missing from ${this.info.path}: no file numbered ${(this.layout.firstNumber ?? 0) + index}`);
    }
    const image = extname(file).toLowerCase() === '.bmp' ? await decodeWithFfmpeg(file) : await loadImageFile(file);
    if (image.width !== this.width || image.height !== this.height) {
      throw new AppError('MEDIA_UNREADABLE', `Frame ${index} (${file}) is ${image.width}×${image.height}, the sequence is ${this.width}×${this.height}`);
    }
    this.cache.set(key, image);
    return image;
  }

  close(): void {
    this.cache.deletePrefix(`${this.key}:`);
  }
}

/** Total bytes and newest mtime of a folder's frame files: part of a sequence's clip id. */
export async function sequenceStamp(dir: string): Promise<{ size: number; mtimeMs: number; count: number }> {
  const names = await listFrameFiles(dir);
  let size = 0;
  let mtimeMs = 0;
  for (const name of names) {
    const s = await stat(join(dir, name));
    size += s.size;
    mtimeMs = Math.max(mtimeMs, s.mtimeMs);
  }
  return { size, mtimeMs, count: names.length };
}
