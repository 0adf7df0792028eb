/**
 * A clip with an event opens at the event's onset: the frame asked for while the view
 * renders (early-frame.ts) is that one, not frame 0, so the first paint needs no second
 * fetch. Counted from the browser's Resource Timing up to the first paint, not timed;
 * after a reload the clip opens where it was left, and that frame is the one asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-open-at-event-'));
const app = useAppPage({ width: 1280, height: 720 });
let file: string;

beforeAll(async () => {
  const clipPath = writeIndexClip(dir, 90, 320, 240);
  file = join(dir, 'open-at-event.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 90, width: 320, height: 240 });
  await ws.events.create({ clipId: clip.id, onset: 40, apex: 45, offset: 52, source: 'manual' });
  await ws.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the workspace's first clip from the Corpus view; the frames the page asked for up to the first paint, in order. */
async function framesBeforePaint(): Promise<string[]> {
  const page = app().page;
  await page.locator('[data-view="corpus"]').click();
  const annotate = page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first();
  await annotate.waitFor();
  const { start, painted } = await annotate.evaluate(async (button: HTMLButtonElement) => {
    const paint = new Promise<number>((resolve) => window.addEventListener('mellm:frame-painted', () => resolve(performance.now()), { once: true }));
    const begun = performance.now();
    button.click();
    return { start: begun, painted: await paint };
  });
  return page.evaluate(
    ([from, to]) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.startTime >= from! && entry.startTime <= to! && entry.name.includes('/frames/'))
        .map((entry) => new URL(entry.name).pathname.replace(/^\/frames\/[^/]+\//, '')),
    [start, painted],
  );
}

describe('opening a clip at its event', () => {
  it('asks first, and once, for the frame the view shows: the event’s onset, never frame 0', async () => {
    const page = app().page;
    await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
    const frames = await framesBeforePaint();
    expect(frames[0]).toBe('40.jpg');
    expect(frames.filter((f) => f === '40.jpg')).toHaveLength(1);
    expect(frames).not.toContain('0.jpg');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('40');
  });

  it('asks for the frame where the clip was left when it is opened again', async () => {
    const page = app().page;
    await page.locator('body').press('ArrowRight');
    await page.locator('body').press('ArrowRight');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('42');
    // Opening another view and the clip again reads the place the view saved.
    await page.reload();
    const frames = await framesBeforePaint();
    expect(frames[0]).toBe('42.jpg');
    expect(frames).not.toContain('40.jpg');
    expect(app().errors).toEqual([]);
  });

  it('a reload on the Annotate address asks first for the frame where the clip was left', async () => {
    const page = app().page;
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('42');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/annotate\?clip=/);
    await page.reload();
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('42');
    const frames = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/frames/'))
        .map((entry) => new URL(entry.name).pathname.replace(/^\/frames\/[^/]+\//, '')),
    );
    expect(frames[0]).toBe('42.jpg');
    expect(app().errors).toEqual([]);
  });
});
