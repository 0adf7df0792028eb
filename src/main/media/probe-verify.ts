import { stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { decodeArgs } from './decoder';
import { locateFfmpeg } from './ffmpeg';
import type { VideoTiming } from './probe-video';
import { seekTimeOf } from './seek';
import { lastErrorLine, runTool } from './tools';

const DECODE_TIMEOUT_MS = 60_000;

function unreadable(path: string, why: string): AppError {
  return new AppError('MEDIA_UNREADABLE', `Cannot read video ${path}: ${why}`);
}

/**
 * Whether frame `index` decodes, seeking the way the frame reader does: one frame out
 * of ffmpeg (framecrc: a checksum line per frame, nothing heavy) or the reason it failed.
 */
async function decodesFrame(ffmpeg: string, info: MediaInfo, timing: VideoTiming, index: number): Promise<{ ok: boolean; error: string }> {
  const args = [...decodeArgs(info.path, seekTimeOf(timing, info.fps, index)), '-frames:v', '1', '-f', 'framecrc', '-'];
  const run = await runTool(ffmpeg, args, DECODE_TIMEOUT_MS);
  const frames = run.stdout.split('\n').filter((line) => line.trim() && !line.startsWith('#')).length;
  return { ok: run.code === 0 && frames > 0, error: run.stderr.trim() ? lastErrorLine(run.stderr, info.path) : '' };
}

/**
 * Decodes frame 0 the way it will be read for display (the frame reader, which keeps the
 * frame in its cache); rejects when it cannot. Without one, the check runs ffmpeg itself.
 */
export type FirstFrameDecode = () => Promise<unknown>;

/** The part of a decode failure worth adding: ffmpeg's reason, without the path again. */
function decodeFailure(path: string, error: unknown): string {
  const message = AppError.from(error).message;
  const prefix = `Cannot decode ${path}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : '';
}

/**
 * A video is accepted only when what its container claims holds up: no more frames than
 * bytes (every stored frame takes at least one), and its first and last frame decode.
 * This refuses truncated files (the index survives, the data does not) and indexes that
 * claim frames that are not there, which would otherwise fail on every read far in.
 * Both decodes run at once: each costs little more than an ffmpeg start, and opening a
 * clip waits on them.
 */
export async function verifyVideo(info: MediaInfo, timing: VideoTiming, decodeFirst?: FirstFrameDecode): Promise<void> {
  const bytes = (await stat(info.path)).size;
  if (info.frames > bytes) {
    throw unreadable(info.path, `its index claims ${info.frames.toLocaleString('en')} frames, more than a ${bytes.toLocaleString('en')}-byte file can hold`);
  }
  const ffmpeg = locateFfmpeg().path;
  const last = info.frames - 1;
  const first = decodeFirst
    ? decodeFirst().then(
        () => ({ ok: true, error: '' }),
        (error: unknown) => ({ ok: false, error: decodeFailure(info.path, error) }),
      )
    : decodesFrame(ffmpeg, info, timing, 0);
  const checks = last > 0 ? [first, decodesFrame(ffmpeg, info, timing, last)] : [first];
  const results = await Promise.all(checks);
  results.forEach((result, i) => {
    if (result.ok) return;
    const index = i === 0 ? 0 : last;
    const which = index === 0 ? 'the first' : `the last of the ${info.frames.toLocaleString('en')} its index lists`;
    throw unreadable(info.path, `frame ${index} (${which}) cannot be decoded: the file is truncated or damaged${result.error ? ` (${result.error})` : ''}`);
  });
}
