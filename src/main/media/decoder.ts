import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AppError } from '@shared/errors';
import { lastErrorLine } from './tools';

export interface DecoderOptions {
  readonly ffmpeg: string;
  readonly path: string;
  /** Input seek (seconds from the container start); ffmpeg decodes from the keyframe before it and drops earlier frames. */
  readonly seekSec: number;
  readonly width: number;
  readonly height: number;
  /** Index of the first frame this process will output. */
  readonly firstIndex: number;
  /** An ffmpeg video filter applied before output (e.g. a crop); `width` × `height` is then its output size. */
  readonly filter?: string | undefined;
}

/** An ffmpeg process whose stdout carries raw frames (spawned here, or a warm one handed over). */
export type DecoderProcess = ChildProcess & { readonly stdout: Readable; readonly stderr: Readable };

/** Output arguments of every frame decoder: raw RGB to stdout. */
export const RAW_RGB_OUTPUT = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'] as const;

/**
 * ffmpeg arguments up to the output format: decode the first video stream from a seek
 * point, one output frame per decoded frame. Shared by the frame reader and the display
 * proxy builder, so that proxy frame i is the reader's frame i.
 */
export function decodeArgs(path: string, seekSec: number, inputOptions: readonly string[] = []): string[] {
  const args = ['-hide_banner', '-nostdin', '-v', 'error', ...inputOptions];
  if (seekSec > 0) args.push('-ss', seekSec.toFixed(6));
  // passthrough: one output frame per decoded frame, never duplicated or dropped for "constant" rate.
  // 0:V:0 is the first video stream that is not an attached picture (cover art).
  args.push('-i', path, '-map', '0:V:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough');
  return args;
}

/**
 * One ffmpeg process decoding a video forward from a seek point into raw RGB frames.
 * At most two frames wait here; the rest stays in ffmpeg (the paused pipe applies
 * back-pressure), so a decoder can sit idle positioned for the next step.
 */
export class FrameDecoder {
  readonly frameBytes: number;
  #next: number;
  readonly #child: DecoderProcess;
  #ended = false;
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #wake: (() => void) | null = null;
  #stderr = '';
  readonly #exit: Promise<number | null>;

  /** `started`: an already running ffmpeg positioned at `options.seekSec` (see WarmFfmpeg); else one is spawned. */
  constructor(
    readonly options: DecoderOptions,
    started?: DecoderProcess,
  ) {
    this.frameBytes = options.width * options.height * 3;
    this.#next = options.firstIndex;
    const args = [...decodeArgs(options.path, options.seekSec), ...(options.filter ? ['-vf', options.filter] : []), ...RAW_RGB_OUTPUT];
    this.#child = started ?? spawn(options.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (text: string) => {
      if (this.#stderr.length < 8192) this.#stderr += text;
    });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    const ended = () => {
      this.#ended = true;
      this.#notify();
    };
    this.#child.stdout.on('end', ended);
    this.#child.stdout.on('close', ended);
    this.#exit = new Promise((resolve) => {
      this.#child.on('error', (error) => {
        this.#stderr += error.message;
        ended();
        resolve(null);
      });
      this.#child.on('close', (code) => resolve(code));
    });
  }

  /** Frame bytes held here, waiting to be read (back-pressure keeps this at about two frames). */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Index of the frame the next `read()` returns. */
  get nextIndex(): number {
    return this.#next;
  }

  /** The next frame's RGB bytes, or null at the end of the stream. Throws when ffmpeg failed. */
  async read(): Promise<Uint8Array | null> {
    while (this.#buffered < this.frameBytes && !this.#ended) {
      this.#child.stdout.resume();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    if (this.#buffered < this.frameBytes) return this.#finish();
    const frame = new Uint8Array(this.frameBytes);
    let filled = 0;
    while (filled < this.frameBytes) {
      const chunk = this.#chunks[0] as Buffer;
      const take = Math.min(chunk.length, this.frameBytes - filled);
      frame.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#buffered -= this.frameBytes;
    this.#next += 1;
    return frame;
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    // Back-pressure: keep at most two frames here, the rest waits in ffmpeg and the pipe.
    if (this.#buffered >= 2 * this.frameBytes) this.#child.stdout.pause();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async #finish(): Promise<null> {
    const code = await this.#exit;
    if (code !== 0 && !this.#child.killed) {
      throw new AppError('MEDIA_UNREADABLE', `Cannot decode ${this.options.path}: ${lastErrorLine(this.#stderr, this.options.path)}`);
    }
    return null;
  }

  close(): void {
    if (this.#child.exitCode === null && !this.#child.killed) this.#child.kill('SIGKILL');
    this.#child.stdout.destroy();
  }
}
