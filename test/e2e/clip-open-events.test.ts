/**
 * Opening a workspace clip lists its events once: the list the view shows, the event it
 * opens on and the side panels all come from that one `events.list`, for a clip whose
 * events have a label and an analysis, and after a page reload. Counted from the
 * browser's Resource Timing after the open has settled, in Chromium on the built renderer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { annotateFirstClip, openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-open-events-'));
const app = useAppPage({ width: 1280, height: 720 });
let file: string;

beforeAll(async () => {
  file = join(dir, 'events.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: writeIndexClip(dir, 60, 320, 240), kind: 'video', fps: 30, frames: 60, width: 320, height: 240 });
  for (const onset of [5, 25]) {
    const event = await ws.events.create({ clipId: clip.id, onset, apex: onset + 4, offset: onset + 9, source: 'spotting' });
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, { onset, apex: onset + 4, offset: onset + 9 });
    await ws.analyses.add(event.id, [], { ...row, spotting: { ...row.spotting, source: 'spotting' as const, intervals: [] } }, {}, null);
    await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1+2', emotion: 'surprise' });
  }
  await ws.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const listed = () =>
  app().page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).pathname === '/api/events.list').length);

describe('opening a workspace clip', () => {
  it('lists its events once', async () => {
    const page = app().page;
    await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'ana', language: 'en' });
    expect(await listed()).toBe(0);
    await annotateFirstClip(page);
    await page.locator('.annotate-side .events-panel').waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(listed).toBeGreaterThanOrEqual(1);
    // Whatever else the open does (the analysis, the proxy, the side panels) lands meanwhile.
    await page.waitForTimeout(1500);
    expect(await listed()).toBe(1);
    // After a page reload the restored open lists them once as well.
    await page.reload();
    await page.locator('.annotate-side .events-panel').waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(1500);
    expect(await listed()).toBe(1);
  });
});
