/**
 * Opening a clip asks the bridge for the clip and its first frame before that frame is
 * painted, and for nothing else: what can wait (the language model's speed estimate)
 * goes out after the paint. Counted from the browser's Resource Timing, not timed. What is
 * not the frame (the side panels, the timeline, the overlay layer, the address) comes after
 * that paint: React's renders and the canvases are counted, the stage's canvas is there from
 * the view's first commit, and the stage's box is the same before and after the rest comes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';
import { countRenders } from '../helpers/render-count';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-open-requests-'));
const app = useAppPage({ width: 1280, height: 720 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bridge paths the page asked for since `since` (performance.now), in order. */
const requestsSince = (since: number): Promise<string[]> =>
  app().page.evaluate(
    (start) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.startTime >= start && (entry.name.includes('/api/') || entry.name.includes('/frames/')))
        .map((entry) => new URL(entry.name).pathname),
    since,
  );

/** A fresh page of the app on Corpus, the clip's path in the open form (not submitted). */
async function showOpenForm(clip: string): Promise<void> {
  const page = app().page;
  await page.goto(app().bridge.url);
  await page.locator('[data-view="corpus"]').click();
  await page.locator('input[name="clip-path"]').fill(clip);
}

describe('opening a clip', () => {
  it('asks for the clip and frame 0 before the first paint, the speed estimate after it', async () => {
    const page = app().page;
    const clip = writeIndexClip(dir, 90, 320, 240);
    await showOpenForm(clip);
    const { start, painted } = await page.evaluate(async () => {
      const button = document.querySelector<HTMLButtonElement>('form.inline-form button[type="submit"]');
      const paint = new Promise<number>((resolve) => window.addEventListener('mellm:frame-painted', () => resolve(performance.now()), { once: true }));
      const begun = performance.now();
      button?.click();
      return { start: begun, painted: await paint };
    });
    const timed = await page.evaluate(
      ([from, to]) =>
        performance
          .getEntriesByType('resource')
          .filter((entry) => entry.startTime >= from! && entry.startTime <= to! && (entry.name.includes('/api/') || entry.name.includes('/frames/')))
          .map((entry) => new URL(entry.name).pathname.replace(/^\/frames\/[^/]+\//, '/frames/')),
      [start, painted],
    );
    // The clip, then frame 0; once frame 0 is in, its neighbours' prefetch may start before
    // the paint event under load (those are frames, never another request of the bridge).
    expect(timed.slice(0, 2)).toEqual(['/api/media.open', '/frames/0.jpg']);
    // Asked for as the open answers (early-frame.ts) and taken by the view's loader: once.
    expect(timed.filter((path) => path === '/frames/0.jpg')).toHaveLength(1);
    expect(timed.slice(2).filter((path) => !/^\/frames\/\d+\.jpg$/.test(path))).toEqual([]);
    await expect.poll(async () => (await requestsSince(painted)).filter((path) => path === '/api/llm.speed')).toHaveLength(1);
  });

  it('renders the side panels after the first paint, not before it', async () => {
    const page = app().page;
    const clip = writeIndexClip(dir, 60, 320, 240);
    await countRenders(page);
    await showOpenForm(clip);
    const { renders: before, address, stageMountedAtFirstRender } = await page.evaluate(`(async () => {
      const take = () => window.__renderCounts.take();
      // The Konva stage is measured and mounted in the commit that mounts the view, not a frame later.
      let stageMountedAtFirstRender = null;
      const watch = new MutationObserver(() => {
        const stage = document.querySelector('[data-testid="frame-stage"]');
        if (!stage || stageMountedAtFirstRender !== null) return;
        stageMountedAtFirstRender = stage.querySelector('canvas') !== null;
      });
      watch.observe(document.body, { childList: true, subtree: true });
      const painted = new Promise((resolve) => window.addEventListener('mellm:frame-painted', () => {
        watch.disconnect();
        resolve({ renders: take(), address: location.hash, stageMountedAtFirstRender });
      }, { once: true }));
      take();
      document.querySelector('form.inline-form button[type="submit"]').click();
      return painted;
    })()`) as { renders: Record<string, number>; address: string; stageMountedAtFirstRender: boolean | null };
    expect(before).toMatchObject({ ClipAnnotator: 1, FrameStage: expect.any(Number), SidePanels: 1 });
    // FrameStage: its first render and the one with the frame; no render for its size alone.
    expect(before.FrameStage).toBe(2);
    expect(stageMountedAtFirstRender).toBe(true);
    // The address follows the view only after the paint (a synchronous call to the browser).
    expect(address).not.toMatch(/annotate/);
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/annotate/);
    for (const later of ['AuPanel', 'SuggestionPanel', 'LlmEstimate', 'ProvenanceBadge']) expect(before[later], later).toBeUndefined();
    // They come in a task after the paint, the column's width unchanged meanwhile.
    await page.locator('.annotate-side .au-panel').waitFor({ state: 'attached', timeout: 10_000 });
    await page.locator('.annotate-side .events-panel').waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('paints frame 0 before the timeline and the overlay layer are made, and their coming does not move the stage', async () => {
    const page = app().page;
    // 90 frames at 30 fps: a recording (longer than a dataset clip), so the queue shows too.
    const clip = writeIndexClip(dir, 90, 320, 240);
    await countRenders(page);
    await showOpenForm(clip);
    const atPaint = (await page.evaluate(`(async () => {
      const take = () => window.__renderCounts.take();
      const painted = new Promise((resolve) => window.addEventListener('mellm:frame-painted', () => {
        const box = document.querySelector('[data-testid="frame-stage"]').getBoundingClientRect();
        resolve({
          renders: take(),
          canvases: document.querySelectorAll('canvas').length,
          stageCanvases: document.querySelectorAll('[data-testid="frame-stage"] canvas').length,
          box: { x: box.x, y: box.y, width: box.width, height: box.height },
        });
      }, { once: true }));
      take();
      document.querySelector('form.inline-form button[type="submit"]').click();
      return painted;
    })()`)) as { renders: Record<string, number>; canvases: number; stageCanvases: number; box: Record<string, number> };
    // The commit that draws frame 0 holds one canvas: the frame layer's.
    expect(atPaint.renders.FrameStage).toBe(2);
    for (const later of ['Timeline', 'OverlayLayer']) expect(atPaint.renders[later], later).toBeUndefined();
    expect(atPaint.canvases).toBe(1);
    expect(atPaint.stageCanvases).toBe(1);
    // Then they come, and the stage keeps its box to the pixel.
    await page.locator('[data-testid="timeline"] canvas').waitFor({ state: 'attached', timeout: 10_000 });
    await expect.poll(() => page.evaluate(() => document.querySelectorAll('[data-testid="frame-stage"] canvas').length)).toBe(2);
    await page.locator('[data-testid="candidate-queue"]').waitFor({ state: 'attached', timeout: 10_000 });
    const after = await page.evaluate(() => {
      const box = document.querySelector('[data-testid="frame-stage"]')!.getBoundingClientRect();
      return { x: box.x, y: box.y, width: box.width, height: box.height };
    });
    expect(after).toEqual(atPaint.box);
  });
});
