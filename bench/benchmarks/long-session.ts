import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyzeReportSchema, type AnalyzeReport } from '../../src/shared/api/analysis';
import { evaluateSpotting } from '../../src/main/corpus/evaluate';
import type { LightingOptions } from '../../src/main/analysis/synth/lighting';
import { type Benchmark, type BenchRow } from '../harness';
import { timedAnalysis, withPipelineServices } from './pipeline-set';
import { ensureSession, type Session, type SessionSpec } from './long-session-set';

/**
 * Long recordings: the `mellm analyze` CLI on generated 2- and 10-minute 640×480 30 fps
 * sessions with sparse MEs, run as a user runs it (built app, `/usr/bin/time -v`: wall,
 * peak RSS), with MEGC spotting (IoU ≥ 0.5) against the exact truth; and lighting — a
 * still face and sparse MEs under flicker, rolling-shutter bands, exposure and
 * white-balance drift, spotted with and without matching each frame's lighting to its
 * reference (peers in the same run). MELLM_LONG_CONDITIONS=speed-2min,speed-10min,lighting
 * picks conditions (default all). The synthetic sessions are far easier than real long
 * videos (published MEGC long-video F1 is below 0.3): no blinks, talking or head motion.
 */

const FPS = 30;
/** Mains flicker at 4 %, bands at 4 %, exposure drift 10 % and white balance 5 % over 8 s. */
const LIGHTING: LightingOptions = { flicker: 0.04, banding: 0.04, exposureDrift: 0.1, whiteBalanceDrift: 0.05, driftPeriod: 8 };
const SPEED: readonly SessionSpec[] = [
  { name: 'session-2min', seconds: 120, fps: FPS, width: 640, height: 480, seed: 2201, meEverySeconds: 20 },
  { name: 'session-10min', seconds: 600, fps: FPS, width: 640, height: 480, seed: 2202, meEverySeconds: 20 },
];
const LIGHT: readonly SessionSpec[] = [
  { name: 'still-lighting-1min', seconds: 60, fps: FPS, width: 640, height: 480, seed: 2203, meEverySeconds: 0, lighting: LIGHTING },
  { name: 'me-lighting-1min', seconds: 60, fps: FPS, width: 640, height: 480, seed: 2204, meEverySeconds: 10, lighting: LIGHTING },
];

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
const CLI = join(process.cwd(), 'out', 'main', 'cli.js');

interface TimedRun {
  readonly report: AnalyzeReport;
  readonly wallMs: number;
  readonly peakRssMb: number;
}

/** `mellm analyze <mp4> --json` under /usr/bin/time -v: the report, wall time and peak RSS of the whole process. */
function cliRun(mp4: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, 'analyze', mp4, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`mellm analyze failed (${code}): ${err.slice(-400)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      if (!wall || !rss) return reject(new Error('no /usr/bin/time figures'));
      const wallMs = (Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3])) * 1000;
      resolve({ report: AnalyzeReportSchema.parse(JSON.parse(out)), wallMs, peakRssMb: Math.round(Number(rss[1]) / 1024) });
    });
  });
}

/** MEGC spotting of a session's intervals: F1, false intervals per minute, apex error. */
function spotting(report: AnalyzeReport, session: Session): Record<string, number | null> {
  const proposals = report.spotting.intervals;
  const score = evaluateSpotting(proposals, session.truth.intervals);
  const minutes = session.truth.frames / session.truth.spec.fps / 60;
  return {
    truths: session.truth.intervals.length,
    proposals: proposals.length,
    f1: session.truth.intervals.length ? round(score.f1) : null,
    precision: session.truth.intervals.length ? round(score.precision) : null,
    recall: session.truth.intervals.length ? round(score.recall) : null,
    falseIntervalsPerMinute: round(score.falsePositives / minutes),
    apexErrorMean: score.meanApexError === null ? null : round(score.meanApexError, 2),
  };
}

export const longSessionBenchmark: Benchmark = {
  name: 'long-session',
  description: 'long recordings: mellm analyze on 2- and 10-min 640×480 sessions (wall, fps, realtime factor, peak RSS, spotting F1) and lighting robustness',
  async run(context) {
    const rows: BenchRow[] = [];
    const wanted = (process.env.MELLM_LONG_CONDITIONS ?? 'speed-2min,speed-10min,lighting').split(',');
    await withPipelineServices(async (services) => {
      for (const spec of SPEED) {
        if (!wanted.includes(`speed-${spec.name.replace('session-', '')}`)) continue;
        const session = await ensureSession(services.face, spec, context.log);
        if (!existsSync(CLI)) {
          context.log(`${CLI} is missing: run npm run build first (the speed rows run the built CLI)`);
          continue;
        }
        context.log(`mellm analyze ${session.mp4}`);
        const run = await cliRun(session.mp4);
        const seconds = session.truth.frames / spec.fps;
        rows.push({
          case: spec.name,
          method: 'mellm analyze (CLI, /usr/bin/time -v)',
          samples: [run.wallMs],
          metrics: {
            frames: session.truth.frames,
            framesPerSecond: round(session.truth.frames / (run.wallMs / 1000), 1),
            realtimeFactor: round(seconds / (run.wallMs / 1000), 2),
            peakRssMb: run.peakRssMb,
            spottingMs: run.report.timings.spotting ?? null,
            apexMs: run.report.timings.apex ?? null,
            ...spotting(run.report, session),
          },
        });
      }
      if (!wanted.includes('lighting')) return;
      for (const spec of LIGHT) {
        const session = await ensureSession(services.face, spec, context.log);
        for (const matchLighting of [false, true]) {
          const { result, ms } = await timedAnalysis(services, session.mp4, { matchLighting });
          rows.push({
            case: spec.name,
            method: matchLighting ? 'lighting matched to the reference (default)' : 'no lighting match',
            samples: [ms],
            metrics: spotting(result.report, session),
          });
        }
      }
    });
    return rows;
  },
};
