/**
 * What a frame step costs the renderer, from a Chromium trace of the built renderer on the
 * ui bench's 300-frame 640×480 clip with its proxy ready: for uncached steps (Shift+→, 10
 * frames, past the prefetch) and cached steps while neighbours prefetch (Shift+←), the
 * renderer main thread's tasks from keydown to the stage's paint event (each with its
 * largest parts), and main-thread time in all between keydowns (what arriving prefetches
 * cost); image decodes by thread (is the decode off the main thread?).
 * Also the CPU the steps cost (Chromium's processes and this one, which serves the frames),
 * per step: a count of work that holds better than times on a shared machine.
 *   node --import tsx bench/fit/step-trace.ts [--steps 8] [--verbose [--min-task-ms 1]]
 * Needs `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlerTable } from '../../src/main/api';
import { rendererDir } from '../../src/main/paths';
import { clipIdFor } from '../../src/main/media/clip-identity';
import { createServices, disposeServices } from '../../src/main/app/services';
import { startBridge } from '../../src/main/transport/bridge';
import { createRouter } from '../../src/main/transport/routes';
import { launchChromium } from '../../test/helpers/browser';
import { args, benchClip, opt, type TraceEvent } from './ui-trace-common';

const STEPS = opt('--steps', 8);
const MIN_TASK_MS = opt('--min-task-ms', 1);
const VERBOSE = args.includes('--verbose');

const ms = (us: number) => (us / 1000).toFixed(1);

/** CPU ms (user + system) of every process descending from this one (Chromium's browser, renderer, GPU … processes). */
function descendantsCpuMs(): number {
  const ticks = 100;
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const [pid, value] of cpu) {
    let at: number | undefined = pid;
    for (let depth = 0; at !== undefined && at > 1 && depth < 20; depth += 1) {
      at = parent.get(at);
      if (at === process.pid) {
        total += value;
        break;
      }
    }
  }
  return total;
}

function describe(events: readonly TraceEvent[], marks: readonly TraceEvent[], label: string): void {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('no renderer main thread');
  const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, String(e.args?.name)]));
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const outer = mine.some((e) => e.name === 'ThreadControllerImpl::RunTask') ? 'ThreadControllerImpl::RunTask' : 'RunTask';
  const top = mine.filter((e) => e.name === outer);
  const uniq = (name: string) => [...new Set(marks.filter((m) => m.name === name).map((m) => m.ts))].sort((a, b) => a - b);
  const keys = uniq(`${label}-key`);
  const allPaints = uniq(`${label}-painted`);
  const paints = keys.map((k) => allPaints.find((p) => p >= k) ?? k);
  let sumToPaint = 0;
  let sumBetween = 0;
  const inStepMs: number[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const from = keys[i]!;
    const paint = paints[i] ?? from;
    const next = keys[i + 1] ?? paint + 50_000;
    const inStep = top.filter((t) => t.ts + t.dur! >= from && t.ts <= paint);
    const after = top.filter((t) => t.ts > paint && t.ts < next);
    const busy = inStep.reduce((a, t) => a + t.dur!, 0);
    const afterBusy = after.reduce((a, t) => a + t.dur!, 0);
    sumToPaint += busy;
    inStepMs.push(busy / 1000);
    sumBetween += afterBusy;
    if (VERBOSE) console.log(`${label} step ${i + 1}: key → paint ${ms(paint - from)} ms, main-thread tasks ${ms(busy)} ms in ${inStep.length}; paint → next key ${ms(next - paint)} ms, tasks ${ms(afterBusy)} ms in ${after.length}`);
    for (const task of VERBOSE ? [...inStep, ...after] : []) {
      if (task.dur! < MIN_TASK_MS * 1000) continue;
      const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.dur! >= 200 && e.name !== outer);
      const parts = inside.sort((a, b) => b.dur! - a.dur!).slice(0, 7).map((e) => `${e.name}${e.args?.data?.functionName ? `:${String(e.args.data.functionName)}` : ''} ${ms(e.dur!)}`);
      console.log(`    ${task.ts <= paint ? 'in ' : 'aft'} +${ms(task.ts - from)} task ${ms(task.dur!)}: ${parts.join(', ')}`);
    }
    const decodes = events.filter((e) => e.ph === 'X' && /Decode|ImageBitmap/i.test(e.name) && e.ts >= from && e.ts <= next);
    const byThread = new Map<string, number>();
    for (const d of decodes) {
      const key = `${threadName.get(`${d.pid}:${d.tid}`) ?? d.tid}/${d.name}`;
      byThread.set(key, (byThread.get(key) ?? 0) + d.dur!);
    }
    if (VERBOSE && byThread.size) console.log(`    decodes: ${[...byThread].map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
  }
  inStepMs.sort((a, b) => a - b);
  const phaseEnd = (paints.at(-1) ?? 0) + 300_000;
  const decoded = events.filter((e) => e.ph === 'X' && e.name === 'Decode Image' && e.ts >= keys[0]! && e.ts <= phaseEnd);
  const mainTotal = top.filter((t) => t.ts >= keys[0]! && t.ts <= phaseEnd).reduce((a, t) => a + t.dur!, 0);
  console.log(`${label}: ${decoded.length} image decodes (${ms(decoded.reduce((a, e) => a + e.dur!, 0))} ms on ${new Set(decoded.map((e) => threadName.get(`${e.pid}:${e.tid}`))).size > 0 ? [...new Set(decoded.map((e) => threadName.get(`${e.pid}:${e.tid}`)))].join(', ') : '-'}), main-thread tasks ${ms(mainTotal / keys.length)} ms per step in all`);
  console.log(`${label}: main-thread task time key → paint event mean ${ms(sumToPaint / keys.length)} ms (median ${inStepMs[Math.floor(inStepMs.length / 2)]?.toFixed(1)}, max ${inStepMs.at(-1)?.toFixed(1)}), paint event → next key mean ${ms(sumBetween / keys.length)} ms; ${keys.length} steps`);
}

async function main(): Promise<void> {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('npm run build first');
  const path = benchClip();
  const services = createServices({ userDataDir: mkdtempSync(join(tmpdir(), 'mellm-step-trace-')), spareDecoder: true });
  await services.settings.update({ annotator: 'bench' });
  const bridge = await startBridge({ handlers: createHandlerTable(services), events: services.events, router: (connect) => createRouter({ rendererDir: rendererDir(), frames: () => services.frames, connect }) });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(bridge.url);
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="clip-path"]').fill(path);
    await page.locator('form.inline-form button[type="submit"]').click();
    await page.getByTestId('frame-stage').waitFor();
    await services.media.options.proxies?.settled(await clipIdFor(path));
    await page.waitForTimeout(1000);
    await page.getByTestId('frame-stage').click();
    await page.evaluate(`(() => {
      window.__painted = -1;
      window.__label = '';
      window.addEventListener('keydown', (e) => { if (e.key !== 'Shift') performance.mark(window.__label + '-key'); }, { capture: true });
      window.addEventListener('mellm:frame-painted', (e) => { performance.mark(window.__label + '-painted'); requestAnimationFrame(() => (window.__painted = e.detail.index)); });
    })()`);
    const press = async (key: string, expected: number) => {
      await page.keyboard.press(key);
      await page.waitForFunction((n) => (globalThis as unknown as { __painted: number }).__painted === n, expected, { timeout: 30_000 });
    };
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink.user_timing', 'blink', 'cc', 'gpu', 'v8'] });
    const cpu = () => ({ chromium: descendantsCpuMs(), node: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
    const report = (label: string, from: { chromium: number; node: number }) => {
      const to = cpu();
      console.log(`${label}: CPU per step — Chromium ${((to.chromium - from.chromium) / STEPS).toFixed(1)} ms, this process (server) ${((to.node - from.node) / STEPS).toFixed(1)} ms`);
    };
    await page.evaluate(`window.__label = 'uncached'`);
    let at = cpu();
    for (let i = 1; i <= STEPS; i += 1) await press('Shift+ArrowRight', i * 10);
    await page.waitForTimeout(300);
    report('uncached (Shift+→, 300 ms after)', at);
    await page.evaluate(`window.__label = 'cached'`);
    at = cpu();
    for (let i = STEPS - 1; i >= 0; i -= 1) await press('Shift+ArrowLeft', i * 10);
    await page.waitForTimeout(300);
    report('cached while prefetching (Shift+←, 300 ms after)', at);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const marks = trace.traceEvents.filter((e) => e.cat?.includes('blink.user_timing') && e.ph !== 'e');
    console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    describe(trace.traceEvents, marks, 'uncached');
    describe(trace.traceEvents, marks, 'cached');
  } finally {
    await browser.close();
    await bridge.close();
    await disposeServices(services);
  }
}

await main();
