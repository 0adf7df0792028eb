import { stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { decodeArgs, FrameDecoder } from './decoder';
import { locateFfmpeg } from './ffmpeg';
import type { VideoTiming } from './probe-video';
import { seekTimeOf } from './seek';
import { lastErrorLine, runTool } from './tools';
import type { WarmFfmpeg } from './warm-ffmpeg';

const DECODE_TIMEOUT_MS = 60_000;
const PASSED = { ok: true, error: '' };

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

/** Decodes the checks can use instead of starting ffmpeg for each (see `verifyVideo`). */
export interface VerifyDecodes {
  /** Decodes frame 0 as it will be read for display (the frame reader, which caches it); rejects when it cannot. */
  readonly first?: () => Promise<unknown>;
  /** Tries frame `index` on an ffmpeg already running: false sends the check to a fresh ffmpeg, which gives the reason. */
  readonly other?: (index: number) => Promise<boolean>;
}

/**
 * Whether frame `index` decodes on a warm ffmpeg (started ahead, told the file now): one
 * raw frame out, then the process is ended. A warm start needs an unrotated video.
 */
export async function decodesOnWarm(warm: WarmFfmpeg, info: MediaInfo, timing: VideoTiming, index: number): Promise<boolean> {
  if (info.rotation !== 0 || index <= 0) {
    warm.close();
    return false;
  }
  const seekSec = seekTimeOf(timing, info.fps, index);
  const options = { ffmpeg: '', path: info.path, seekSec, width: info.width, height: info.height, firstIndex: index };
  const decoder = new FrameDecoder(options, warm.start(info.path, timing.startSec + seekSec));
  try {
    return (await decoder.read()) !== null;
  } catch {
    return false;
  } finally {
    decoder.close();
  }
}

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
export async function verifyVideo(info: MediaInfo, timing: VideoTiming, decodes: VerifyDecodes = {}): Promise<void> {
  const bytes = (await stat(info.path)).size;
  if (info.frames > bytes) {
    throw unreadable(info.path, `its index claims ${info.frames.toLocaleString('en')} frames, more than a ${bytes.toLocaleString('en')}-byte file can hold`);
  }
  const ffmpeg = locateFfmpeg().path;
  const last = info.frames - 1;
  const first = decodes.first
    ? decodes.first().then(
        () => PASSED,
        (error: unknown) => ({ ok: false, error: decodeFailure(info.path, error) }),
      )
    : decodesFrame(ffmpeg, info, timing, 0);
  const lastCheck = async () => ((await decodes.other?.(last).catch(() => false)) ? PASSED : decodesFrame(ffmpeg, info, timing, last));
  const checks = last > 0 ? [first, lastCheck()] : [first];
  const results = await Promise.all(checks);
  results.forEach((result, i) => {
    if (result.ok) return;
    const index = i === 0 ? 0 : last;
    const which = index === 0 ? 'the first' : `the last of the ${info.frames.toLocaleString('en')} its index lists`;
    throw unreadable(info.path, `frame ${index} (${which}) cannot be decoded: the file is truncated or damaged${result.error ? ` (${result.error})` : ''}`);
  });
}
