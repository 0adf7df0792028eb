/**
 * The annotate view in real Chromium over the loopback bridge (the built renderer):
 *  - key press → new frame painted (keydown → the stage's paint event → next rAF),
 *    cached (frames already decoded) and uncached (Shift+→ jumps past the prefetch);
 *    peer: a bare <img> src swap to the same frame URLs (load → rAF) in the same page;
 *  - clip open → first frame painted;
 *  - timeline drag on a 20,000-frame clip: rAF frame rate while the playhead is dragged.
 *  - 200 random seeks on a 2-minute 640×480 clip (each ≥ 30 frames from the one before, the
 *    server's frame cache emptied before each): frame request → decoded image ready → next
 *    rAF, from the display proxy and, as the baseline, decoding the source (a copy of the
 *    clip whose proxy is released); plus the proxy's build time and size per minute.
 * Needs `npm run build`, ffmpeg and Chromium; clips are generated into the OS temp dir.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createHandlerTable } from '../../src/main/api';
import { clipIdFor } from '../../src/main/media/clip-identity';
import { rendererDir } from '../../src/main/paths';
import { createServices, disposeServices } from '../../src/main/app/services';
import { startBridge } from '../../src/main/transport/bridge';
import { createRouter } from '../../src/main/transport/routes';
import { launchChromium } from '../../test/helpers/browser';
import { countRenders, takeRenders } from '../../test/helpers/render-count';
import { quantile, type Benchmark, type BenchRow } from '../harness';
import type { Services } from '../../src/main/app/services';

function generateClip(name: string, frames: number, size: string): string {
  const dir = join(tmpdir(), 'mellm-bench-ui');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const run = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', path]);
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
  return path;
}

// In-page code is passed as script text: this file is type-checked without DOM types,
// and bundler helpers (keepNames) would not exist in the page.

/**
 * Installs the in-page probe: keydown time, then the paint event, then the next animation
 * frame. Each sample also records where the time went: keydown → the view's paint event
 * (React render + commit + the frame layer's draw, plus the load when uncached) and, from
 * the browser's Resource Timing entry of the frame asked for when its request began after
 * the key press, how long it waited for a connection (queued), the server's answer
 * (request → response end) and response end → paint event (decode + render).
 */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    performance.setResourceTimingBufferSize(100000);
    const probe = (window.__probe = { start: 0, samples: [], parts: [], painted: -1 });
    window.addEventListener('keydown', () => (probe.start = performance.now()), { capture: true });
    window.addEventListener('mellm:frame-painted', (event) => {
      const started = probe.start;
      const at = event.detail.at;
      const index = event.detail.index;
      requestAnimationFrame(() => {
        if (started) {
          probe.samples.push(performance.now() - started);
          const entry = performance.getEntriesByType('resource').filter((e) => e.name.includes('/frames/') && e.name.endsWith('/' + index + '.jpg') && e.startTime >= started).at(-1);
          probe.parts.push({
            index,
            toPaintEvent: at - started,
            paintEventToFrame: performance.now() - at,
            requested: entry ? entry.startTime - started : null,
            queued: entry ? entry.requestStart - entry.startTime : null,
            served: entry ? entry.responseEnd - entry.requestStart : null,
            responseToPaintEvent: entry ? at - entry.responseEnd : null,
          });
        }
        probe.start = 0;
        probe.painted = index;
      });
    });
  })()`);
}

interface StepParts {
  readonly index: number;
  readonly toPaintEvent: number;
  readonly paintEventToFrame: number;
  readonly requested: number | null;
  readonly queued: number | null;
  readonly served: number | null;
  readonly responseToPaintEvent: number | null;
}

/** Median and p95 of each part of the key → painted samples, as row metrics (ms). */
function partMetrics(parts: readonly StepParts[]): Record<string, number | null> {
  const metrics: Record<string, number | null> = {};
  for (const key of ['toPaintEvent', 'paintEventToFrame', 'queued', 'served', 'responseToPaintEvent'] as const) {
    const values = parts.map((p) => p[key]).filter((v): v is number => v !== null);
    metrics[`${key}MedianMs`] = values.length ? Number(quantile(values, 0.5).toFixed(1)) : null;
    metrics[`${key}P95Ms`] = values.length ? Number(quantile(values, 0.95).toFixed(1)) : null;
  }
  metrics.requestedAfterKey = parts.filter((p) => p.requested !== null).length;
  return metrics;
}

async function pressAndWait(page: Page, key: string, expected: number): Promise<void> {
  await page.keyboard.press(key);
  // A function, not text: the page's CSP forbids eval, which waitForFunction(text) needs.
  await page.waitForFunction((n) => (globalThis as unknown as { __probe: { painted: number } }).__probe.painted === n, expected, { timeout: 30_000 });
}

async function takeSamples(page: Page): Promise<number[]> {
  return (await takeSteps(page)).samples;
}

async function takeSteps(page: Page): Promise<{ samples: number[]; parts: StepParts[] }> {
  return (await page.evaluate('({ samples: window.__probe.samples.splice(0), parts: window.__probe.parts.splice(0) })')) as { samples: number[]; parts: StepParts[] };
}

/**
 * Clip open → first frame painted (ms), and what the page asked the bridge for from the
 * click until that paint: API channels and frames, by name (Resource Timing entries that
 * started in between), so a request added before the first paint shows whatever the load.
 */
interface Opened {
  readonly ms: number;
  readonly requests: string[];
  readonly renders: Record<string, number>;
  /** From the click: `media.open` answered, frame 0 asked for, frame 0 served (ms; null when not seen). */
  readonly parts: { answered: number | null; frameAsked: number | null; frameServed: number | null };
}

async function openClip(page: Page, path: string): Promise<Opened> {
  await page.locator('[data-view="corpus"]').click();
  await page.locator('input[name="clip-path"]').fill(path);
  return (await page.evaluate(`(async () => {
    const button = document.querySelector('form.inline-form button[type="submit"]');
    const take = () => (window.__renderCounts ? window.__renderCounts.take() : {});
    let renders = {};
    const painted = new Promise((resolve) =>
      window.addEventListener('mellm:frame-painted', () => {
        renders = take();
        requestAnimationFrame(() => resolve(performance.now()));
      }, { once: true }),
    );
    take();
    const start = performance.now();
    button.click();
    const end = await painted;
    const entries = performance.getEntriesByType('resource')
      .filter((e) => e.startTime >= start && e.startTime <= end && (e.name.includes('/api/') || e.name.includes('/frames/')));
    const requests = entries.map((e) => { const path = new URL(e.name).pathname; return path.startsWith('/api/') ? path.slice(5) : 'frame ' + path.split('/').pop(); });
    const open = entries.find((e) => e.name.includes('/api/media.open'));
    const frame = entries.find((e) => e.name.includes('/frames/'));
    const parts = { answered: open ? open.responseEnd - start : null, frameAsked: frame ? frame.startTime - start : null, frameServed: frame ? frame.responseEnd - start : null };
    return { ms: end - start, requests, renders, parts };
  })()`)) as Opened;
}

/** Component renders per step, by name, and in all (render-count.ts). */
function renderMetrics(renders: Record<string, number>, steps: number): Record<string, number> {
  const total = Object.values(renders).reduce((a, b) => a + b, 0);
  const per = (name: string) => Number(((renders[name] ?? 0) / steps).toFixed(2));
  return { rendersPerStep: Number((total / steps).toFixed(2)), viewRendersPerStep: per('ClipAnnotator'), saveStatusRendersPerStep: per('SaveStatus'), stageRendersPerStep: per('FrameStage') };
}

async function peerImgSwap(page: Page, path: string, count: number): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const response = await fetch('/api/media.open', { method: 'POST', body: JSON.stringify({ path: ${JSON.stringify(path)} }) });
    const clipId = (await response.json()).data.clipId;
    const img = document.createElement('img');
    document.body.append(img);
    const samples = [];
    for (let i = 0; i < ${count}; i += 1) {
      const start = performance.now();
      img.src = '/frames/' + clipId + '/' + (295 - i * 3) + '.jpg';
      await new Promise((resolve) => (img.onload = resolve));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      samples.push(performance.now() - start);
    }
    img.remove();
    return samples;
  })()`)) as number[];
}

/** `count` frame indices in [0, frames), distinct, each at least `gap` from the one before (seeded). */
function seekTargets(count: number, frames: number, gap: number, seed = 23): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const chosen: number[] = [];
  const used = new Set<number>();
  for (let tries = 0; chosen.length < count && tries < count * 1000; tries += 1) {
    const index = Math.floor(next() * frames);
    const previous = chosen.at(-1);
    if (used.has(index) || (previous !== undefined && Math.abs(index - previous) < gap)) continue;
    used.add(index);
    chosen.push(index);
  }
  return chosen;
}

/**
 * One seek as the annotate view makes it (FrameLoader with frame-bitmap.ts: fetch, then
 * createImageBitmap), then the next animation frame: [request → decoded, request → next rAF] in ms.
 */
async function seekInPage(page: Page, url: string): Promise<[number, number]> {
  return (await page.evaluate(`(async () => {
    const start = performance.now();
    const response = await fetch(${JSON.stringify(url)});
    const bitmap = await createImageBitmap(await response.blob());
    const decoded = performance.now() - start;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    bitmap.close();
    return [decoded, performance.now() - start];
  })()`)) as [number, number];
}

async function randomSeeks(page: Page, services: Services, clipId: string, targets: readonly number[]): Promise<{ decoded: number[]; painted: number[] }> {
  const decoded: number[] = [];
  const painted: number[] = [];
  for (const index of targets) {
    services.media.cache.deletePrefix(clipId);
    const [d, p] = await seekInPage(page, `/frames/${clipId}/${index}.jpg`);
    decoded.push(d);
    painted.push(p);
  }
  return { decoded, painted };
}

/** Random seeks with and without the display proxy, and what the proxy costs. */
async function seekRows(page: Page, services: Services, log: (m: string) => void): Promise<BenchRow[]> {
  const clip = generateClip('ui-640x480-3600.mp4', 3600, '640x480');
  const copy = join(tmpdir(), 'mellm-bench-ui', 'ui-640x480-3600-source.mp4');
  if (!existsSync(copy)) copyFileSync(clip, copy);
  const proxies = services.media.options.proxies;
  if (!proxies) throw new Error('the services have no display proxies');
  const started = performance.now();
  const { clipId, info } = await services.media.open(clip);
  const proxy = await proxies.settled(clipId);
  if (!proxy) throw new Error(`proxy build failed: ${proxies.status(clipId).error?.message ?? 'unknown'}`);
  const buildMs = performance.now() - started;
  const bytes = proxy.index.offsets[info.frames] as number;
  const minutes = info.frames / info.fps / 60;
  const source = (await services.media.open(copy)).clipId;
  proxies.release(source);
  const targets = seekTargets(200, info.frames, 30);
  // Warm both paths once (decoder process, route, image pipeline) on frames not measured.
  await seekInPage(page, `/frames/${clipId}/1.jpg`);
  await seekInPage(page, `/frames/${source}/1.jpg`);
  const viaProxy = await randomSeeks(page, services, clipId, targets);
  const viaSource = await randomSeeks(page, services, source, targets);
  log(`random seek → painted p95: proxy ${quantile(viaProxy.painted, 0.95).toFixed(1)} ms, source ${quantile(viaSource.painted, 0.95).toFixed(1)} ms`);
  const row = (method: string, samples: number[], extra: Record<string, number> = {}): BenchRow => ({
    case: `640×480 H.264 GOP 30, ${info.frames} frames, 200 random seeks ≥ 30 frames apart`,
    method,
    samples,
    metrics: { maxMs: Math.max(...samples), ...extra },
  });
  return [
    row('display proxy: request → decoded image', viaProxy.decoded),
    row('display proxy: request → painted (next rAF)', viaProxy.painted, { goalP95Ms: 50 }),
    row('source decode: request → decoded image', viaSource.decoded),
    row('source decode: request → painted (next rAF)', viaSource.painted, { goalP95Ms: 50 }),
    {
      case: `640×480 H.264, ${info.frames} frames (${minutes.toFixed(1)} min)`,
      method: 'display proxy build (MJPEG q5, nice 19, 1 thread) while the view is open',
      samples: [buildMs],
      metrics: { proxyMB: Math.round(bytes / 2 ** 20), mbPerMinute: Math.round(bytes / 2 ** 20 / minutes), kBPerFrame: Math.round(bytes / info.frames / 1024) },
    },
  ];
}

export const uiBenchmark: Benchmark = {
  name: 'ui',
  description: 'Annotate view in Chromium: key → frame painted (cached/uncached, peer <img> swap), clip open → first frame, 20k-frame timeline drag fps',
  async run({ reps = 60, log }) {
    if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
    const short = generateClip('ui-640x480-300.mp4', 300, '640x480');
    const long = generateClip('ui-160x120-20000.mp4', 20_000, '160x120');
    // As the app and `npm run serve` make them: an idle ffmpeg kept ready for the next open.
    const services = createServices({ userDataDir: mkdtempSync(join(tmpdir(), 'mellm-bench-ui-user-')), spareDecoder: true });
    await services.settings.update({ annotator: 'bench' });
    const bridge = await startBridge({
      handlers: createHandlerTable(services),
      events: services.events,
      router: (connect) => createRouter({ rendererDir: rendererDir(), frames: () => services.frames, connect }),
    });
    const browser = await launchChromium();
    const rows: BenchRow[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await countRenders(page);
      await page.goto(bridge.url);
      const opened = await openClip(page, short);
      const rendersBeforePaint = Object.values(opened.renders).reduce((a, b) => a + b, 0);
      const { answered, frameAsked, frameServed } = opened.parts;
      const at = (ms: number | null) => (ms === null ? null : Number(ms.toFixed(1)));
      log(`clip open → first frame: ${opened.ms.toFixed(1)} ms (media.open answered at ${at(answered)}, frame 0 asked at ${at(frameAsked)}, served at ${at(frameServed)}); requests before the paint: ${opened.requests.join(', ')}; ${rendersBeforePaint} component renders ${JSON.stringify(opened.renders)}`);
      rows.push({
        case: '640×480 H.264, 300 frames',
        method: 'clip open → first frame painted',
        samples: [opened.ms],
        metrics: { goalMs: 300, requestsBeforePaint: opened.requests.length, rendersBeforePaint, openAnsweredMs: at(answered), frameAskedMs: at(frameAsked), frameServedMs: at(frameServed) },
      });
      // Every video gets a display proxy; the steps below are measured once it is ready.
      const shortProxy = await services.media.options.proxies?.settled(await clipIdFor(short));
      log(`display proxy of the 300-frame clip: ${shortProxy ? 'ready' : 'none'}`);
      await installProbe(page);
      await page.getByTestId('frame-stage').click();

      // Uncached: Shift+→ jumps 10 frames, beyond the 6-frame forward prefetch.
      const jumps = Math.min(reps, 29);
      await takeRenders(page);
      for (let i = 1; i <= jumps; i += 1) await pressAndWait(page, 'Shift+ArrowRight', i * 10);
      const uncached = await takeSteps(page);
      const uncachedRenders = await takeRenders(page);
      // Cached: step back over frames 10 apart that are now decoded, then forward again.
      for (let i = jumps - 1; i >= 0; i -= 1) await pressAndWait(page, 'Shift+ArrowLeft', i * 10);
      for (let i = 1; i <= jumps; i += 1) await pressAndWait(page, 'Shift+ArrowRight', i * 10);
      const cached = await takeSteps(page);
      const cachedRenders = await takeRenders(page);
      log(`renders on ${jumps * 2} cached steps: ${JSON.stringify(cachedRenders)}`);
      if (process.env.MELLM_BENCH_UI_KEYS === '1') log(`cached steps that requested their frame: ${cached.parts.filter((p) => p.requested !== null).map((p) => `${p.index} (+${p.requested?.toFixed(1)} ms)`).join(', ')}`);
      // Warm: → / ← over a few neighbouring frames whose prefetch is complete (render path only).
      for (let i = 0; i < 12; i += 1) await pressAndWait(page, i % 2 ? 'ArrowLeft' : 'ArrowRight', i % 2 ? jumps * 10 : jumps * 10 + 1);
      await page.waitForTimeout(500);
      await takeSamples(page);
      for (let i = 0; i < reps; i += 1) await pressAndWait(page, i % 2 ? 'ArrowLeft' : 'ArrowRight', i % 2 ? jumps * 10 : jumps * 10 + 1);
      const warm = await takeSteps(page);
      log(`key → paint: uncached p95 ${quantile(uncached.samples, 0.95).toFixed(1)} ms, cached p95 ${quantile(cached.samples, 0.95).toFixed(1)} ms, idle p95 ${quantile(warm.samples, 0.95).toFixed(1)} ms`);
      rows.push({ case: '640×480', method: 'key → frame painted, uncached (Shift+→)', samples: uncached.samples, metrics: { goalP95Ms: 50, ...partMetrics(uncached.parts), ...renderMetrics(uncachedRenders, jumps) } });
      rows.push({ case: '640×480', method: 'key → frame painted, cached (Shift+← / Shift+→, prefetch busy)', samples: cached.samples, metrics: { goalP95Ms: 16, ...partMetrics(cached.parts), ...renderMetrics(cachedRenders, jumps * 2) } });
      rows.push({ case: '640×480', method: 'key → frame painted, cached (← / →, prefetch idle)', samples: warm.samples, metrics: { goalP95Ms: 16, ...partMetrics(warm.parts) } });

      // Peer: the simplest viewer, an <img> whose src changes, on frames never requested before.
      const peer = await peerImgSwap(page, short, jumps);
      rows.push({ case: '640×480', method: 'peer: <img> src swap, uncached', samples: peer });

      // MELLM_BENCH_UI_KEYS=1: the key-press rows only (for runs alternated with another build).
      if (process.env.MELLM_BENCH_UI_KEYS === '1') return rows;
      rows.push(...(await seekRows(page, services, log)));

      // Timeline drag on 20,000 frames: record every rAF while the mouse drags the playhead.
      const longOpen = [(await openClip(page, long)).ms];
      rows.push({ case: '160×120 H.264, 20,000 frames', method: 'clip open → first frame painted', samples: longOpen, metrics: { goalMs: 300 } });
      const box = await page.getByTestId('timeline').boundingBox();
      if (!box) throw new Error('timeline not visible');
      await page.evaluate(`(() => {
        const frames = (window.__frames = []);
        const tick = (now) => {
          frames.push(now);
          if (frames.length < 100000) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + 5, y);
      await page.mouse.down();
      for (let pass = 0; pass < 4; pass += 1) await page.mouse.move(pass % 2 ? box.x + 5 : box.x + box.width - 5, y, { steps: 120 });
      await page.mouse.up();
      const intervals = (await page.evaluate(`(() => {
        const frames = window.__frames.splice(0);
        return frames.slice(1).map((t, i) => t - frames[i]);
      })()`)) as number[];
      const total = intervals.reduce((a, b) => a + b, 0);
      rows.push({
        case: '20,000-frame timeline',
        method: 'drag playhead (4 sweeps × 120 moves)',
        samples: intervals,
        metrics: { fps: (intervals.length / total) * 1000, p95FrameMs: quantile(intervals, 0.95), goalFps: 60 },
      });
    } finally {
      await browser.close();
      await bridge.close();
      await disposeServices(services);
    }
    return rows;
  },
};
