/**
 * The annotator profiles panel in Review, in Chromium on the built renderer: it opens by
 * itself only when the workspace has no profile yet, decided once its list has loaded, and
 * after that it stays as the user left it — adding the first profile, changing a role or
 * the list reloading never folds it shut or open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-profiles-'));
const app = useAppPage();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const panel = (page: Page) => page.locator('details.profiles');
const isOpen = async (page: Page) => (await panel(page).getAttribute('open')) !== null;
const rowOf = (page: Page, name: string) => page.getByTestId('profiles').locator('tr', { hasText: name });

/** Records every time the panel is folded or unfolded from now on, whoever did it. */
const watchFolding = (page: Page) =>
  page.evaluate(() => {
    const seen: boolean[] = [];
    (window as unknown as { folds: boolean[] }).folds = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        const { target } = record;
        if (target instanceof HTMLDetailsElement && target.classList.contains('profiles') && (record.oldValue !== null) !== target.open) seen.push(target.open);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['open'] });
  });
const folds = (page: Page) => page.evaluate(() => (window as unknown as { folds: boolean[] }).folds);

describe('the annotator profiles panel', () => {
  it('opens by itself in a workspace without profiles and stays open when the first profile is added', async () => {
    const file = join(dir, 'empty.mellm');
    await (await createWorkspace(file)).close();
    const { page } = app();
    page.setDefaultTimeout(15_000);
    await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'ana', language: 'en' });
    await watchFolding(page);
    await page.locator('[data-view="review"]').click();
    await panel(page).waitFor();
    await expect.poll(() => isOpen(page)).toBe(true);
    await page.locator('input[name="profile-name"]').fill('ana');
    await page.getByRole('button', { name: 'Add profile' }).click();
    await rowOf(page, 'ana').waitFor();
    // The list reloaded with its first row: the panel the user is working in stays open (unfolded once, when its empty list came).
    await page.waitForTimeout(300);
    expect(await isOpen(page)).toBe(true);
    expect(await folds(page)).toEqual([true]);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-profiles-first-added.png') });
  });

  it('starts folded in a workspace with profiles, without unfolding while its list loads, and keeps the user’s choice', async () => {
    const file = join(dir, 'team.mellm');
    const ws = await createWorkspace(file);
    await ws.annotators.create('ana', 'annotator');
    await ws.annotators.create('rita', 'reviewer');
    await ws.close();
    const { page } = app();
    await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'rita', language: 'en' });
    await watchFolding(page);
    await page.locator('[data-view="review"]').click();
    await panel(page).waitFor();
    await page.waitForTimeout(500);
    expect(await isOpen(page)).toBe(false);
    // Nobody saw it open and snap shut.
    expect(await folds(page)).toEqual([]);
    await panel(page).locator('summary').click();
    await rowOf(page, 'ana').waitFor();
    // The reviewer makes ana a reviewer too; the list reloads and the panel stays open.
    await rowOf(page, 'ana').locator('select').selectOption('reviewer');
    await expect.poll(async () => (await app().services.workspaces.require().annotators.list()).find((a) => a.name === 'ana')?.role).toBe('reviewer');
    await page.waitForTimeout(300);
    expect(await isOpen(page)).toBe(true);
    expect(await folds(page)).toEqual([true]);
    expect(app().errors).toEqual([]);
  });
});
