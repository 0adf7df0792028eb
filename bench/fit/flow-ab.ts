/**
 * A/B of the variational flow between another checkout (`--base`, e.g. /work/main) and
 * this one, in one process, alternating call by call on the four Middlebury pairs, so both
 * see the same load: median and mean CPU ms per call, CPU off the JS thread (V8's
 * background threads, from /proc/self/task) and the largest difference between the flows.
 *
 *   node --import tsx bench/fit/flow-ab.ts --base /work/main --preset accurate [--reps 6] [--set '{"iterations":8}']
 *
 * `--set` merges JSON into this checkout's preset (a candidate against the base's preset).
 *
 * Middlebury is read from $MELLM_SHARED_DIR/data/middlebury (or ../shared/data/middlebury).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { FLOW_CONFIGURATIONS, type FlowConfiguration, type VariationalFlowOptions } from '../../src/main/inference/flow/variational-presets';
import type { FlowModel } from '../../src/main/inference/flow/model';
import { loadImageFile } from '../../src/main/media/image';

const { values } = parseArgs({ options: { base: { type: 'string' }, preset: { type: 'string', default: 'accurate' }, reps: { type: 'string', default: '6' }, set: { type: 'string' } } });

/** CPU ms of the threads other than the JS thread (10 ms ticks). */
function offMainThread(): number {
  let ms = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (tid === String(process.pid)) continue;
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ms;
}

async function main(): Promise<void> {
  if (!values.base) throw new Error('--base <checkout> is required');
  const shared = process.env.MELLM_SHARED_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared');
  const dir = join(shared, 'data', 'middlebury');
  if (!existsSync(dir)) throw new Error(`Middlebury not found at ${dir}`);
  const preset = values.preset as FlowConfiguration;
  const reps = Number(values.reps);
  const base = resolve(values.base);
  const baseSession = (await import(join(base, 'src/main/inference/onnx/session.ts'))) as { SessionCache: typeof SessionCache };
  const baseModel = (await import(join(base, 'src/main/inference/flow/variational.ts'))) as { VariationalFlowModel: typeof VariationalFlowModel };
  const work = mkdtempSync(join(tmpdir(), 'mellm-flow-ab-'));
  try {
    const models: Record<'base' | 'this', FlowModel> = {
      base: new baseModel.VariationalFlowModel(new baseSession.SessionCache({ intraOpThreads: 1 }), join(work, 'base'), preset),
      this: new VariationalFlowModel(new SessionCache({ intraOpThreads: 1 }), join(work, 'this'), values.set ? { ...FLOW_CONFIGURATIONS[preset], ...(JSON.parse(values.set) as Partial<VariationalFlowOptions>) } : preset),
    };
    const cpu = { base: [] as number[], this: [] as number[] };
    const off = { base: 0, this: 0 };
    let maxDiff = 0;
    for (const name of ['Dimetrodon', 'Grove2', 'Hydrangea', 'RubberWhale']) {
      const [a, b] = await Promise.all([loadImageFile(join(dir, name, 'frame10.png')), loadImageFile(join(dir, name, 'frame11.png'))]);
      const x = (await models.base.estimate(a, b)).data;
      const y = (await models.this.estimate(a, b)).data;
      for (let i = 0; i < x.length; i += 1) maxDiff = Math.max(maxDiff, Math.abs((x[i] as number) - (y[i] as number)));
      for (let rep = 0; rep < reps; rep += 1) {
        for (const kind of rep % 2 ? (['base', 'this'] as const) : (['this', 'base'] as const)) {
          const off0 = offMainThread();
          const before = process.cpuUsage();
          await models[kind].estimate(a, b);
          const used = process.cpuUsage(before);
          off[kind] += offMainThread() - off0;
          cpu[kind].push((used.user + used.system) / 1000);
        }
      }
    }
    const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1] as number;
    const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
    console.log(`${preset}: max |Δ| ${maxDiff}; CPU ms per call median base ${median(cpu.base).toFixed(1)} / this ${median(cpu.this).toFixed(1)}, mean ${mean(cpu.base).toFixed(1)} / ${mean(cpu.this).toFixed(1)}; off the JS thread ${(off.base / cpu.base.length).toFixed(1)} / ${(off.this / cpu.this.length).toFixed(1)} (load ${loadavg()[0]?.toFixed(1)})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
