/**
 * Records the spotting scan's per-ROI signal of long generated sessions, so spotting can
 * be refit in milliseconds instead of rescanning (bench/fit/spot-sessions.ts reads them).
 *
 * Fitting sessions use their own seeds (7400–7405 and 7600–7603 below), never the bench's session set
 * (2291–2295): `--bench` records the bench's sessions too, for diagnosis only — nothing
 * may be fit on them. Each is rendered once (320×240 but one at 640×480, the spotting crop is
 * 80×96 either way) into `$TMPDIR/mellm-fit-sessions/`, its signal written beside it as JSON.
 *
 *   node --import tsx bench/fit/session-signals.ts [--bench] [--only name,…] [--evidence]
 *
 * `--evidence` also records each frame's AU rule evidence (frame-motion rows) beside it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MotionSignal } from '../../src/main/analysis/spotting';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { planSession, synthesizeSession, type SessionOptions } from '../../src/main/analysis/synth/session';
import { truthPathOf, writeSynthVideo } from '../../src/main/analysis/synth/write';
import { timedAnalysis, withPipelineServices } from '../benchmarks/pipeline-set';
import { SESSION_SET, ensureSetSession } from '../benchmarks/sessions-set';

export interface FitSession extends SessionOptions {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

const SMALL = { width: 320, height: 240, blinks: true, saccades: true } as const;
/** Fitting sessions: every confounder mix of the bench's set, at both of its rates, on other seeds and faces. */
export const FIT_SESSIONS: readonly FitSession[] = [
  { ...SMALL, name: 'fit-30-still-glasses-flicker', seconds: 150, fps: 30, seed: 7400, glasses: true, flicker: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-30-talking-flicker', seconds: 150, fps: 30, seed: 7401, speech: true, flicker: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-30-talking-glasses-tremor', seconds: 150, fps: 30, seed: 7402, speech: true, glasses: true, tremor: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-30-still-tremor', seconds: 150, fps: 30, seed: 7403, tremor: true, flicker: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-200-still', seconds: 45, fps: 200, seed: 7404, glasses: true, tremor: true, flicker: true, microPerMinute: 4, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-200-talking', seconds: 45, fps: 200, seed: 7405, speech: true, glasses: true, tremor: true, flicker: true, microPerMinute: 4, macroPerMinute: 2 },
  // More blinks under glasses, at both rates: the main false source of the set's glasses sessions.
  { ...SMALL, name: 'fit-30-still-glasses-b', seconds: 150, fps: 30, seed: 7600, glasses: true, flicker: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-30-talking-glasses-b', seconds: 150, fps: 30, seed: 7601, speech: true, glasses: true, tremor: true, microPerMinute: 3, macroPerMinute: 2 },
  { ...SMALL, name: 'fit-200-still-b', seconds: 45, fps: 200, seed: 7602, glasses: true, tremor: true, flicker: true, microPerMinute: 4, macroPerMinute: 2 },
  // The set's 10-minute sessions are 640×480: the glasses' rim is drawn at that size.
  { ...SMALL, width: 640, height: 480, name: 'fit-30-still-glasses-640', seconds: 150, fps: 30, seed: 7603, glasses: true, flicker: true, microPerMinute: 3, macroPerMinute: 2 },
];

export const fitSessionsDir = (): string => join(tmpdir(), 'mellm-fit-sessions');
export const signalPathOf = (mp4: string): string => mp4.replace(/\.mp4$/, '.signal.json');

interface StoredSignal {
  readonly lag: number;
  readonly fps: number;
  readonly channels: Record<string, string>;
}

export function readSignal(path: string): { signal: MotionSignal; fps: number } {
  const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredSignal;
  const channels = Object.fromEntries(Object.entries(stored.channels).map(([k, b64]) => {
    const bytes = Buffer.from(b64, 'base64');
    return [k, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))];
  }));
  return { signal: { lag: stored.lag, channels }, fps: stored.fps };
}

async function render(spec: FitSession, models: Parameters<typeof loadSynthFace>[0], mp4: string): Promise<void> {
  if (existsSync(mp4) && existsSync(truthPathOf(mp4))) return;
  const plan = planSession(spec);
  const photo = defaultSynthPhotos()[(spec.seed + 3) % 6] as string;
  const face = await loadSynthFace(models, photo, spec.width, spec.height, 0.6);
  console.log(`rendering ${mp4} (${plan.frames} frames)`);
  await writeSynthVideo(synthesizeSession(face, plan, 0.5, 16), mp4, { crf: 18, replace: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { bench: { type: 'boolean' }, only: { type: 'string' }, evidence: { type: 'boolean' } } });
  const only = values.only?.split(',').filter(Boolean);
  await mkdir(fitSessionsDir(), { recursive: true });
  await withPipelineServices(async (services) => {
    const mp4s: string[] = [];
    for (const spec of FIT_SESSIONS.filter((s) => !only || only.includes(s.name))) {
      const mp4 = join(fitSessionsDir(), `${spec.name}.mp4`);
      await render(spec, services.face, mp4);
      mp4s.push(mp4);
    }
    if (values.bench) {
      for (const spec of SESSION_SET.filter((s) => !only || only.includes(s.name))) mp4s.push((await ensureSetSession(services.face, spec, console.log)).mp4);
    }
    for (const mp4 of mp4s) {
      const out = signalPathOf(mp4).replace(/^.*\//, `${fitSessionsDir()}/`);
      const evidenceOut = out.replace(/\.signal\.json$/, '.evidence.json');
      if (existsSync(out) && (!values.evidence || existsSync(evidenceOut))) continue;
      let stored: StoredSignal | null = null;
      const { ms, result } = await timedAnalysis(services, mp4, {
        maxExpressions: 0,
        frameMotion: values.evidence === true,
        onSignal: (signal, fps) => {
          stored = { lag: signal.lag, fps, channels: Object.fromEntries(Object.entries(signal.channels).map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')])) };
        },
      });
      if (!stored) throw new Error(`no signal from ${mp4}`);
      writeFileSync(out, JSON.stringify(stored));
      if (values.evidence && result.frameMotion) {
        const frames = result.report.clip.frames;
        const aus: Record<string, Float32Array> = {};
        for (const row of result.frameMotion.rows) for (const [au, v] of Object.entries(row.auEvidence)) (aus[`AU${au}`] ??= new Float32Array(frames))[row.frame] = v;
        const evidence: StoredSignal = { lag: result.frameMotion.lag, fps: (stored as StoredSignal).fps, channels: Object.fromEntries(Object.entries(aus).map(([k, v]) => [k, Buffer.from(v.buffer).toString('base64')])) };
        writeFileSync(evidenceOut, JSON.stringify(evidence));
      }
      console.log(`${out}: scanned in ${Math.round(ms / 1000)} s`);
    }
  });
}

if (process.argv[1]?.endsWith('session-signals.ts')) void main();
