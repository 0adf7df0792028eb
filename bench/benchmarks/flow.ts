import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { packageDir } from '../../src/main/inference/manifest';
import { endPointError, readFlo, writeFlo } from '../../src/main/inference/flow/flo';
import { displacements, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import type { FlowField } from '../../src/main/inference/flow/types';
import { encodePng, loadImageFile, type GrayImage } from '../../src/main/media/image';
import { median, time, type Benchmark, type BenchRow } from '../harness';
import { hardPairs, maskedEndPointErrors } from './flow-hard-pairs';

/** A frame pair on disk (so every method reads the same files) with its ground truth. */
export interface FlowCase {
  readonly name: string;
  readonly group: FlowGroup;
  readonly frame1: string;
  readonly frame2: string;
  readonly truth: FlowField;
  /** Occlusion mask of the generated hard pairs (EPE reported on visible / occluded pixels too). */
  readonly occluded?: Uint8Array;
}

/** Hard pairs: 'hard fit' seeds are the ones the presets were tuned on, 'hard held-out' the report. */
const GROUPS = ['middlebury', 'hard fit', 'hard held-out', 'face'] as const;
export type FlowGroup = (typeof GROUPS)[number];

/** FLOW_BENCH_METHODS=accurate,deepflow runs only the listed presets / peers (while iterating). */
const ONLY = process.env.FLOW_BENCH_METHODS?.split(',').map((m) => m.trim());
const selected = <T extends string>(names: readonly T[]): T[] => names.filter((n) => !ONLY || ONLY.includes(n));
const PEERS = selected(['deepflow', 'dis-medium', 'tvl1', 'farneback'] as const);
// scan: the spotting's own flow (the fast parameters the spotting was validated with).
const PRESETS = selected(['fast', 'balanced', 'accurate', 'scan'] as const);
/** FLOW_BENCH_GROUPS=middlebury,hard held-out runs only the listed case groups. */
const ONLY_GROUPS = process.env.FLOW_BENCH_GROUPS?.split(',').map((m) => m.trim());
/** FLOW_BENCH_THREADS=1 runs every method single-threaded (fairest under a shared, loaded CPU). */
const THREADS = Number(process.env.FLOW_BENCH_THREADS ?? 0);
/**
 * How a method warms up before a pair's timed calls. 'run' (the default): every method first
 * makes one call on every case of the run, in the run's order, then per pair one more call
 * and the timed ones — so a pair's median is a steady call whatever its place in the order,
 * for our presets (one process, V8's compiler and collector and ONNX Runtime's first runs
 * at a new size behind them) and for the OpenCV peers alike. 'pair': only the call before
 * each pair's timed calls, so the first pairs of the order also carry the process's warm-up.
 * Either way each row keeps the CPU of the method's first call on the pair.
 */
const WARMUP_PASS = process.env.FLOW_BENCH_WARMUP !== 'pair';
const PEER_SCRIPT = join(import.meta.dirname, '..', 'peers', 'opencv_flow.py');

async function middleburyCases(sharedDir: string | null): Promise<FlowCase[]> {
  const dir = sharedDir ? [join(sharedDir, 'data', 'middlebury')].find(existsSync) : undefined;
  if (!dir) return [];
  const names = ['Dimetrodon', 'Grove2', 'Hydrangea', 'RubberWhale'];
  return Promise.all(
    names.map(async (name) => ({
      name,
      group: 'middlebury' as const,
      frame1: join(dir, name, 'frame10.png'),
      frame2: join(dir, name, 'frame11.png'),
      truth: await readFlo(join(dir, name, 'flow10.flo')),
    })),
  );
}

/** A 400×480 face crop (MELLM's crop size) warped by known sub-pixel fields. */
export async function faceCases(workDir: string): Promise<FlowCase[]> {
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo', 'sample2.jpg');
  const { data, info } = await sharp(photo).resize(400, 480, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const face: GrayImage = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
  const frame1 = join(workDir, 'face.png');
  await sharp(await encodePng(face)).toFile(frame1);
  const fields = {
    'face translation (0.37, -0.62)': displacements.translation(0.37, -0.62),
    'face rotation 1°': displacements.rotation(1, 199.5, 239.5),
    'face smooth field 0.8 px': displacements.smooth(0.8, 400, 480),
  };
  const cases: FlowCase[] = [];
  for (const [index, [name, field]] of Object.entries(fields).entries()) {
    const { frame2, truth } = warpedPair(face, field);
    const path = join(workDir, `face-${index}.png`);
    await sharp(await encodePng(frame2)).toFile(path);
    cases.push({ name, group: 'face', frame1, frame2: path, truth });
  }
  return cases;
}

/**
 * CPU ms of this process's JS thread so far, which also runs ONNX Runtime (the node binding
 * runs a session synchronously on it); the rest of the process CPU during a flow is V8's
 * helper threads (collector, optimising compiler). Linux only (null elsewhere): the
 * scheduler's run time in ns, finer than the 10 ms ticks of /proc's stat.
 */
function jsThreadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

/** Runs one OpenCV method over every case in one python process; null when cv2 is absent. */
function runPeer(method: string, cases: readonly FlowCase[], reps: number, workDir: string): Promise<{ ms: number[]; cpu: number[]; firstCpu: number; flo: string }[] | null> {
  return new Promise((resolve) => {
    const args = [PEER_SCRIPT, method, String(reps), String(THREADS), workDir, ...cases.flatMap((c) => [c.frame1, c.frame2])];
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLOW_PEER_WARMUP_PASS: WARMUP_PASS ? '1' : '0' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      resolve(out.trim().split('\n').map((line) => {
        const parsed = JSON.parse(line) as { samples: number[]; cpu: number[]; first_cpu: number; flo: string };
        return { ms: parsed.samples, cpu: parsed.cpu, firstCpu: parsed.first_cpu, flo: parsed.flo };
      }));
    });
  });
}

/** The generated hard pairs of both seed sets, named by set, band and seed. */
async function hardCases(): Promise<FlowCase[]> {
  return (await hardPairs()).map((p) => ({
    name: `hard ${p.set} ${p.name}`,
    group: p.set === 'fit' ? ('hard fit' as const) : ('hard held-out' as const),
    frame1: p.frame1,
    frame2: p.frame2,
    truth: p.truth,
    occluded: p.occluded,
  }));
}

/** Process CPU ms of one call per case, in the run's order (the warm-up pass), by case name. */
async function firstCallsCpu(model: VariationalFlowModel, cases: readonly FlowCase[]): Promise<Map<string, number>> {
  const cpu = new Map<string, number>();
  for (const c of cases) {
    const [a, b] = await Promise.all([loadImageFile(c.frame1), loadImageFile(c.frame2)]);
    const before = process.cpuUsage();
    await model.estimate(a, b);
    const used = process.cpuUsage(before);
    cpu.set(c.name, (used.user + used.system) / 1000);
  }
  return cpu;
}

/** EPE of one estimate; on hard pairs also over the non-occluded and occluded pixels. */
function errorMetrics(estimate: FlowField, c: FlowCase): Record<string, number> {
  if (!c.occluded) return { epe: endPointError(estimate, c.truth) };
  const { all, visible, occluded } = maskedEndPointErrors(estimate, c.truth, c.occluded);
  return { epe: all, 'epe non-occluded': visible, 'epe occluded': occluded };
}

function summaryRows(rows: BenchRow[], methods: readonly string[]): BenchRow[] {
  const summaries: BenchRow[] = [];
  const mean = (mine: BenchRow[], key: string) => mine.reduce((s, r) => s + Number(r.metrics?.[key]), 0) / mine.length;
  for (const group of GROUPS) {
    for (const method of methods) {
      const mine = rows.filter((r) => r.method === method && r.metrics?.group === group);
      if (!mine.length) continue;
      const medianMs = median(mine.map((r) => median(r.samples ?? [])));
      const cpuMs = median(mine.map((r) => Number(r.metrics?.['cpu ms'])));
      const firstCpuMs = median(mine.map((r) => Number(r.metrics?.['first call cpu ms'])));
      const off = mine.filter((r) => r.metrics?.['cpu ms off the JS thread'] !== undefined);
      const offThread: Record<string, number> = off.length === mine.length ? { 'mean cpu ms off the JS thread': mean(mine, 'cpu ms off the JS thread') } : {};
      const masked: Record<string, number> = mine[0]?.metrics?.['epe non-occluded'] !== undefined ? { 'epe non-occluded': mean(mine, 'epe non-occluded'), 'epe occluded': mean(mine, 'epe occluded') } : {};
      summaries.push({ case: `${group} (mean of ${mine.length})`, method, metrics: { epe: mean(mine, 'epe'), ...masked, 'median ms per pair': medianMs, 'median cpu ms per pair': cpuMs, 'median first-call cpu ms per pair': firstCpuMs, ...offThread } });
      if (!group.startsWith('hard')) continue;
      for (const band of ['small', 'medium', 'large']) {
        const banded = mine.filter((r) => r.case.includes(` ${band}-`));
        if (banded.length) summaries.push({ case: `${group} ${band} (mean of ${banded.length})`, method, metrics: { epe: mean(banded, 'epe'), 'epe non-occluded': mean(banded, 'epe non-occluded') } });
      }
    }
  }
  return summaries;
}

/** Optical flow: our generated variational graph (3 presets) vs OpenCV 4.6 peers. */
export const flowBenchmark: Benchmark = {
  name: 'flow',
  description: 'Optical flow EPE and time per pair (Middlebury, generated hard pairs, face pairs): variational ONNX presets vs OpenCV DeepFlow / DIS / TV-L1 / Farneback',
  async run({ reps = 5, sharedDir, log }) {
    const workDir = mkdtempSync(join(tmpdir(), 'mellm-flow-bench-'));
    const sessions = new SessionCache({ ...(THREADS > 0 ? { intraOpThreads: THREADS } : {}), allowSpinning: false });
    try {
      const middlebury = await middleburyCases(sharedDir);
      if (!middlebury.length) log('Middlebury data not found (shared/data/middlebury or $MELLM_SHARED_DIR): only synthetic face pairs');
      const cases = [...middlebury, ...(await hardCases()), ...(await faceCases(workDir))].filter((c) => !ONLY_GROUPS || ONLY_GROUPS.includes(c.group));
      const rows: BenchRow[] = [];
      for (const preset of PRESETS) {
        const model = new VariationalFlowModel(sessions, join(workDir, 'models'), preset);
        const firstCalls = WARMUP_PASS ? await firstCallsCpu(model, cases) : null;
        for (const c of cases) {
          const [a, b] = await Promise.all([loadImageFile(c.frame1), loadImageFile(c.frame2)]);
          let flow: FlowField | null = null;
          const cpu: number[] = [];
          let timed = 0;
          let offThread = 0;
          const samples = await time(async () => {
            const thread = jsThreadCpuMs();
            const before = process.cpuUsage();
            flow = await model.estimate(a, b);
            const used = process.cpuUsage(before);
            const threadAfter = jsThreadCpuMs();
            cpu.push((used.user + used.system) / 1000);
            // The warm-up call is left out, as from the CPU median.
            if (cpu.length > 1 && thread !== null && threadAfter !== null) {
              timed += 1;
              offThread += (used.user + used.system) / 1000 - (threadAfter - thread);
            }
          }, reps, 1);
          const estimate = flow as FlowField | null;
          if (!estimate) continue;
          await writeFlo(join(workDir, `${preset}-${c.name}.flo`), estimate);
          rows.push({ case: c.name, method: `variational ${preset}`, samples, metrics: { group: c.group, ...errorMetrics(estimate, c), 'cpu ms': median(cpu.slice(1)), 'first call cpu ms': firstCalls?.get(c.name) ?? (cpu[0] as number), ...(timed ? { 'cpu ms off the JS thread': offThread / timed } : {}) } });
        }
      }
      for (const peer of PEERS) {
        const results = await runPeer(peer, cases, peer === 'tvl1' || peer === 'deepflow' ? Math.min(reps, 3) : reps, workDir);
        if (!results) {
          log(`OpenCV peer ${peer} unavailable (/usr/bin/python3 with cv2 needed): skipped`);
          continue;
        }
        for (const [i, c] of cases.entries()) {
          const result = results[i];
          if (!result) continue;
          rows.push({ case: c.name, method: `opencv ${peer}`, samples: result.ms, metrics: { group: c.group, ...errorMetrics(await readFlo(result.flo), c), 'cpu ms': median(result.cpu), 'first call cpu ms': result.firstCpu } });
        }
      }
      const methods = [...PRESETS.map((p) => `variational ${p}`), ...PEERS.map((p) => `opencv ${p}`)];
      return [...rows, ...summaryRows(rows, methods)];
    } finally {
      await sessions.dispose();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
