import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/main/api/context';
import { rendererDir } from '../../src/main/paths';
import type { Bridge } from '../../src/main/transport/bridge';
import type { Annotation } from '../../src/shared/workspace';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { writeIndexClip } from '../helpers/index-clip';

/**
 * Two tabs on one clip, over the bridge in Chromium: the stale tab's save is refused, it
 * shows the conflict banner, and Keep mine / Load theirs both leave the audit trail
 * holding both versions. A save that cannot reach the bridge retries with a countdown
 * that does not move the toolbar, and a reload with the edit unsaved asks first and
 * restores it.
 */
const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-conflict-'));
let browser: Browser;
let context: BrowserContext;
let bridge: Bridge;
let services: Services;
let eventId: number;
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  const clipPath = writeIndexClip(dir, 30);
  ({ bridge, services } = await startTestBridge({ userDataDir: join(dir, 'user-data') }));
  await services.workspaces.create(join(dir, 'conflict.mellm'));
  const ws = services.workspaces.require();
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 30, width: 160, height: 120 });
  eventId = (await ws.events.create({ clipId: clip.id, onset: 4, apex: 8, offset: 14, source: 'manual' })).id;
  await ws.annotations.save({ eventId, annotator: 'ana', aus: '1', emotion: 'surprise' });
  await services.settings.update({ annotator: 'ana' });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(bridge.url).origin });
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new tab on the clip's first event, as a person opens it: Corpus → Annotate. */
async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(bridge.url);
  await openClip(page);
  return page;
}

async function openClip(page: Page): Promise<void> {
  await page.locator('[data-view="corpus"]').click();
  // The queue's one row, in any language (its only button is Annotate).
  await page.getByTestId('clip-queue').locator('tbody tr button').first().click();
  await page.getByTestId('frame-number').waitFor();
  await expect.poll(() => page.locator('input[name="facs"]').inputValue()).not.toBe('');
}

const status = (page: Page) => page.getByTestId('save-status').getAttribute('data-status');
const stored = async () => (await services.workspaces.require().annotations.get(eventId, 'ana')) as Annotation;
async function trail(): Promise<Array<[number, string, string | null]>> {
  const ws = services.workspaces.require();
  return (await ws.annotations.history((await stored()).id)).map((entry) => {
    const label = JSON.parse(entry.snapshot) as Annotation;
    return [entry.version, label.description, label.emotion];
  });
}

/**
 * My edit is on its way when the other save lands: the tab's save is held at the bridge
 * until then, so a late reload of the label cannot hand the tab their version first (it
 * would then simply save on top, with no conflict to show).
 */
async function editWhileAnotherSaves(page: Page, edit: () => Promise<void>, otherSave: () => Promise<void>): Promise<void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/annotations.save', async (route) => {
    await held;
    await route.continue();
  });
  try {
    const sent = page.waitForRequest('**/api/annotations.save', { timeout: 20_000 });
    await edit();
    await sent;
    await otherSave();
  } finally {
    release();
    await page.unrouteAll({ behavior: 'wait' });
  }
}

describe('two tabs on one label', () => {
  let first: Page;
  let second: Page;

  it('shows the stale tab a banner naming who changed what; Copy mine keeps it; Keep mine saves on top of theirs', async () => {
    first = await openTab();
    second = await openTab();
    await editWhileAnotherSaves(second, () => second.locator('textarea[name="description"], input[name="description"]').fill('Brows and lids up.'), async () => {
      await first.locator('textarea[name="description"], input[name="description"]').fill('Brows up.');
      await expect.poll(() => status(first), { timeout: 5000 }).toBe('saved');
      expect(await stored()).toMatchObject({ version: 2, description: 'Brows up.' });
    });
    const banner = second.getByTestId('conflict-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await status(second)).toBe('conflict');
    expect(await banner.locator('.conflict-title').textContent()).toMatch(
      /^You \(ana, in another tab or window\) saved this label \(Frames 4–14\) at .+ as version 2 while you were editing here; that save changed: Description\./,
    );
    const row = banner.locator('tr[data-field="description"]');
    expect(await row.getByTestId('conflict-mine').textContent()).toBe('Brows and lids up.');
    expect(await row.getByTestId('conflict-theirs').textContent()).toBe('Brows up.');
    await second.screenshot({ path: join(ARTIFACTS, 'conflict-banner-en.png') });

    await banner.getByTestId('conflict-copy-mine').click();
    await expect.poll(() => banner.getByTestId('conflict-copied').textContent()).toMatch(/^Copied/);
    const clipboard = await second.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toContain('Description: Brows and lids up.');
    expect(clipboard).toContain('AUs: 1');
    // Copying decides nothing: the banner and my values stay, nothing was saved.
    expect(await banner.isVisible()).toBe(true);
    expect((await stored()).version).toBe(2);

    await banner.getByTestId('conflict-keep-mine').click();
    await expect.poll(() => status(second), { timeout: 5000 }).toBe('saved');
    expect(await second.getByTestId('conflict-banner').count()).toBe(0);
    expect(await trail()).toEqual([
      [1, '', 'surprise'],
      [2, 'Brows up.', 'surprise'],
      [3, 'Brows and lids up.', 'surprise'],
    ]);
  });

  it('Load theirs drops the stale edit and shows their version; the trail keeps both versions', async () => {
    // The first tab still builds on version 2.
    await first.locator('select[name="emotion"]').selectOption('fear');
    const banner = first.getByTestId('conflict-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.locator('tr[data-field="emotion"]').getByTestId('conflict-mine').textContent()).toBe('Fear');
    await banner.getByTestId('conflict-load-theirs').click();
    expect(await first.getByTestId('conflict-banner').count()).toBe(0);
    expect(await first.locator('textarea[name="description"], input[name="description"]').inputValue()).toBe('Brows and lids up.');
    expect(await first.locator('select[name="emotion"]').inputValue()).toBe('surprise');
    expect(await trail()).toEqual([
      [1, '', 'surprise'],
      [2, 'Brows up.', 'surprise'],
      [3, 'Brows and lids up.', 'surprise'],
    ]);
    // Later edits build on their version.
    await first.locator('select[name="emotion"]').selectOption('fear');
    await expect.poll(() => status(first), { timeout: 5000 }).toBe('saved');
    expect((await trail()).at(-1)).toEqual([4, 'Brows and lids up.', 'fear']);
    await first.close();
  });

  it('retries a save the bridge never received, counting down without moving the toolbar, until it is saved', async () => {
    const page = second;
    await page.reload();
    await openClip(page);
    const box = () => page.locator('.save-status-box').boundingBox();
    const redo = () => page.locator('.transport button', { hasText: 'Redo' }).boundingBox();
    const before = { box: await box(), redo: await redo() };

    await page.route('**/api/annotations.save', (route) => route.abort('connectionrefused'));
    await page.locator('input[name="facs"]').fill('1+2');
    await expect.poll(() => status(page), { timeout: 5000 }).toBe('retrying');
    expect(await page.getByTestId('save-status').textContent()).toMatch(/^Retrying in \d+ s…$/);
    expect(await box()).toEqual(before.box);
    expect(await redo()).toEqual(before.redo);
    await page.screenshot({ path: join(ARTIFACTS, 'conflict-retrying-en.png') });
    expect((await stored()).aus).toBe('1');
    await page.unroute('**/api/annotations.save');
    // The next retry (at most 2 s away by now) gets through.
    await expect.poll(() => status(page), { timeout: 8000 }).toBe('saved');
    expect((await stored()).aus).toBe('1+2');
    expect(await box()).toEqual(before.box);
  });

  it('a reload with an undecided conflict asks first, and brings back my edit and the banner', async () => {
    const page = second;
    // Another window saves first.
    const current = await stored();
    await services.workspaces.require().annotations.save({ eventId, annotator: 'ana', aus: current.aus, emotion: current.emotion, description: 'Edited elsewhere.', baseVersion: current.version });
    await page.locator('input[name="facs"]').fill('1+2+5');
    await page.getByTestId('conflict-banner').waitFor({ timeout: 5000 });

    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']);
    await openClip(page);
    await page.getByTestId('restored-notice').waitFor({ timeout: 5000 });
    expect(await page.locator('input[name="facs"]').inputValue()).toBe('1+2+5');
    const banner = page.getByTestId('conflict-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.locator('tr[data-field="aus"]').getByTestId('conflict-theirs').textContent()).toBe('1+2');
    await page.screenshot({ path: join(ARTIFACTS, 'conflict-banner-after-reload-en.png') });
    // They changed the description, I did not: Keep mine keeps theirs there.
    expect(await banner.locator('tr[data-field="description"]').getByTestId('conflict-kept').textContent()).toBe('Edited elsewhere.');
    expect(await banner.locator('tr[data-field="aus"]').getByTestId('conflict-kept').textContent()).toBe('1+2+5');
    await banner.getByTestId('conflict-keep-mine').click();
    await expect.poll(() => status(page), { timeout: 5000 }).toBe('saved');
    const last = (await services.workspaces.require().annotations.history((await stored()).id)).slice(-2).map((entry) => JSON.parse(entry.snapshot) as Annotation);
    expect(last.map((label) => [label.aus, label.description])).toEqual([
      ['1+2', 'Edited elsewhere.'],
      ['1+2+5', 'Edited elsewhere.'],
    ]);
  });

  it('shows the banner in Simplified Chinese, and Load theirs there too keeps both versions', async () => {
    const page = second;
    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await openClip(page);
    const current = await stored();
    const description = page.locator('textarea[name="description"], input[name="description"]');
    await expect.poll(() => description.inputValue(), { timeout: 20_000 }).toBe(current.description);
    await editWhileAnotherSaves(page, () => description.fill('眉毛上扬。'), async () => {
      await services.workspaces.require().annotations.save({ eventId, annotator: 'ana', aus: current.aus, emotion: 'happiness', description: current.description, baseVersion: current.version });
    });
    const banner = page.getByTestId('conflict-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.locator('.conflict-title').textContent()).toMatch(/^你（ana，在另一个标签页或窗口中）在 .+ 保存了此标注（.+）的第 \d+ 版.*那次保存更改了：情绪。/);
    expect(await page.getByTestId('save-status').textContent()).toBe('未保存：存在冲突');
    expect(await banner.locator('tr[data-field="emotion"]').getByTestId('conflict-theirs').textContent()).toBe('高兴');
    await page.screenshot({ path: join(ARTIFACTS, 'conflict-banner-zh-CN.png') });
    await banner.getByTestId('conflict-load-theirs').click();
    expect(await page.locator('textarea[name="description"], input[name="description"]').inputValue()).toBe(current.description);
    const trailEnd = (await services.workspaces.require().annotations.history(current.id)).slice(-2).map((entry) => (JSON.parse(entry.snapshot) as Annotation).emotion);
    expect(trailEnd).toEqual([current.emotion, 'happiness']);
    expect(errors).toEqual([]);
  });
});
