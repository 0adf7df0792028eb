import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { constants, setPriority } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { decodeArgs } from './decoder';
import { JpegStreamSplitter } from './jpeg-stream';
import { PROXY_FRAMES_FILE, writeProxyIndex, type ProxyIndex, type SourceStamp } from './proxy-store';
import { lastErrorLine } from './tools';

export interface ProxyBuildOptions {
  readonly ffmpeg: string;
  readonly info: MediaInfo;
  readonly source: SourceStamp;
  /** The proxy's folder; emptied first. */
  readonly dir: string;
  /** Wider frames are scaled down to this width (display only needs screen resolution). */
  readonly maxWidth: number;
  /** ffmpeg mjpeg -q:v (2 best … 31 worst). */
  readonly quality: number;
  /** The build stops (and the proxy is dropped) when the frames file would grow past this. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Proxy frame size: the source size, or scaled to maxWidth keeping the aspect, even sides. */
export function proxySize(info: Pick<MediaInfo, 'width' | 'height'>, maxWidth: number): { width: number; height: number } {
  if (info.width <= maxWidth) return { width: info.width, height: info.height };
  const width = maxWidth - (maxWidth % 2);
  return { width, height: Math.max(2, 2 * Math.round((info.height * width) / info.width / 2)) };
}

/**
 * Decodes the whole source once, in order, with the frame reader's own ffmpeg input
 * arguments (so proxy frame i is source frame i) and writes every frame as a JPEG into one
 * file; the index of byte offsets is written last. ffmpeg runs at the lowest CPU priority
 * with one thread: the proxy is a background convenience, never in the way of the user.
 */
export async function buildProxy(options: ProxyBuildOptions): Promise<ProxyIndex> {
  const { info, dir, signal } = options;
  if (signal.aborted) throw new AppError('CANCELLED', 'Cancelled');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const size = proxySize(info, options.maxWidth);
  const scale = size.width === info.width ? [] : ['-vf', `scale=${size.width}:${size.height}:flags=bicubic`];
  const args = [
    ...decodeArgs(options.source.path, 0, ['-threads', '1']),
    ...scale,
    ...['-filter_threads', '1', '-threads', '1', '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg', '-q:v', String(options.quality), '-f', 'image2pipe', 'pipe:1'],
  ];
  const framesPath = join(dir, PROXY_FRAMES_FILE);
  try {
    const ends = await runEncoder(options, args, framesPath);
    if (ends.length < info.frames) {
      throw new AppError('MEDIA_UNREADABLE', `Proxy of ${info.path}: the stream ended after ${ends.length} of ${info.frames} frames`);
    }
    const handle = await open(framesPath, 'r+');
    await handle.sync().finally(() => handle.close());
    const index: ProxyIndex = {
      version: 1,
      source: { path: options.source.path, size: options.source.size, mtimeMs: options.source.mtimeMs },
      ...size,
      frames: info.frames,
      offsets: [0, ...ends.slice(0, info.frames)],
    };
    await writeProxyIndex(dir, index);
    return index;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw signal.aborted ? new AppError('CANCELLED', 'Cancelled') : error;
  }
}

/** Runs ffmpeg, streams its output into the frames file and returns where each JPEG ends. */
function runEncoder(options: ProxyBuildOptions, args: string[], framesPath: string): Promise<number[]> {
  const { signal, info } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(options.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, constants.priority.PRIORITY_LOW);
      } catch {
        // Not permitted on this system: the single thread still limits the load.
      }
    }
    const splitter = new JpegStreamSplitter();
    const out = createWriteStream(framesPath, { mode: 0o600 });
    let failure: AppError | null = null;
    let stderr = '';
    let bytes = 0;
    let reported = 0;
    const stop = (error: AppError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const onAbort = () => stop(new AppError('CANCELLED', 'Cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 8192) stderr += text;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      bytes += chunk.length;
      try {
        splitter.push(chunk);
      } catch (error) {
        stop(new AppError('MEDIA_UNREADABLE', `Proxy of ${info.path}: ${(error as Error).message}`));
      }
      const done = Math.min(splitter.ends.length, info.frames);
      // Give up early (not hours later) when the first tenth says the proxy cannot fit.
      const projected = (bytes / Math.max(1, done)) * info.frames;
      if (done >= Math.min(100, Math.ceil(info.frames / 10)) && projected > options.maxBytes * 1.1) {
        stop(new AppError('INSUFFICIENT_MEMORY', `The proxy of ${info.path} would need about ${Math.round(projected / 2 ** 20)} MB, more than the proxy cache (${Math.round(options.maxBytes / 2 ** 20)} MB)`));
        return;
      }
      if (bytes > options.maxBytes) {
        stop(new AppError('INSUFFICIENT_MEMORY', `The proxy of ${info.path} would exceed the proxy cache (${Math.round(options.maxBytes / 2 ** 20)} MB)`));
        return;
      }
      // Progress at most every half percent: events go to every window.
      if (done - reported >= Math.max(1, info.frames / 200) || done === info.frames) {
        reported = done;
        options.onProgress?.(done, info.frames);
      }
    });
    child.stdout.pipe(out);
    child.on('error', (error) => stop(new AppError('FFMPEG_NOT_FOUND', `Cannot run ${options.ffmpeg}: ${error.message}`)));
    const written = finished(out);
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (!out.writableEnded) out.end();
      written.then(
        () => {
          if (failure) reject(failure);
          else if (code !== 0) reject(new AppError('MEDIA_UNREADABLE', `Proxy of ${info.path}: ${lastErrorLine(stderr, info.path)}`));
          else resolve(splitter.ends);
        },
        (error: Error) => reject(failure ?? new AppError('MEDIA_UNREADABLE', `Cannot write the proxy of ${info.path}: ${error.message}`)),
      );
    });
  });
}
