import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceModels } from '../../src/main/inference/face/analyze';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import type { RgbImage } from '../../src/main/media/image';
import { randomSpecs, synthesizeSpec, type SpecOptions } from '../../src/main/analysis/synth/corpus';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { applyLighting, type LightingOptions } from '../../src/main/analysis/synth/lighting';
import { gaussian, uniform } from '../../src/main/analysis/synth/random';

/**
 * Long synthetic sessions for the long-session bench: a still face (a real photo, sensor
 * noise) with sparse micro-expressions at random times, optionally under lighting
 * changes, encoded once to H.264 (fixed seeds) and cached in the OS temp folder. Every
 * ME is a synthetic clip spliced in whole, so its onset, apex and offset are exact.
 * What it cannot show: real faces move (blinks, gaze, talking, head drift); here nothing
 * but the MEs, the noise and the light changes.
 */

export const SESSION_SET_VERSION = 'v1';
const ME_FRAMES = 30;
/** Sensor noise of the neutral frames (8-bit levels), as the synthetic ME clips' own. */
const NOISE = 1;
const NOISE_BANK = 32;

export interface SessionSpec {
  readonly name: string;
  readonly seconds: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  /** Mean seconds between MEs; 0: a still face, no ME. */
  readonly meEverySeconds: number;
  readonly lighting?: LightingOptions;
}

export interface SessionTruth {
  readonly spec: SessionSpec;
  readonly frames: number;
  readonly intervals: ReadonlyArray<{ readonly onset: number; readonly apex: number; readonly offset: number; readonly facs: string }>;
}

export interface Session {
  readonly mp4: string;
  readonly truth: SessionTruth;
}

export function sessionDir(): string {
  return join(tmpdir(), `mellm-bench-long-${SESSION_SET_VERSION}`);
}

/** The session's video, made on first use. */
export async function ensureSession(models: FaceModels, spec: SessionSpec, log: (m: string) => void): Promise<Session> {
  const dir = sessionDir();
  const mp4 = join(dir, `${spec.name}.mp4`);
  const truthPath = join(dir, `${spec.name}.json`);
  if (existsSync(mp4) && existsSync(truthPath)) return { mp4, truth: JSON.parse(readFileSync(truthPath, 'utf8')) as SessionTruth };
  await mkdir(dir, { recursive: true });
  log(`generating ${spec.name} (${spec.seconds} s at ${spec.fps} fps, ${spec.width}×${spec.height}) in ${dir}`);
  const photo = defaultSynthPhotos()[spec.seed % 6] as string;
  const face = await loadSynthFace(models, photo, spec.width, spec.height, 0.6);
  const frames = Math.round(spec.seconds * spec.fps);
  const specOptions: SpecOptions = { frames: ME_FRAMES, fps: spec.fps, headShare: 0, degradeShare: 0 };
  // One ME per slot of meEverySeconds, at a random place inside it (never across slots).
  const slot = Math.round(spec.meEverySeconds * spec.fps);
  const count = slot > 0 ? Math.floor(frames / slot) : 0;
  const place = uniform(spec.seed);
  const mes = randomSpecs(count, spec.seed, specOptions).map((me, i) => ({ me, start: i * slot + Math.floor(place() * (slot - ME_FRAMES)) }));
  const clips = mes.map(({ me, start }) => ({ start, clip: synthesizeSpec(face, { ...me, noise: NOISE }, specOptions) }));
  const intervals = clips.map(({ start, clip }) => ({ onset: start + clip.truth.onset, apex: start + clip.truth.apex, offset: start + clip.truth.offset, facs: clip.truth.facs }));
  // Neutral frames: the photo plus one of a bank of seeded noise fields, shifted per frame.
  const normal = gaussian(spec.seed + 1);
  const bank = Array.from({ length: NOISE_BANK }, () => Float32Array.from({ length: face.photo.data.length + 7 }, () => NOISE * normal()));
  const neutral = (t: number): RgbImage => {
    const noise = bank[t % NOISE_BANK] as Float32Array;
    const shift = Math.floor(t / NOISE_BANK) % 7;
    const data = new Uint8Array(face.photo.data.length);
    for (let i = 0; i < data.length; i += 1) data[i] = Math.min(255, Math.max(0, Math.round((face.photo.data[i] as number) + (noise[i + shift] as number))));
    return { width: face.photo.width, height: face.photo.height, channels: 3, data };
  };
  const partial = join(dir, `.${spec.name}.partial.mp4`);
  const ffmpeg = spawn(
    locateFfmpeg().path,
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${spec.width}x${spec.height}`, '-r', String(spec.fps), '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', partial],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    ffmpeg.on('error', reject);
    ffmpeg.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${code}): ${stderr.trim()}`))));
  });
  let next = 0;
  for (let t = 0; t < frames; t += 1) {
    const inside = clips[next] && t >= (clips[next] as { start: number }).start ? clips[next] : null;
    let image = inside ? inside.clip.render(t - inside.start) : neutral(t);
    if (inside && t - inside.start === ME_FRAMES - 1) next += 1;
    if (spec.lighting) image = applyLighting(image, spec.lighting, t, spec.fps);
    if (!ffmpeg.stdin.write(image.data)) await new Promise((resolve) => ffmpeg.stdin.once('drain', resolve));
    if (t % (60 * spec.fps) === 0 && t > 0) log(`  ${spec.name}: ${Math.round(t / spec.fps)} s written`);
  }
  ffmpeg.stdin.end();
  await done.catch(async (error: unknown) => {
    await rm(partial, { force: true });
    throw error;
  });
  const truth: SessionTruth = { spec, frames, intervals };
  await writeFile(truthPath, JSON.stringify(truth, null, 1));
  await rename(partial, mp4);
  return { mp4, truth };
}
