import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClipAnalyzer, type AnalyzeTaskInput, type AnalyzeTaskOutput } from '../../src/main/analysis/pipeline/task';
import { randomSpecs, synthesizeSpec } from '../../src/main/analysis/synth/corpus';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { analysisBudget, type ProcessBudget } from '../../src/main/jobs/budget';
import { ProcessPool } from '../../src/main/jobs/pool';
import { ModelSandbox } from '../../src/main/jobs/sandbox';
import { jobScript, type JobScript } from '../../src/main/jobs/script';
import { defaultModelsDir, packageRoot } from '../../src/main/paths';
import type { Benchmark, BenchRow } from '../harness';

/**
 * Start-up and batch throughput, on the real path (fresh Node processes, the analyze job
 * worker, real ONNX Runtime sessions, mp4 clips):
 *
 * - flow: the first `flow.compute` of each preset at 640×480 in a fresh process, from
 *   process start: right after install (no generated graphs), on a later launch (graphs on
 *   disk), and the peer the staged graphs replace: the whole flow as one graph on one
 *   session.
 * - first analysis: process start → first clip's result, against a warm clip.
 * - batch: 24 synthetic 40-frame 320×240 clips through the job processes ("Analyse all"'s
 *   path: ProcessPool + analyze worker) against the same clips analysed in this process,
 *   warm, with the same ONNX Runtime thread budget (cores). Peer: one job process with
 *   every core's thread (the pre-budget default).
 * - corpus: with MELLM_STARTUP_CLIPS=N above 24 (the issue's corpus is 1,000), all N clips
 *   through the default job processes, for the clips-per-minute rate; the comparisons
 *   above stay on the first 24, where running the slower configurations is affordable.
 *
 * MELLM_STARTUP_PRESETS=fast,balanced limits the flow rows (accurate's single-graph peer
 * takes ~15 s CPU to create its session).
 */

const CLIP_FRAMES = 40;
/** The batch-versus-in-process comparison's set size (the 24 clips). */
const COMPARED_CLIPS = 24;
const CLIP_SIZE = [320, 240] as const;
const SET_SEED = 20261206;
const childScript = join(import.meta.dirname, 'startup-child.ts');

interface ChildResult {
  readonly wallMs: number;
  readonly values: Record<string, number>;
}

/** Runs startup-child.ts in a fresh Node process; wall time from spawn to its answer. */
function child(args: readonly string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`startup child ${args.join(' ')} exited ${code}: ${err}`));
      resolve({ wallMs: performance.now() - started, values: JSON.parse(line) as Record<string, number> });
    });
  });
}

const load = () => Math.round((loadavg()[0] ?? 0) * 10) / 10;
const round = (v: number) => Math.round(v);

async function flowRows(presets: readonly string[], log: (m: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const preset of presets) {
    const dir = mkdtempSync(join(tmpdir(), `mellm-bench-startup-flow-${preset}-`));
    try {
      const cases: Array<[string, string]> = [
        ['first run after install (graph generated, session created)', 'graph'],
        ['later launch (graph on disk, session created)', 'graph'],
        ['peer: the whole flow as one graph on one session (graph built in memory)', 'single-graph'],
      ];
      for (const [method, mode] of cases) {
        const before = load();
        const { wallMs, values } = await child(['flow', dir, preset, mode, '1']);
        log(`flow ${preset} ${mode}: first result ${round(values.firstResultMs as number)} ms after process start (load ${before})`);
        rows.push({
          case: `flow ${preset} 640×480, fresh process`,
          method,
          samples: [values.firstResultMs as number],
          metrics: {
            processWallMs: round(wallMs),
            cpuMs: round(values.cpuMs as number),
            importMs: round(values.importMs as number),
            firstFlowMs: round(values.firstMs as number),
            firstFlowCpuMs: round(values.firstCpuMs as number),
            warmFlowMs: round(values.warmMs as number),
            goalMs: 1500,
            load: before,
          },
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

interface BatchClip {
  readonly path: string;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
}

/** N synthetic clips (two real photos, random AUs, exact truth), generated once into tmpdir. */
async function ensureClips(count: number, log: (m: string) => void): Promise<BatchClip[]> {
  const root = join(tmpdir(), `mellm-bench-startup-v1-${CLIP_SIZE[0]}x${CLIP_SIZE[1]}x${CLIP_FRAMES}`);
  mkdirSync(root, { recursive: true });
  const options = { frames: CLIP_FRAMES, fps: 30, headShare: 0.3, degradeShare: 0 };
  const specs = randomSpecs(count, SET_SEED, options);
  const photos = defaultSynthPhotos();
  const clips: BatchClip[] = [];
  const service = new FaceService(defaultModelsDir());
  const faces = new Map<string, Awaited<ReturnType<typeof loadSynthFace>>>();
  try {
    for (const [i, spec] of specs.entries()) {
      const dir = join(root, `clip_${String(i).padStart(4, '0')}`);
      if (!existsSync(join(dir, 'truth.json'))) {
        const photo = photos[i % photos.length] as string;
        let face = faces.get(photo);
        if (!face) faces.set(photo, (face = await loadSynthFace(await service.models(), photo, CLIP_SIZE[0], CLIP_SIZE[1])));
        await writeSynthSample(synthesizeSpec(face, spec, options), dir, { crf: spec.crf });
        if (i % 50 === 49) log(`generated ${i + 1}/${count} clips`);
      }
      clips.push({ path: join(dir, 'clip.mp4'), onset: spec.onset, apex: spec.apex, offset: spec.offset });
    }
  } finally {
    await service.dispose();
  }
  return clips;
}

const input = (clip: BatchClip): AnalyzeTaskInput => ({ ...clip, frameMotion: true });

/** The clips through a pool of job processes, from the first run() (process start-up included) to the last result. */
async function batch(clips: readonly BatchClip[], budget: ProcessBudget): Promise<{ wallMs: number; outputs: AnalyzeTaskOutput[] }> {
  const pool = new ProcessPool({ script: analyzeScript().script, size: budget.processes, init: { modelsDir: defaultModelsDir(), intraOpThreads: budget.intraOpThreads }, idleMs: Number.POSITIVE_INFINITY });
  try {
    const started = performance.now();
    const outputs = await Promise.all(clips.map((clip) => pool.run<AnalyzeTaskOutput>(input(clip))));
    return { wallMs: performance.now() - started, outputs };
  } finally {
    await pool.close();
  }
}

/**
 * The job process's code as the app runs it: the built bundle (`npm run build`) when there
 * is one, else the TypeScript sources through tsx, whose transpiling at import is a cost
 * the app does not pay (it adds about half a second to a process's start).
 */
function analyzeScript(): { script: JobScript; label: string } {
  const built = join(packageRoot(), 'out', 'main', 'analyze.js');
  return existsSync(built) ? { script: jobScript(built), label: 'built job process' } : { script: jobScript('analyze'), label: 'job process from TypeScript sources (tsx)' };
}

/** Process start → first clip's result in one fresh job process, against that process's warm clips. */
async function firstAnalysisRow(clips: readonly BatchClip[], cores: number, log: (m: string) => void): Promise<BenchRow> {
  const { script, label } = analyzeScript();
  const budget = analysisBudget(1, cores);
  const before = load();
  const started = performance.now();
  const pool = new ProcessPool({ script, size: 1, init: { modelsDir: defaultModelsDir(), intraOpThreads: budget.intraOpThreads }, idleMs: Number.POSITIVE_INFINITY });
  const perClip: number[] = [];
  let firstResultMs = Number.NaN;
  try {
    for (const clip of clips) {
      const t = performance.now();
      await pool.run<AnalyzeTaskOutput>(input(clip));
      perClip.push(performance.now() - t);
      if (perClip.length === 1) firstResultMs = performance.now() - started;
    }
  } finally {
    await pool.close();
  }
  const warm = perClip.slice(1).sort((a, b) => a - b);
  const warmClipMs = warm[Math.floor(warm.length / 2)] ?? Number.NaN;
  log(`first analysis: ${round(firstResultMs)} ms from spawn (${label}; warm clip ${round(warmClipMs)} ms)`);
  return {
    case: `first analysis, fresh process (${CLIP_SIZE[0]}×${CLIP_SIZE[1]}, ${CLIP_FRAMES} frames)`,
    method: `process spawn → first result (${label}, 1 × ${budget.intraOpThreads} ORT threads)`,
    samples: [firstResultMs],
    metrics: {
      firstClipMs: round(perClip[0] as number),
      warmClipMs: round(warmClipMs),
      firstClipOverWarm: Math.round(((perClip[0] as number) / warmClipMs) * 100) / 100,
      firstResultOverWarm: Math.round((firstResultMs / warmClipMs) * 100) / 100,
      goalOverWarm: 2,
      load: before,
    },
  };
}

/** The whole corpus through the default job processes: the rate a user's "Analyse all" gets. */
async function corpusRow(corpus: readonly BatchClip[], log: (m: string) => void): Promise<BenchRow> {
  const budget = analysisBudget(undefined, availableParallelism());
  const before = load();
  const { wallMs, outputs } = await batch(corpus, budget);
  const perClip = wallMs / corpus.length;
  const processes = new Set(outputs.map((o) => o.process?.pid)).size;
  log(`corpus of ${corpus.length}: ${round(perClip)} ms per clip (${round(60_000 / perClip)} clips/min), load ${before} → ${load()}`);
  return {
    case: `corpus of ${corpus.length} clips`,
    method: `job processes (${budget.processes} × ${budget.intraOpThreads} ORT thread${budget.intraOpThreads === 1 ? '' : 's'})`,
    samples: [wallMs],
    metrics: { perClipMs: round(perClip), clipsPerMinute: round(60_000 / perClip), goalClipsPerMinute: 100, processes, load: before, loadAfter: load() },
  };
}

/** The clips one after another in this process, models warm, `threads` intra-op threads. */
async function inProcess(clips: readonly BatchClip[], threads: number): Promise<number[]> {
  const sandbox = new ModelSandbox();
  const analyzer = new ClipAnalyzer({ modelsDir: defaultModelsDir(), intraOpThreads: threads }, { templates: sandbox, sessions: sandbox });
  try {
    await analyzer.warm();
    await analyzer.analyze(input(clips[0] as BatchClip));
    const samples: number[] = [];
    for (const clip of clips) {
      const t = performance.now();
      await analyzer.analyze(input(clip));
      samples.push(performance.now() - t);
    }
    return samples;
  } finally {
    await analyzer.dispose();
    await sandbox.close();
  }
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'first flow / first analysis in a fresh process, and batch throughput on the job processes vs in-process (N synthetic clips)',
  async run({ log }) {
    const rows: BenchRow[] = [];
    const cores = availableParallelism();
    const presets = (process.env.MELLM_STARTUP_PRESETS ?? 'fast,balanced,accurate').split(',').filter((p) => ['fast', 'balanced', 'accurate'].includes(p));
    rows.push(...(await flowRows(presets, log)));

    const count = Math.max(2, Number(process.env.MELLM_STARTUP_CLIPS ?? COMPARED_CLIPS));
    const corpus = await ensureClips(count, log);
    const clips = corpus.slice(0, COMPARED_CLIPS);

    // First analysis in a fresh process (models loaded, sessions created) against a warm one:
    // the job process "Analyse" starts, from spawn to its first result.
    rows.push(await firstAnalysisRow(clips.slice(0, Math.min(5, clips.length)), cores, log));

    // Same thread budget: `cores` ONNX Runtime threads in every configuration.
    const loadIn = load();
    const solo = await inProcess(clips, cores);
    const inProcessPerClip = solo.reduce((s, t) => s + t, 0) / clips.length;
    rows.push({ case: `batch of ${clips.length} clips`, method: `in-process, warm (1 × ${cores} ORT threads)`, samples: solo, metrics: { perClipMs: round(inProcessPerClip), clipsPerMinute: round(60_000 / inProcessPerClip), load: loadIn } });
    log(`in-process: ${round(inProcessPerClip)} ms per clip`);

    for (const budget of [analysisBudget(undefined, cores), analysisBudget(1, cores)]) {
      const loadBatch = load();
      const { wallMs, outputs } = await batch(clips, budget);
      const perClip = wallMs / clips.length;
      const pids = new Set(outputs.map((o) => o.process?.pid));
      const clipSessions = outputs.reduce((s, o) => s + (o.process?.sessionsForClip ?? 0), 0);
      rows.push({
        case: `batch of ${clips.length} clips`,
        method: `job processes (${budget.processes} × ${budget.intraOpThreads} ORT thread${budget.intraOpThreads === 1 ? '' : 's'})${budget.processes === 1 ? ' — peer: one process' : ''}`,
        samples: [wallMs],
        metrics: {
          perClipMs: round(perClip),
          overInProcess: Math.round((perClip / inProcessPerClip) * 100) / 100,
          clipsPerMinute: round(60_000 / perClip),
          processes: pids.size,
          sessionsCreatedByClips: clipSessions,
          load: loadBatch,
        },
      });
      log(`${budget.processes} × ${budget.intraOpThreads}: ${round(perClip)} ms per clip (${round(60_000 / perClip)} clips/min)`);
    }
    if (corpus.length > clips.length) rows.push(await corpusRow(corpus, log));
    return rows;
  },
};
