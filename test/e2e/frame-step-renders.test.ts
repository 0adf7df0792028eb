/**
 * A frame step re-renders what shows the frame (the stage, the frame number, the
 * timeline's playhead) and nothing else: not the view around them, the toolbar's save
 * status, the spotted-interval queue, the side panels or the suggestion panel. A stored
 * recording with a spotted run fills the queue; React's commits are counted by component
 * name (test/helpers/render-count.ts), so the test counts renders, never time.
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
