/**
 * What a clip open does between the click and frame 0's paint, in both processes, from a
 * Chromium trace of the built renderer (as the ui bench opens it) and the main process's
 * own record: the renderer main thread's tasks (each with its longest parts: script,
 * layout, paint …), the process starts the main process made (ffmpeg / ffprobe, at which
 * ms) and its CPU. Counts and times; several opens, each in a fresh page.
 *   node --import tsx bench/fit/open-trace.ts [--opens N] [--min-task-ms 3] [--profile [--top 25]]
 *     [--renders] [--marks] [--longest] [--renderer DIR]
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
/** `--renderer DIR`: serve another build's renderer (e.g. main's `out/renderer`) against this process's services. */
const RENDERER = args.includes('--renderer') ? args[args.indexOf('--renderer') + 1]! : rendererDir();
/** `--renders`: the component renders before the paint, by name. */
const RENDERS = args.includes('--renders');
/** `--longest`: the longest main-thread task's events, nested, down to 0.5 ms. */
const LONGEST = args.includes('--longest');
/** `--marks`: the renderer's own milestones in the trace (frame 0's response, decode, the paint event). */
const MARKS = args.includes('--marks');

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
  if (LONGEST && top.length) {
    const longest = top.reduce((a, b) => (b.dur! > a.dur! ? b : a));
    const inside = mine.filter((e) => e.ts >= longest.ts && e.ts + e.dur! <= longest.ts + longest.dur! && e.dur! >= 500).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const open: TraceEvent[] = [];
    for (const e of inside) {
      while (open.length && open[open.length - 1]!.ts + open[open.length - 1]!.dur! < e.ts + e.dur!) open.pop();
      const data = e.args?.data ?? {};
      const detail = ['functionName', 'elementCount', 'url'].filter((k) => data[k] !== undefined).map((k) => `${k}=${String(data[k]).split('/').pop()}`).join(' ');
      lines.push(`    ${'  '.repeat(open.length)}+${((e.ts - from) / 1000).toFixed(1)} ${e.name} ${(e.dur! / 1000).toFixed(1)} ${detail}`);
      open.push(e);
    }
  }
  lines.push(`  main-thread tasks in all: ${(total / 1000).toFixed(1)} ms over ${((to - from) / 1000).toFixed(0)} ms`);
  return lines;
}

/** When, after the click, frame 0's response reached the renderer, its image was decoded, and the paint event fired (ms). */
function milestones(events: readonly TraceEvent[], from: number, to: number): string[] {
  const at = (e: TraceEvent | undefined) => (e ? `+${((e.ts - from) / 1000).toFixed(0)}` : '?');
  const inSpan = events.filter((e) => e.ts >= from && e.ts <= to);
  const frameUrl = (e: TraceEvent) => String(e.args?.data?.url ?? '').includes('/frames/');
  const request = inSpan.find((e) => e.name === 'ResourceSendRequest' && frameUrl(e));
  const id = request?.args?.data?.requestId;
  const mine = (name: string) => inSpan.find((e) => e.name === name && e.args?.data?.requestId === id);
  const decode = inSpan.filter((e) => e.name === 'Decode Image' || e.name === 'ImageDecodeTask');
  const paints = inSpan.filter((e) => e.name === 'Paint' || e.name === 'PaintImage');
  const commits = inSpan.filter((e) => e.name === 'Commit');
  return [
    `  renderer: frame 0 asked ${at(request)}, response ${at(mine('ResourceReceiveResponse'))}, finished ${at(mine('ResourceFinish'))}; image decodes at ${decode.map(at).join(' ') || 'none traced'}; paint event ${at(inSpan.find((e) => e.name === 'frame-painted-event'))}`,
    `  renderer: commits at ${commits.map((e) => `${at(e)} (${((e.dur ?? 0) / 1000).toFixed(1)})`).join(' ')}; paints ${paints.length}`,
  ];
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
  if (!existsSync(join(RENDERER, 'index.html'))) throw new Error('npm run build first');
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
      const route = createRouter({ rendererDir: RENDERER, frames: () => services.frames, connect });
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
        const take = () => (window.__renderCounts ? window.__renderCounts.take() : {});
        let counts = {};
        let nodes = 0;
        const painted = new Promise((resolve) => window.addEventListener('mellm:frame-painted', () => {
          // Counted as the bench counts them: from the click to the commit that draws frame 0.
          counts = take();
          nodes = document.querySelectorAll('*').length;
          performance.mark('frame-painted-event');
          requestAnimationFrame(() => resolve(performance.now()));
        }, { once: true }));
        take();
        performance.mark('open-click');
        const start = performance.now();
        button.click();
        const end = await painted;
        performance.mark('open-painted');
        const entries = performance.getEntriesByType('resource').filter((e) => e.startTime >= start);
        const open = entries.find((e) => e.name.includes('/api/media.open'));
        const frame = entries.find((e) => e.name.includes('/frames/'));
        return { ms: end - start, answered: open && open.responseEnd - start, asked: frame && frame.startTime - start, served: frame && frame.responseEnd - start, counts, nodes, canvases: document.querySelectorAll('canvas').length };
      })()`)) as { ms: number; answered: number; asked: number; served: number; counts: Record<string, number>; nodes: number; canvases: number };
      const renders = Object.values(result.counts).reduce((a, b) => a + b, 0);
      const nodeCpu = process.cpuUsage(cpu0);
      if (PROFILE) for (const line of hotFunctions(((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile, result.ms)) console.log(line);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const trace = PROFILE ? { traceEvents: [] } : (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] });
      const marks = trace.traceEvents.filter((e) => e.name === 'open-click' || e.name === 'open-painted');
      const from = marks.find((e) => e.name === 'open-click')?.ts ?? 0;
      const to = marks.find((e) => e.name === 'open-painted')?.ts ?? Number.MAX_SAFE_INTEGER;
      const f = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(0));
      console.log(`open ${open + 1}: painted ${f(result.ms)} ms (answered ${f(result.answered)}, asked ${f(result.asked)}, served ${f(result.served)}), ${renders} renders, ${result.nodes} elements, ${result.canvases} canvases at the paint; load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
      loopDelay.disable();
      console.log(`  main process: ${served.slice(0, 8).map((s) => `${s.what} +${(s.at - nodeStart).toFixed(0)}`).join(', ')}; event-loop delay max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
      console.log(`  main process: CPU ${((nodeCpu.user + nodeCpu.system) / 1000).toFixed(0)} ms during the open; spawns: ${spawns.map((s) => `${s.command} at +${(s.at - nodeStart).toFixed(0)}`).join('; ') || 'none'}`);
      if (RENDERS) console.log(`  renders before the paint: ${Object.entries(result.counts).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ')}`);
      if (!PROFILE && MARKS) for (const line of milestones(trace.traceEvents, from, to)) console.log(line);
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
