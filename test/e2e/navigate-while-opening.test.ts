/**
 * A view picked while a clip is still opening stays picked, in Chromium on the built
 * renderer: the open (held back here by a slow media.open) lands without pulling the user
 * back to Annotate, and the clip is there when they go to Annotate themselves. On a busy
 * machine a real open takes this long, and the user who clicked Settings meanwhile was
 * taken back to Annotate.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-e2e-navigate-opening-');
let page: Page;
const app = useAppPage();
const OPEN_HELD_MS = 1500;

beforeAll(async () => {
  const dir = tempDir();
  const clipPath = writeIndexClip(dir, 30);
  const file = join(dir, 'navigate.mellm');
  const ws = await createWorkspace(file);
  await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 30, width: 160, height: 120 });
  await ws.close();
  page = app().page;
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
  page.setDefaultTimeout(15_000);
}, 120_000);

const current = () => page.locator('nav [aria-current="page"]').getAttribute('data-view');

describe('a clip that is still opening', () => {
  it('leaves the user on the view they went to, with the clip ready in Annotate; a wait still shows it there', async () => {
    let landed = false;
    await page.route('**/api/media.open', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, OPEN_HELD_MS));
      await route.continue();
      landed = true;
    });
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await page.locator('[data-view="settings"]').click();
    await expect.poll(() => landed, { timeout: 10_000 }).toBe(true);
    // Long enough for the answer to reach the view and any switch it would make.
    await page.waitForTimeout(500);
    expect(await current()).toBe('settings');
    await page.locator('select[name="language"]').waitFor();
    await page.unroute('**/api/media.open');

    await page.locator('[data-view="annotate"]').click();
    await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe('0');

    // Without a click elsewhere, the open still shows the clip in Annotate.
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await expect.poll(current).toBe('annotate');
    expect(app().errors).toEqual([]);
  });
});
