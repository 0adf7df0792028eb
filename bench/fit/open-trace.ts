/**
 * What a clip open does between the click and frame 0's paint, in both processes, from a
 * Chromium trace of the built renderer (as the ui bench opens it) and the main process's
 * own record: the renderer main thread's tasks (each with its longest parts: script,
 * layout, paint …), the process starts the main process made (ffmpeg / ffprobe, at which
 * ms) and its CPU. Counts and times; several opens, each in a fresh page.
 *   node --import tsx bench/fit/open-trace.ts [--opens N] [--min-task-ms 3] [--profile [--top 25]]
 * The first open of a run probes the clip; later ones re-open it (no probe, no checks).
 * Needs `npm run build`.
 */
import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlerTable } from '../../src/main/api';
import { rendererDir } from '../../src/main/paths';
import { createServices, disposeServices } from '../../src/main/app/services';
import { startBridge } from '../../src/main/transport/bridge';
import { createRouter } from '../../src/main/transport/routes';
import { launchChromium } from '../../test/helpers/browser';
import { args, benchClip, opt, type TraceEvent } from './ui-trace-common';
import { countRenders } from '../../test/helpers/render-count';

const OPENS = opt('--opens', 3);
const MIN_TASK_MS = opt('--min-task-ms', 3);
/** `--profile`: a CPU profile of the renderer instead of the trace (the two disturb each other). */
const PROFILE = args.includes('--profile');
const TOP = opt('--top', 25);

// The main process's process starts, by time: every spawn goes through this one function.
const spawns: { at: number; command: string }[] = [];
const spawnOriginal = childProcess.spawn;
childProcess.spawn = ((...spawnArgs: Parameters<typeof spawnOriginal>) => {
  const [command, list] = spawnArgs as unknown as [string, readonly string[] | undefined];
  spawns.push({ at: performance.now(), command: `${command.split('/').pop()} ${(Array.isArray(list) ? list : []).slice(0, 3).join(' ')}` });
  return (spawnOriginal as (...a: unknown[]) => ChildProcess)(...spawnArgs);
}) as typeof spawnOriginal;
syncBuiltinESMExports();

/** The renderer main thread's top-level tasks in [from, to] (trace µs), each with its largest parts. */
function tasks(events: readonly TraceEvent[], from: number, to: number): string[] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['no renderer main thread in the trace'];
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined && e.ts >= from && e.ts <= to);
  // The scheduler's outer task where it is traced (RunTask nests inside it), else RunTask.
  const outer = mine.some((e) => e.name === 'ThreadControllerImpl::RunTask') ? 'ThreadControllerImpl::RunTask' : 'RunTask';
  const top = mine.filter((e) => e.name === outer);
  const lines: string[] = [];
  let total = 0;
  for (const task of top) {
    total += task.dur!;
    if (task.dur! < MIN_TASK_MS * 1000) continue;
    const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.dur! >= 1000 && e.name !== 'ThreadControllerImpl::RunTask');
    const parts = inside
      .sort((a, b) => b.dur! - a.dur!)
      .slice(0, 6)
      .map((e) => `${e.name}${e.args?.data?.functionName ? `:${String(e.args.data.functionName)}` : ''}${e.args?.data?.url ? `@${String(e.args.data.url).split('/').pop()}` : ''} ${(e.dur! / 1000).toFixed(1)}`);
    lines.push(`  +${((task.ts - from) / 1000).toFixed(0)} ms task ${(task.dur! / 1000).toFixed(1)} ms: ${parts.join(', ')}`);
  }
  lines.push(`  main-thread tasks in all: ${(total / 1000).toFixed(1)} ms over ${((to - from) / 1000).toFixed(0)} ms`);
  return lines;
}

interface CpuProfile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
}

/** Self and total time by function over the first `spanMs` of the profile (ms), the largest first. */
function hotFunctions(profile: CpuProfile, spanMs: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t / 1000 > spanMs + 50) return;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const key = (nodeId: number) => {
      const f = byId.get(nodeId)!.callFrame;
      return `${f.functionName || '(anon)'}@${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    };
    self.set(key(id), (self.get(key(id)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(at);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('\n    ');
  return [`  self ms:\n    ${top(self)}`, `  total ms:\n    ${top(total)}`];
}

async function main(): Promise<void> {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('npm run build first');
  const path = benchClip();
  const services = createServices({ userDataDir: mkdtempSync(join(tmpdir(), 'mellm-open-trace-')), spareDecoder: true });
  await services.settings.update({ annotator: 'bench' });
  // The main process's side of the open: when `media.open` and the frame route start and end.
  const served: { at: number; what: string }[] = [];
  const handlers = createHandlerTable(services);
  const openHandler = handlers['media.open'];
  handlers['media.open'] = (async (...a: Parameters<typeof openHandler>) => {
    served.push({ at: performance.now(), what: 'media.open in' });
    const value = await openHandler(...a);
    served.push({ at: performance.now(), what: 'media.open out' });
    return value;
  }) as typeof openHandler;
  const bridge = await startBridge({
    handlers,
    events: services.events,
    router: (connect) => {
      const route = createRouter({ rendererDir: rendererDir(), frames: () => services.frames, connect });
      return async (pathname, search, headers) => {
        const frame = pathname.startsWith('/frames/') ? pathname.split('/').pop() : null;
        if (frame) served.push({ at: performance.now(), what: `frame ${frame} in` });
        const response = await route(pathname, search, headers);
        if (frame) served.push({ at: performance.now(), what: `frame ${frame} out` });
        return response;
      };
    },
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const browser = await launchChromium();
  try {
    for (let open = 0; open < OPENS; open += 1) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await countRenders(page);
      await page.goto(bridge.url);
      await page.locator('[data-view="corpus"]').click();
      await page.locator('input[name="clip-path"]').fill(path);
      // The previous open's checks and proxy leave the spare to load again: let it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const cdp = await page.context().newCDPSession(page);
      if (PROFILE) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      if (!PROFILE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink.user_timing'] });
      spawns.length = 0;
      served.length = 0;
      loopDelay.reset();
      loopDelay.enable();
      const cpu0 = process.cpuUsage();
      const nodeStart = performance.now();
      const result = (await page.evaluate(`(async () => {
        const button = document.querySelector('form.inline-form button[type="submit"]');
        const painted = new Promise((resolve) => window.addEventListener('mellm:frame-painted', () => requestAnimationFrame(() => resolve(performance.now())), { once: true }));
        performance.mark('open-click');
        const start = performance.now();
        button.click();
        const end = await painted;
        performance.mark('open-painted');
        const entries = performance.getEntriesByType('resource').filter((e) => e.startTime >= start);
        const open = entries.find((e) => e.name.includes('/api/media.open'));
        const frame = entries.find((e) => e.name.includes('/frames/'));
        const counts = window.__renderCounts ? window.__renderCounts.take() : {};
        return { ms: end - start, answered: open && open.responseEnd - start, asked: frame && frame.startTime - start, served: frame && frame.responseEnd - start, renders: Object.values(counts).reduce((a, b) => a + b, 0) };
      })()`)) as { ms: number; answered: number; asked: number; served: number; renders: number };
      const nodeCpu = process.cpuUsage(cpu0);
      if (PROFILE) for (const line of hotFunctions(((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile, result.ms)) console.log(line);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const trace = PROFILE ? { traceEvents: [] } : (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] });
      const marks = trace.traceEvents.filter((e) => e.name === 'open-click' || e.name === 'open-painted');
      const from = marks.find((e) => e.name === 'open-click')?.ts ?? 0;
      const to = marks.find((e) => e.name === 'open-painted')?.ts ?? Number.MAX_SAFE_INTEGER;
      const f = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(0));
      console.log(`open ${open + 1}: painted ${f(result.ms)} ms (answered ${f(result.answered)}, asked ${f(result.asked)}, served ${f(result.served)}), ${result.renders} renders; load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
      loopDelay.disable();
      console.log(`  main process: ${served.slice(0, 8).map((s) => `${s.what} +${(s.at - nodeStart).toFixed(0)}`).join(', ')}; event-loop delay max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
      console.log(`  main process: CPU ${((nodeCpu.user + nodeCpu.system) / 1000).toFixed(0)} ms during the open; spawns: ${spawns.map((s) => `${s.command} at +${(s.at - nodeStart).toFixed(0)}`).join('; ') || 'none'}`);
      if (!PROFILE) for (const line of tasks(trace.traceEvents, from, to)) console.log(line);
      await page.close();
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
  } finally {
    await browser.close();
    await bridge.close();
    await disposeServices(services);
  }
}

await main();
