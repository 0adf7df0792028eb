/**
 * Per-call CPU of a flow preset in the flow bench's order (the four Middlebury pairs, then
 * the held-out hard pairs; one warm-up and `--reps` calls a pair), so the calls that carry
 * V8's optimising compiler and collector show one by one: process CPU, the JS thread's
 * (scheduler run time) and the rest. `--index` first imports the bench index, as
 * `npm run bench` does (its ≈ 100 MB of live heap is what every mark-compact marks).
 *
 *   node --import tsx bench/fit/flow-calls.ts --preset fast [--reps 5] [--index] [--hard 3] [--order Hydrangea,Dimetrodon] [--tree /work/main]
 *
 * `--tree <checkout>` runs that checkout's model instead (e.g. /work/main, for a before/after
 * in separate processes: what the first calls of a process cost cannot be alternated).
 *
 * Under `node --expose-gc` each call starts after a full collection and the ArrayBuffer
 * bytes it allocated are printed (the growth of `process.memoryUsage().arrayBuffers`).
 *
 * `--threads` adds, per call, the CPU of every other thread of the process by its name
 * (`/proc/self/task/<tid>/schedstat`: V8's compiler and collector helpers are named `node`
 * or `V8 …`) and the collections V8 reported during it (PerformanceObserver `gc` entries,
 * minor / major / incremental). `--mark` prints a line before each call on the unbuffered
 * standard output, so the lines of `--trace-deopt` / `--trace-gc` / `--trace-opt` (run under
 * `stdbuf -o0`) can be attributed to the call they fell in.
 *
 * `--pass` first makes one call on every case, in order, as the flow bench does before any
 * pair's timed calls; the pass's calls are printed on one line of their own.
 *
 * Middlebury is read from $MELLM_SHARED_DIR/data/middlebury (or ../shared/data/middlebury).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import type { FlowConfiguration } from '../../src/main/inference/flow/variational-presets';
import { loadImageFile, type Image8 } from '../../src/main/media/image';
import { hardPairs } from '../benchmarks/flow-hard-pairs';

const { values } = parseArgs({ options: { preset: { type: 'string', default: 'fast' }, reps: { type: 'string', default: '5' }, index: { type: 'boolean', default: false }, hard: { type: 'string', default: '3' }, order: { type: 'string', default: 'Dimetrodon,Grove2,Hydrangea,RubberWhale' }, tree: { type: 'string' }, threads: { type: 'boolean', default: false }, mark: { type: 'boolean', default: false }, pass: { type: 'boolean', default: false } } });

function jsThreadMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

/** JS-thread ms inside ONNX Runtime's `run` (the binding runs it on this thread), summed. */
let inRuntime = 0;
const runPrototype = (ort.InferenceSession as unknown as { prototype: unknown }).prototype as { run: (...args: unknown[]) => Promise<unknown> };
const originalRun = runPrototype.run;
runPrototype.run = async function timedRun(this: unknown, ...args: unknown[]) {
  const start = jsThreadMs();
  try {
    return await originalRun.apply(this, args);
  } finally {
    inRuntime += jsThreadMs() - start;
  }
};

/** CPU ms of every thread but the JS thread, summed by thread name. */
function otherThreadsMs(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ms = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // The thread ended between the listing and the read: its CPU is no longer counted.
    }
  }
  return byName;
}

/** V8's collections by kind (1 minor, 2 major, 4 incremental, 8 weak callbacks) and their ms. */
const collections = new Map<number, { count: number; ms: number }>();
if (values.threads) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: { kind?: number } }).detail)?.kind ?? 0;
      const seen = collections.get(kind) ?? { count: 0, ms: 0 };
      collections.set(kind, { count: seen.count + 1, ms: seen.ms + entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });
}

function collectionsSince(before: Map<number, { count: number; ms: number }>): string {
  const names: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
  const parts: string[] = [];
  for (const [kind, seen] of collections) {
    const count = seen.count - (before.get(kind)?.count ?? 0);
    if (count) parts.push(`${names[kind] ?? kind} ${count} (${(seen.ms - (before.get(kind)?.ms ?? 0)).toFixed(1)} ms)`);
  }
  return parts.join(', ') || 'none';
}

/** Minor page faults of the process so far (/proc/self/stat field 10). */
function minorFaults(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  if (values.index) await import('../benchmarks/index');
  const shared = process.env.MELLM_SHARED_DIR ?? resolve('..', 'shared');
  const dir = join(shared, 'data', 'middlebury');
  if (!existsSync(dir)) throw new Error(`Middlebury not found under ${dir}`);
  const cases: Array<{ name: string; a: Image8; b: Image8 }> = [];
  for (const name of (values.order as string).split(',')) {
    cases.push({ name, a: await loadImageFile(join(dir, name, 'frame10.png')), b: await loadImageFile(join(dir, name, 'frame11.png')) });
  }
  const hard = (await hardPairs(['held-out'])).slice(0, Number(values.hard));
  for (const p of hard) cases.push({ name: p.name, a: await loadImageFile(p.frame1), b: await loadImageFile(p.frame2) });
  const workDir = mkdtempSync(join(tmpdir(), 'mellm-flow-calls-'));
  const sessions = new SessionCache({ intraOpThreads: 1, allowSpinning: false });
  try {
    const Model = values.tree
      ? ((await import(join(resolve(values.tree), 'src/main/inference/flow/variational.ts'))) as { VariationalFlowModel: typeof VariationalFlowModel }).VariationalFlowModel
      : VariationalFlowModel;
    const model = new Model(sessions, join(workDir, 'models'), values.preset as FlowConfiguration);
    const reps = Number(values.reps);
    if (values.pass) {
      const first: string[] = [];
      for (const c of cases) {
        const faultsBefore = minorFaults();
        const before = process.cpuUsage();
        await model.estimate(c.a, c.b);
        const used = process.cpuUsage(before);
        first.push(`${c.name} ${((used.user + used.system) / 1000).toFixed(0)} ms / ${minorFaults() - faultsBefore} faults`);
      }
      console.log(`warm-up pass: ${first.join(', ')}`);
    }
    const medians: number[] = [];
    let total = 0;
    for (const c of cases) {
      const cpu: number[] = [];
      const off: number[] = [];
      const runtime: number[] = [];
      const system: number[] = [];
      const faults: number[] = [];
      const bytes: number[] = [];
      const collect = (globalThis as { gc?: () => void }).gc;
      const details: string[] = [];
      for (let i = 0; i <= reps; i += 1) {
        if (values.mark) writeSync(1, `=== call ${c.name} ${i}\n`);
        const threadsBefore = values.threads ? otherThreadsMs() : null;
        const collectionsBefore = new Map([...collections].map(([k, v]) => [k, { ...v }]));
        const thread = jsThreadMs();
        collect?.();
        const buffersBefore = process.memoryUsage().arrayBuffers;
        const runtimeBefore = inRuntime;
        const faultsBefore = minorFaults();
        const before = process.cpuUsage();
        await model.estimate(c.a, c.b);
        const used = process.cpuUsage(before);
        const ms = (used.user + used.system) / 1000;
        cpu.push(ms);
        system.push(used.system / 1000);
        faults.push(minorFaults() - faultsBefore);
        bytes.push(process.memoryUsage().arrayBuffers - buffersBefore);
        off.push(ms - (jsThreadMs() - thread));
        runtime.push(inRuntime - runtimeBefore);
        if (threadsBefore) {
          // Let the observer see the collections of this call before they are counted.
          await new Promise((done) => setImmediate(done));
          const threads = [...otherThreadsMs()].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const).filter(([, ms]) => ms >= 0.5);
          details.push(`  call ${i}: threads ${threads.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ') || '—'} | collections ${collectionsSince(collectionsBefore)}`);
        }
      }
      const timed = cpu.slice(1);
      if (cases.indexOf(c) < 4) medians.push(median(timed));
      total += cpu.reduce((a, b) => a + b, 0);
      console.log(`${c.name.padEnd(12)} ${c.a.width}×${c.a.height} median ${median(timed).toFixed(1)} ms | calls ${cpu.map((x) => x.toFixed(0)).join(' ')} | off JS thread ${off.map((x) => x.toFixed(0)).join(' ')} | in ONNX Runtime ${runtime.map((x) => x.toFixed(0)).join(' ')} | system ${system.map((x) => x.toFixed(0)).join(' ')} | page faults ${faults.join(' ')}${collect ? ` | ArrayBuffer MB ${bytes.map((b) => (b / 1e6).toFixed(2)).join(' ')}` : ''}`);
      for (const line of details) console.log(line);
    }
    const sorted = [...medians].sort((a, b) => a - b);
    console.log(`Middlebury as the bench sums it (median of the pairs' medians): ${(((sorted[1] ?? 0) + (sorted[2] ?? 0)) / 2).toFixed(1)} ms; all calls ${total.toFixed(0)} ms CPU`);
    console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await sessions.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
