/**
 * The Export view as a researcher uses it at 1280×720, in English and 简体中文, on the
 * built renderer: a workspace with three labelled events, formats chosen, a folder typed,
 * Export pressed — and the result (how many records and files, each file written and
 * where) is in sight without scrolling, on real files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-export-'));
let page: Page;
let file: string;
const app = useAppPage();

beforeAll(async () => {
  const clipPath = writeIndexClip(dir, 60);
  file = join(dir, 'export.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 60, width: 160, height: 120 });
  const labels = [['1+2', 'surprise'], ['12', 'happiness'], ['4', 'disgust']] as const;
  for (const [i, [aus, emotion]] of labels.entries()) {
    const event = await ws.events.create({ clipId: clip.id, onset: 5 + i * 15, apex: 9 + i * 15, offset: 14 + i * 15, source: 'manual' });
    await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus, emotion, status: 'submitted' });
  }
  await ws.close();
  page = app().page;
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Where the result's heading and file list lie against the window, and how far the page is scrolled. */
const resultBox = () =>
  page.evaluate(() => {
    const list = document.querySelector('[data-testid="export-files"]')!.getBoundingClientRect();
    const heading = document.querySelector('.view.export h2')!.getBoundingClientRect();
    return { headingTop: Math.round(heading.top), listBottom: Math.round(list.bottom), innerHeight };
  });

const WORDS = {
  en: { summary: '3 labels in 4 files', perFile: '3 events', exists: 'Replace existing files', absolute: 'full path' },
  'zh-CN': { summary: '3 条标注，4 个文件', perFile: '3 个事件', exists: '覆盖已有文件', absolute: '完整路径' },
} as const;

describe.each(['en', 'zh-CN'] as const)('the Export view at 1280×720 (%s)', (language) => {
  const { summary, perFile, exists, absolute } = WORDS[language];
  it('shows what was written, and where, without scrolling after the export', async () => {
    await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'ana', language });
    await page.locator('nav button[data-view="export"]').click();
    for (const format of ['casme2-csv', 'eaf', 'jsonl', 'report']) {
      const box = page.locator(`input[name="format-${format}"]`);
      if (!(await box.isChecked())) await box.check();
    }
    // With the instruction JSONL's prompt choice shown too, the Export button is in sight from the top.
    const exportButton = () =>
      page.evaluate(() => {
        scrollTo(0, 0);
        const box = document.querySelector('form:has(input[name="export-folder"]) button[type="submit"]')!.getBoundingClientRect();
        return box.bottom <= innerHeight;
      });
    expect(await exportButton()).toBe(true);
    const folder = join(dir, `out-${language}`);
    await page.locator('input[name="export-folder"]').fill(folder);
    await page.locator('form:has(input[name="export-folder"]) button[type="submit"]').click();
    await page.getByTestId('export-files').waitFor({ timeout: 60_000 });
    expect(existsSync(folder)).toBe(true);
    await expect.poll(resultBox).toMatchObject({ headingTop: expect.any(Number) as number });
    const box = await resultBox();
    await page.screenshot({ path: join(ARTIFACTS, `export-view-${language}.png`) });
    expect(box.headingTop).toBeGreaterThanOrEqual(0);
    expect(box.listBottom).toBeLessThanOrEqual(box.innerHeight);
    expect(await page.getByTestId('export-files').locator('li').count()).toBe(4);
    // The summary and each file count labels (an event × its coder), as the session report does.
    expect(await page.locator('.view.export h2').textContent()).toBe(summary);
    expect(await page.getByTestId('export-files').locator('li').last().textContent()).toContain(perFile);
    expect(await page.getByTestId('export-files').locator('li').last().textContent()).toContain(join(folder, 'report.html'));
  });

  it('says, in its own words, how to export again into a folder that has the files, and that a folder needs its full path', async () => {
    const submit = page.locator('form:has(input[name="export-folder"]) button[type="submit"]');
    await submit.click();
    const guidance = page.locator('.view.export').getByTestId('guidance');
    await expect.poll(() => guidance.textContent()).toContain(exists);
    expect(await page.locator('.view.export [role="alert"]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, `export-view-again-${language}.png`) });
    // Ticking the option it names writes over them.
    await page.locator('input[name="force"]').check();
    await submit.click();
    await page.getByTestId('export-files').waitFor();
    expect(await guidance.count()).toBe(0);
    await page.locator('input[name="force"]').uncheck();
    // A folder given without its full path is refused before the export starts.
    await page.locator('input[name="export-folder"]').fill('exports/today');
    await submit.click();
    await expect.poll(() => guidance.textContent()).toContain(absolute);
    expect(await page.locator('.view.export [role="alert"]').count()).toBe(0);
  });
});
