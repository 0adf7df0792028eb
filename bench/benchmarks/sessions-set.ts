import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceModels } from '../../src/main/inference/face/analyze';
import type { TruthInterval } from '../../src/main/analysis/synth/confounders';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { planSession, synthesizeSession, type ConfounderChoice } from '../../src/main/analysis/synth/session';
import type { SynthClip, SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { truthPathOf, writeSynthVideo } from '../../src/main/analysis/synth/write';

/**
 * The long-session set of issue #22: three 10-minute 30 fps 640×480 recordings and two
 * 2-minute 200 fps 320×240 ones, each a face-api sample photo with sparse micro- and
 * macro-expressions, blinks and half blinks, saccades and, by session, talking, glasses,
 * lighting flicker and head tremor (`planSession`), with every interval's truth and class.
 * Rendered once, frame by frame into ffmpeg (`writeSynthVideo`: one frame in memory),
 * and cached under the OS temp folder keyed by the set version; never committed. Seeds
 * 2291–2295: bench/fit and the pipeline set fit on seeds 2026112x, none of these.
 */

export const SESSIONS_SET_VERSION = 's1';
/** Sensor noise (8-bit levels) drawn from a bank of 16 frames: a fresh Gaussian per pixel and frame would cost more than the warp. */
const NOISE = 0.5;
const NOISE_BANK = 16;

export interface SessionSetSpec extends ConfounderChoice {
  readonly name: string;
  readonly seconds: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly microPerMinute: number;
  readonly macroPerMinute: number;
}

const TEN_MIN = { seconds: 600, fps: 30, width: 640, height: 480, microPerMinute: 1, macroPerMinute: 0.6, blinks: true, saccades: true } as const;
const TWO_MIN = { seconds: 120, fps: 200, width: 320, height: 240, microPerMinute: 2, macroPerMinute: 1, blinks: true, saccades: true, glasses: true, tremor: true, flicker: true } as const;

export const SESSION_SET: readonly SessionSetSpec[] = [
  { ...TEN_MIN, name: 'ten-min-still-glasses-flicker', seed: 2291, glasses: true, flicker: true },
  { ...TEN_MIN, name: 'ten-min-talking-flicker', seed: 2292, speech: true, flicker: true },
  { ...TEN_MIN, name: 'ten-min-talking-glasses-tremor', seed: 2293, speech: true, glasses: true, tremor: true },
  { ...TWO_MIN, name: 'two-min-200fps-still', seed: 2294 },
  { ...TWO_MIN, name: 'two-min-200fps-talking', seed: 2295, speech: true },
];

export interface SetSession {
  readonly spec: SessionSetSpec;
  readonly mp4: string;
  readonly truth: SynthTruth;
}

export const sessionsDir = (): string => join(tmpdir(), `mellm-bench-sessions-${SESSIONS_SET_VERSION}`);

/** A set session as a clip to render frame by frame: its plan on its photo's face. */
export async function setSessionClip(models: FaceModels, spec: SessionSetSpec): Promise<SynthClip> {
  const plan = planSession({ ...spec });
  const photo = defaultSynthPhotos()[spec.seed % 6] as string;
  const face = await loadSynthFace(models, photo, spec.width, spec.height, 0.6);
  return synthesizeSession(face, plan, NOISE, NOISE_BANK);
}

/** A session's video and truth, rendered on first use. */
export async function ensureSetSession(models: FaceModels, spec: SessionSetSpec, log: (m: string) => void): Promise<SetSession> {
  const mp4 = join(sessionsDir(), `${spec.name}.mp4`);
  const truthPath = truthPathOf(mp4);
  if (!existsSync(mp4) || !existsSync(truthPath)) {
    await mkdir(sessionsDir(), { recursive: true });
    const clip = await setSessionClip(models, spec);
    log(`rendering ${mp4} (${clip.truth.frames} frames at ${spec.width}×${spec.height})`);
    const started = Date.now();
    await writeSynthVideo(clip, mp4, {
      crf: 18,
      replace: true,
      onFrame: (t) => {
        if (t > 0 && t % (60 * spec.fps) === 0) log(`  ${spec.name}: ${t / spec.fps} s rendered (${Math.round((Date.now() - started) / 1000)} s)`);
      },
    });
  }
  return { spec, mp4, truth: JSON.parse(readFileSync(truthPath, 'utf8')) as SynthTruth };
}

/** The truth intervals of one class. */
export const truthOf = (session: SetSession, kind: TruthInterval['kind']): TruthInterval[] => session.truth.intervals.filter((iv) => iv.kind === kind);
