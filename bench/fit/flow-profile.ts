/**
 * Where a flow preset's CPU goes: per staged graph (`session.run` of the pyramid, warp and
 * upsample graphs), the JS between them, and per OS thread of this process (from
 * /proc/self/task, so CPU spent off the main thread — ONNX Runtime pools, V8's GC and
 * compiler threads — shows by name). One ONNX Runtime thread, as the flow bench runs.
 *
 *   node --import tsx bench/fit/flow-profile.ts --preset accurate [--reps 5] [--face] [--set '{"iterations":8}']
 *
 * Warp runs are reported per level (by the level's frame width); `--set` merges JSON into
 * the preset's parameters.
 *
 * Middlebury is read from $MELLM_SHARED_DIR/data/middlebury (or ../shared/data/middlebury);
 * `--face` adds a 640×480 face pair (a shipped face-api photo warped by a smooth field);
 * `--hard` profiles the generated hard pairs' fitting seeds instead of Middlebury, summed
 * into one group (per pair: the mean over the 15 pairs).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { hardPairs } from '../benchmarks/flow-hard-pairs';
import { packageDir } from '../../src/main/inference/manifest';
import { displacements, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { FLOW_CONFIGURATIONS, type FlowConfiguration, type VariationalFlowOptions } from '../../src/main/inference/flow/variational-presets';
import { SessionCache, type ModelSessionOptions } from '../../src/main/inference/onnx/session';
import { loadImageFile, type GrayImage, type Image8 } from '../../src/main/media/image';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'accurate' },
    reps: { type: 'string', default: '5' },
    face: { type: 'boolean', default: false },
    hard: { type: 'boolean', default: false },
    set: { type: 'string' },
  },
});

const TICK_MS = 10; // USER_HZ = 100 on Linux: /proc's thread times are in 10 ms ticks

/** CPU ms per thread name (summed over threads of the same name) from /proc/self/task. */
function threadTimes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const name = tid === String(process.pid) ? 'main' : comm;
      out.set(name, (out.get(name) ?? 0) + ticks * TICK_MS);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

interface Stage {
  calls: number;
  cpu: number;
  wall: number;
}

/** A session cache whose sessions time every `run` (CPU of the whole process, and wall). */
class TimedSessionCache extends SessionCache {
  readonly stages = new Map<string, Stage>();

  override get(key: string, source: string | (() => Promise<Uint8Array> | Uint8Array), model: ModelSessionOptions = {}): Promise<ort.InferenceSession> {
    // `flow-variational-<stage>-<hash>`: pyramid, upsample, warp or upsample-warp.
    const stage = key.replace(/^flow-variational-/, '').replace(/-[0-9a-f]{16}$/, '');
    return super.get(key, source, model).then((session) => {
      const run = session.run.bind(session) as (feeds: ort.InferenceSession.FeedsType) => Promise<ort.InferenceSession.ReturnType>;
      return new Proxy(session, {
        get: (target, prop) => {
          if (prop !== 'run') return Reflect.get(target, prop) as unknown;
          return async (feeds: ort.InferenceSession.FeedsType) => {
            const cpu0 = process.cpuUsage();
            const wall0 = performance.now();
            const result = await run(feeds);
            const cpu = process.cpuUsage(cpu0);
            const width = stage.endsWith('warp') ? (feeds['frames'] as ort.Tensor | undefined)?.dims[3] : undefined;
            const label = width === undefined ? stage : `${stage} ${width}`;
            const s = this.stages.get(label) ?? { calls: 0, cpu: 0, wall: 0 };
            s.calls += 1;
            s.cpu += (cpu.user + cpu.system) / 1000;
            s.wall += performance.now() - wall0;
            this.stages.set(label, s);
            return result;
          };
        },
      });
    });
  }
}

async function middlebury(): Promise<Array<{ name: string; a: Image8; b: Image8 }>> {
  const shared = process.env.MELLM_SHARED_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared');
  const dir = join(shared, 'data', 'middlebury');
  if (!existsSync(dir)) {
    console.log(`Middlebury not found at ${dir}`);
    return [];
  }
  return Promise.all(['Dimetrodon', 'Grove2', 'Hydrangea', 'RubberWhale'].map(async (name) => ({
    name,
    a: await loadImageFile(join(dir, name, 'frame10.png')),
    b: await loadImageFile(join(dir, name, 'frame11.png')),
  })));
}

async function facePair(): Promise<{ name: string; a: Image8; b: Image8 }> {
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo', 'sample2.jpg');
  const { data, info } = await sharp(photo).resize(640, 480, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const face: GrayImage = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
  const { frame2 } = warpedPair(face, displacements.smooth(0.8, 640, 480));
  return { name: 'face 640×480', a: face, b: frame2 };
}

/** The hard pairs' fitting seeds (never the held-out ones), as one group. */
async function hardFit(): Promise<Array<{ name: string; a: Image8; b: Image8 }>> {
  return Promise.all((await hardPairs(['fit'])).map(async (pair) => ({ name: pair.name, a: await loadImageFile(pair.frame1), b: await loadImageFile(pair.frame2) })));
}

async function main(): Promise<void> {
  const preset = values.preset as FlowConfiguration;
  const reps = Number(values.reps);
  const pairs = [...(values.hard ? [] : await middlebury()), ...(values.face ? [await facePair()] : [])];
  const groups = [...pairs.map((pair) => ({ name: `${pair.name} ${pair.a.width}×${pair.a.height}`, pairs: [pair] })), ...(values.hard ? [{ name: 'hard fit pairs', pairs: await hardFit() }] : [])];
  const workDir = mkdtempSync(join(tmpdir(), 'mellm-flow-profile-'));
  const sessions = new TimedSessionCache({ intraOpThreads: 1 });
  try {
    const options = values.set ? { ...FLOW_CONFIGURATIONS[preset], ...(JSON.parse(values.set) as Partial<VariationalFlowOptions>) } : preset;
    const model = new VariationalFlowModel(sessions, join(workDir, 'models'), options);
    for (const group of groups) {
      for (const { a, b } of group.pairs) await model.estimate(a, b);
      sessions.stages.clear();
      const threads0 = threadTimes();
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (const { a, b } of group.pairs) for (let i = 0; i < reps; i += 1) await model.estimate(a, b);
      const cpu = process.cpuUsage(cpu0);
      const wall = performance.now() - wall0;
      const threads1 = threadTimes();
      const calls = reps * group.pairs.length;
      const total = (cpu.user + cpu.system) / 1000 / calls;
      const inGraphs = [...sessions.stages.values()].reduce((s, x) => s + x.cpu, 0) / calls;
      console.log(`\n${preset} ${group.name}: ${total.toFixed(1)} ms CPU, ${(wall / calls).toFixed(1)} ms wall per pair (${reps} reps, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
      for (const [stage, s] of sessions.stages) console.log(`  graph ${stage.padEnd(12)} ${(s.calls / calls).toFixed(0).padStart(3)} calls  ${(s.cpu / calls).toFixed(1).padStart(6)} ms CPU  ${(s.wall / calls).toFixed(1).padStart(6)} ms wall`);
      console.log(`  between graphs       ${(total - inGraphs).toFixed(1).padStart(6)} ms CPU`);
      const byThread = [...threads1].map(([n, ms]) => [n, (ms - (threads0.get(n) ?? 0)) / calls] as const).filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1]);
      console.log(`  per thread: ${byThread.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
    }
  } finally {
    await sessions.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
