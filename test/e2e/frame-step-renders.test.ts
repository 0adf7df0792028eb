/**
 * A frame step re-renders what shows the frame (the stage, the frame number, the
 * timeline's playhead) and nothing else: not the view around them, the toolbar's save
 * status, the spotted-interval queue, the side panels or the suggestion panel. A stored
 * recording with a spotted run fills the queue; React's commits are counted by component
 * name (test/helpers/render-count.ts), so the test counts renders, never time.
 * A cached step's frame is presented before the step starts other work on the page's
 * main thread (the place memory's storage write, the neighbours' fetches): counted by
 * order, keydown → paint event → next animation frame, never by duration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotateFirstClip, openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';
import { countRenders, takeRenders } from '../helpers/render-count';
import { evenIntervals, writeSpottedRecording } from '../helpers/spotted-recording';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-step-renders-'));
const FRAMES = 300;
const INTERVALS = evenIntervals(4, 40, 60, 'R1E+R2E');

const app = useAppPage({ width: 1280, height: 720 });

beforeAll(async () => {
  const file = join(dir, 'steps.mellm');
  await writeSpottedRecording(file, { path: writeIndexClip(dir, FRAMES, 320, 240), frames: FRAMES, width: 320, height: 240 }, INTERVALS);
  await countRenders(app().page);
  await openWorkspaceAs(app().page, app().bridge.url, file, { annotator: 'coder', language: 'en' });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stepTo(key: string, frame: number): Promise<void> {
  const page = app().page;
  await page.keyboard.press(key);
  await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(frame));
  await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe(String(frame));
}

describe('a frame step in a recording', () => {
  it('re-renders the stage, the frame number and the timeline, nothing else', async () => {
    const page = app().page;
    page.setDefaultTimeout(15_000);
    await annotateFirstClip(page);
    await expect.poll(() => page.getByTestId('candidate-row').count()).toBe(INTERVALS.length);
    // Settle what the open started (events, the run, its place), then count steps only.
    await page.waitForTimeout(1000);
    const start = 100;
    await page.locator('input[name="goto"]').fill(String(start));
    await page.locator('input[name="goto"]').press('Enter');
    await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(start));
    await page.getByTestId('frame-stage').click();
    await page.waitForTimeout(500);
    await takeRenders(page);
    const steps = 6;
    for (let i = 1; i <= steps; i += 1) await stepTo('ArrowRight', start + i);
    const renders = await takeRenders(page);
    for (const name of ['ClipAnnotator', 'SaveStatus', 'TransportBar', 'CandidateQueue', 'SidePanels', 'SuggestionPanel', 'AuPanel', 'OverlayLayer']) {
      expect(renders[name] ?? 0, `${name} rendered on ${steps} steps: ${JSON.stringify(renders)}`).toBe(0);
    }
    // What shows the frame did follow every step (at most one render each, plus the load's own).
    expect(renders.FrameStage ?? 0).toBeGreaterThanOrEqual(steps);
    expect(renders.FrameStage ?? 0).toBeLessThanOrEqual(2 * steps);
    expect(renders.Timeline ?? 0).toBeGreaterThanOrEqual(steps);
  });
});

/** Per step: storage writes and frame requests that began between its keydown and the next animation frame after its paint. */
const PRESENTED_PROBE = `(() => {
  const probe = (window.__presented = { start: 0, steps: [], writes: [], fetches: [] });
  // Counted as they start (resource timing lists a request only once it has finished).
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/frames/')) probe.fetches.push(performance.now());
    return fetch.call(this, input, init);
  };
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    probe.writes.push({ at: performance.now(), key, value });
    return setItem.call(this, key, value);
  };
  window.addEventListener('keydown', () => (probe.start = performance.now()), { capture: true });
  window.addEventListener('mellm:frame-painted', (event) => {
    const start = probe.start;
    const index = event.detail.index;
    requestAnimationFrame(() => {
      if (!start) return;
      const end = performance.now();
      const fetched = probe.fetches.filter((at) => at >= start && at <= end).length;
      const written = probe.writes.filter((w) => w.at >= start && w.at <= end).length;
      probe.steps.push({ index, fetched, written });
      probe.start = 0;
    });
  });
})()`;

interface PresentedStep {
  readonly index: number;
  readonly fetched: number;
  readonly written: number;
}

describe('a cached frame step', () => {
  it('is presented before its place is written or its neighbours are fetched, and the place is still written', async () => {
    const page = app().page;
    // The previous case left the view on frame 106 with frames 100–106 decoded.
    await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe('106');
    await page.waitForTimeout(500);
    await page.evaluate(PRESENTED_PROBE);
    for (let frame = 105; frame >= 100; frame -= 1) await stepTo('ArrowLeft', frame);
    await expect.poll(() => page.evaluate('window.__presented.steps.length')).toBe(6);
    const steps = (await page.evaluate('window.__presented.steps')) as PresentedStep[];
    expect(steps.map((s) => s.index)).toEqual([105, 104, 103, 102, 101, 100]);
    for (const step of steps) {
      expect(step.written, `storage writes before frame ${step.index} was presented`).toBe(0);
      expect(step.fetched, `frame requests before frame ${step.index} was presented`).toBe(0);
    }
    // Written once the page is idle: the clip's place is the last frame stepped to.
    await expect.poll(async () => ((await page.evaluate('window.__presented.writes.map((w) => w.value)')) as string[]).some((value) => value.includes('"frame":100'))).toBe(true);
  });
});
