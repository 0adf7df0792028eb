/**
 * Per-operator CPU of one staged warp graph (ONNX Runtime's profiler), for a preset's
 * level: the frames are a Middlebury pair taken down the preset's own pyramid.
 *
 *   node --import tsx bench/fit/flow-ops.ts --preset fast --level 1 [--runs 20]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { writeGray } from '../../src/main/inference/flow/model';
import { ensureVariationalModel, optionsForSize } from '../../src/main/inference/flow/variational';
import { FRAMES_INPUT, PIXEL_SCALE, SMOOTHNESS_INPUT, buildFlowWarpGraph, levelWarpOptions } from '../../src/main/inference/flow/variational-graph';
import { FLOW_CONFIGURATIONS, type FlowConfiguration } from '../../src/main/inference/flow/variational-presets';
import { loadImageFile } from '../../src/main/media/image';

const { values } = parseArgs({ options: { preset: { type: 'string', default: 'fast' }, level: { type: 'string', default: '1' }, runs: { type: 'string', default: '20' }, stage: { type: 'string', default: 'warp' } } });
const shared = process.env.MELLM_SHARED_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared');
const dir = join(shared, 'data', 'middlebury', 'Grove2');
const a = await loadImageFile(join(dir, 'frame10.png'));
const b = await loadImageFile(join(dir, 'frame11.png'));
const work = mkdtempSync(join(tmpdir(), 'mellm-flow-ops-'));
const options = optionsForSize(FLOW_CONFIGURATIONS[values.preset as FlowConfiguration], a.width, a.height);
const graphs = await ensureVariationalModel(join(work, 'models'), options);
const pyr = await ort.InferenceSession.create(graphs.pyramid.path, { intraOpNumThreads: 1, graphOptimizationLevel: 'extended', enableProfiling: values.stage === 'pyramid', profileFilePrefix: join(work, 'p') });
const pair = new Float32Array(2 * a.width * a.height);
writeGray(a, pair, 0, PIXEL_SCALE);
writeGray(b, pair, a.width * a.height, PIXEL_SCALE);
const feeds = { [FRAMES_INPUT]: new ort.Tensor('float32', pair, [2, 1, a.height, a.width]) };
const level = Number(values.level);
const entry = graphs.levels.find((l) => l.level === level);
if (!entry) throw new Error('no such level');
let session = pyr;
let run: () => Promise<unknown> = () => pyr.run(feeds);
if (values.stage === 'warp') {
  const out = await pyr.run(feeds);
  const frames = out[pyr.outputNames[level - options.finestLevel] as string] as ort.Tensor;
  const [, , h, w] = frames.dims as number[];
  const flow = new ort.Tensor('float32', new Float32Array(2 * h! * w!).fill(0.3), [1, 2, h!, w!]);
  const profiled = { intraOpNumThreads: 1, graphOptimizationLevel: 'extended', enableProfiling: true, profileFilePrefix: join(work, 'w') } as const;
  // A level whose one warp runs with its upsampling has no plain warp graph on disk: built here.
  session = entry.warp ? await ort.InferenceSession.create(entry.warp.path, profiled) : await ort.InferenceSession.create(buildFlowWarpGraph(levelWarpOptions(options, level)).toBytes(), profiled);
  const fed: Record<string, ort.Tensor> = entry.smoothness === null ? {} : { [SMOOTHNESS_INPUT]: new ort.Tensor('float32', Float32Array.of(entry.smoothness), []) };
  run = () => session.run({ frames, flow, ...fed });
  console.log(`warp at level ${level}: ${w}×${h}\n`);
}
const runs = Number(values.runs);
const t0 = process.cpuUsage();
for (let i = 0; i < runs; i += 1) await run();
const cpu = process.cpuUsage(t0);
session.endProfiling();
const { readdirSync } = await import('node:fs');
const file = join(work, readdirSync(work).find((f) => f.endsWith('.json')) as string);
const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string } }>;
const byOp = new Map<string, number>();
const byNode = new Map<string, number>();
let total = 0;
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const op = e.args?.op_name ?? '?';
  byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
  byNode.set(`${op} ${e.name}`, (byNode.get(`${op} ${e.name}`) ?? 0) + e.dur);
  total += e.dur;
}
console.log(`CPU ${((cpu.user + cpu.system) / 1000 / runs).toFixed(2)} ms/run; kernels ${(total / 1000 / runs).toFixed(2)} ms/run; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
for (const [op, us] of [...byOp].sort((x, y) => y[1] - x[1])) console.log(`  ${op.padEnd(20)} ${(us / 1000 / runs).toFixed(3)} ms  ${((100 * us) / total).toFixed(1)} %`);
console.log('top nodes:');
for (const [n, us] of [...byNode].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${n.padEnd(50)} ${(us / 1000 / runs).toFixed(3)} ms`);
rmSync(work, { recursive: true, force: true });
