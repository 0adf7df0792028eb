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

/** A video's decode checks under way: frame 0's (with the size check) and all of them. */
export interface VideoChecks {
  /** Resolves once the index's size holds up and frame 0 decodes; rejects with the reason. */
  readonly first: Promise<void>;
  /** Resolves once the last frame decodes too; rejects with the reason of the first check that failed. */
  readonly all: Promise<void>;
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
  await startVideoChecks(info, timing, decodes).all;
}

/**
 * `verifyVideo`'s checks, started at once, with frame 0's result apart: the view can show
 * that frame while the last one is still being tried. `first` is always settled before
 * `all`; neither rejection is left unhandled when only `all` is awaited.
 */
export function startVideoChecks(info: MediaInfo, timing: VideoTiming, decodes: VerifyDecodes = {}): VideoChecks {
  const last = info.frames - 1;
  const sized = stat(info.path).then(({ size: bytes }) => {
    if (info.frames > bytes) {
      throw unreadable(info.path, `its index claims ${info.frames.toLocaleString('en')} frames, more than a ${bytes.toLocaleString('en')}-byte file can hold`);
    }
  });
  const failed = (index: number, result: { ok: boolean; error: string }): AppError => {
    const which = index === 0 ? 'the first' : `the last of the ${info.frames.toLocaleString('en')} its index lists`;
    return unreadable(info.path, `frame ${index} (${which}) cannot be decoded: the file is truncated or damaged${result.error ? ` (${result.error})` : ''}`);
  };
  const decoded = (index: number, result: Promise<{ ok: boolean; error: string }>): Promise<void> =>
    result.then((outcome) => {
      if (!outcome.ok) throw failed(index, outcome);
    });
  const ffmpeg = () => locateFfmpeg().path;
  const checks = sized.then(() => {
    const first = decodes.first
      ? decodes.first().then(
          () => PASSED,
          (error: unknown) => ({ ok: false, error: decodeFailure(info.path, error) }),
        )
      : decodesFrame(ffmpeg(), info, timing, 0);
    const lastCheck = async () => ((await decodes.other?.(last).catch(() => false)) ? PASSED : decodesFrame(ffmpeg(), info, timing, last));
    const lastDecoded = last > 0 ? decoded(last, lastCheck()) : Promise.resolve();
    lastDecoded.catch(() => undefined);
    return { first: decoded(0, first), last: lastDecoded };
  });
  const first = checks.then((started) => started.first);
  // Frame 0's reason wins when both fail, as when both were awaited in order.
  const all = checks.then(async (started) => {
    await started.first;
    await started.last;
  });
  first.catch(() => undefined);
  all.catch(() => undefined);
  return { first, all };
}
