import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '@shared/errors';
import { locateFfmpeg } from '../../media/ffmpeg';
import { encodePng } from '../../media/image';
import { encodeFlo } from '../../inference/flow/flo';
import type { SynthClip } from './synthesize';

/**
 * Writes a synthetic clip as a dataset sample: frames/frame_00000.png …, clip.mp4
 * (H.264 through the project's ffmpeg), flow_{total,head,expression}.flo (onset → apex)
 * and truth.json. Everything goes to a sibling temp folder first and is renamed into
 * place at the end, so a failure never leaves a half-written sample.
 */

export interface SynthWriteOptions {
  /** Encode clip.mp4 (default true). */
  readonly mp4?: boolean;
  /** x264 constant rate factor: 0 is lossless, 18 near-transparent, 23 the default compression. */
  readonly crf?: number;
  /** Replace an earlier sample in `dir` (see checkSampleFolder); otherwise an existing `dir` is refused. */
  readonly replace?: boolean;
}

export interface SynthSampleFiles {
  readonly dir: string;
  readonly frames: readonly string[];
  readonly mp4: string | null;
  readonly flo: { readonly total: string; readonly head: string; readonly expression: string };
  readonly truth: string;
}

export const frameName = (t: number): string => `frame_${String(t).padStart(5, '0')}.png`;

function encodeMp4(framesDir: string, fps: number, crf: number, out: string): Promise<void> {
  const ffmpeg = locateFfmpeg().path;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-framerate', String(fps), '-start_number', '0', '-i', join(framesDir, 'frame_%05d.png'),
    // yuv420p needs even sizes.
    '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-crf', String(crf), '-pix_fmt', 'yuv420p', out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new AppError('INTERNAL', `Cannot run ffmpeg: ${error.message}`, { cause: error })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new AppError('INTERNAL', `ffmpeg failed to encode the synthetic clip (exit ${code}): ${stderr.trim()}`))));
  });
}

/** What a sample folder holds; a folder with anything else is never replaced. */
const SAMPLE_ENTRIES = new Set(['frames', 'clip.mp4', 'flow_total.flo', 'flow_head.flo', 'flow_expression.flo', 'truth.json']);

/**
 * Whether `dir` may receive a sample: it must not exist, or with `replace` hold an earlier
 * sample and nothing else (so --force can never wipe a folder of other files). Returns
 * whether a sample is there to be replaced.
 */
export async function checkSampleFolder(dir: string, replace: boolean): Promise<boolean> {
  const info = await lstat(dir).catch(() => null);
  if (!info) return false;
  if (!replace) throw new AppError('EXPORT_TARGET_EXISTS', `Output folder ${dir} already exists; pass --force to overwrite it (only an earlier sample is replaced).`);
  const entries = info.isDirectory() ? await readdir(dir) : null;
  const foreign = entries?.filter((name) => !SAMPLE_ENTRIES.has(name));
  if (!entries || !entries.includes('truth.json') || foreign?.length) {
    const why = !entries ? 'it is not a folder' : !entries.includes('truth.json') ? 'it holds no earlier sample (truth.json)' : `it holds other files (${foreign?.slice(0, 3).join(', ')})`;
    throw new AppError('EXPORT_PATH_UNSAFE', `Output folder ${dir} is not replaced: ${why}; choose a new folder.`);
  }
  return true;
}

export async function writeSynthSample(clip: SynthClip, dir: string, options: SynthWriteOptions = {}): Promise<SynthSampleFiles> {
  const replacing = await checkSampleFolder(dir, options.replace ?? false);
  const crf = options.crf ?? 18;
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw new AppError('INVALID_INPUT', `CRF must be an integer 0–51, got ${crf}.`);
  const temp = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.partial`);
  const framesDir = join(temp, 'frames');
  try {
    await mkdir(framesDir, { recursive: true });
    const frames: string[] = [];
    for (let t = 0; t < clip.truth.frames; t += 1) {
      await writeFile(join(framesDir, frameName(t)), await encodePng(clip.render(t)));
      frames.push(join(dir, 'frames', frameName(t)));
    }
    const flo = { total: 'flow_total.flo', head: 'flow_head.flo', expression: 'flow_expression.flo' };
    await writeFile(join(temp, flo.total), encodeFlo(clip.flow.total));
    await writeFile(join(temp, flo.head), encodeFlo(clip.flow.head));
    await writeFile(join(temp, flo.expression), encodeFlo(clip.flow.expression));
    const mp4 = options.mp4 === false ? null : 'clip.mp4';
    if (mp4) await encodeMp4(framesDir, clip.truth.fps, crf, join(temp, mp4));
    const truth = { ...clip.truth, files: { frames: 'frames/frame_%05d.png', mp4, crf: mp4 ? crf : null, flow: flo } };
    await writeFile(join(temp, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    if (replacing) await swapIn(temp, dir);
    else await rename(temp, dir);
    return {
      dir,
      frames,
      mp4: mp4 ? join(dir, mp4) : null,
      flo: { total: join(dir, flo.total), head: join(dir, flo.head), expression: join(dir, flo.expression) },
      truth: join(dir, 'truth.json'),
    };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw AppError.from(error);
  }
}

/** Puts the finished folder `temp` in the place of the earlier sample `dir`; on failure the earlier one stays. */
async function swapIn(temp: string, dir: string): Promise<void> {
  const old = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.replaced`);
  await rename(dir, old);
  try {
    await rename(temp, dir);
  } catch (error) {
    await rename(old, dir);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

export interface SynthVideoFiles {
  readonly mp4: string;
  readonly truth: string;
}

/** `clip.mp4` → `clip.truth.json`: the truth lies beside the video. */
export const truthPathOf = (mp4: string): string => join(dirname(mp4), `${basename(mp4).replace(/\.mp4$/i, '')}.truth.json`);

/**
 * Writes a clip as one H.264 mp4 rendered frame by frame into ffmpeg's stdin (raw RGB),
 * with its truth JSON beside it: a long recording is never held whole, only the frame
 * being written (ffmpeg's pipe applies back-pressure). Both files appear under their
 * names only when complete; an existing file is refused unless `replace`.
 */
export async function writeSynthVideo(clip: SynthClip, mp4: string, options: { crf?: number; replace?: boolean; onFrame?: (t: number) => void; signal?: AbortSignal } = {}): Promise<SynthVideoFiles> {
  const crf = options.crf ?? 18;
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw new AppError('INVALID_INPUT', `CRF must be an integer 0–51, got ${crf}.`);
  if (!/\.mp4$/i.test(mp4)) throw new AppError('INVALID_INPUT', `The synthetic video must be an .mp4 file, got ${mp4}.`);
  const truthPath = truthPathOf(mp4);
  for (const path of [mp4, truthPath]) {
    const info = await lstat(path).catch(() => null);
    if (info && !(options.replace && info.isFile())) throw new AppError('EXPORT_TARGET_EXISTS', `${path} already exists; pass --force to replace it.`);
  }
  const { width, height, fps, frames } = clip.truth;
  const tag = randomBytes(6).toString('hex');
  const tempMp4 = join(dirname(mp4), `.${basename(mp4)}.${tag}.partial.mp4`);
  const tempTruth = join(dirname(mp4), `.${basename(truthPath)}.${tag}.partial`);
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
    '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-crf', String(crf), '-pix_fmt', 'yuv420p', tempMp4,
  ];
  try {
    const child = spawn(locateFfmpeg().path, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', (error) => reject(new AppError('INTERNAL', `Cannot run ffmpeg: ${error.message}`, { cause: error })));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new AppError('INTERNAL', `ffmpeg failed to encode the synthetic video (exit ${code}): ${stderr.trim()}`))));
    });
    // A failed ffmpeg rejects `done`; keep that from going unhandled while frames are still written.
    done.catch(() => undefined);
    const stdin = child.stdin;
    stdin.on('error', () => undefined);
    try {
      for (let t = 0; t < frames; t += 1) {
        if (options.signal?.aborted) throw new AppError('CANCELLED', 'Writing the synthetic video was cancelled.');
        if (child.exitCode !== null) break;
        const image = clip.render(t);
        if (!stdin.write(image.data)) await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), done]);
        options.onFrame?.(t);
      }
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      stdin.end();
    }
    await done;
    const truth = { ...clip.truth, files: { mp4: basename(mp4), crf } };
    await writeFile(tempTruth, `${JSON.stringify(truth, null, 2)}\n`);
    await rename(tempMp4, mp4);
    await rename(tempTruth, truthPath);
    return { mp4, truth: truthPath };
  } catch (error) {
    await Promise.all([rm(tempMp4, { force: true }), rm(tempTruth, { force: true })]);
    throw AppError.from(error);
  }
}
