import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../src/main/paths';
import type { Services } from '../../src/main/api/context';
import type { Bridge } from '../../src/main/transport/bridge';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-review-'));
let browser: Browser;
let bridge: Bridge;
let services: Services;
let page: Page;
const consoleErrors: string[] = [];

/** A workspace built through the real store: one clip, two events, two annotators and a reviewer, a stored analysis. */
async function buildWorkspace(): Promise<void> {
  await services.workspaces.create(join(dir, 'review.mellm'));
  const ws = services.workspaces.require();
  const clip = await ws.clips.add({ path: join(dir, 'EP02_01f'), kind: 'sequence', fps: 200, frames: 120, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
  const first = await ws.events.create({ clipId: clip.id, onset: 10, apex: 22, offset: 45, source: 'spotting' });
  const second = await ws.events.create({ clipId: clip.id, onset: 60, apex: 70, offset: 90, source: 'spotting' });
  await ws.annotators.create('ana', 'annotator');
  await ws.annotators.create('bob', 'annotator');
  await ws.annotators.create('rita', 'reviewer');
  const labels = [
    ['ana', first.id, 'R12+6', 'happiness', 'positive'],
    ['bob', first.id, '12', 'happiness', 'positive'],
    ['ana', second.id, '4+7', 'disgust', 'negative'],
    ['bob', second.id, '4', 'repression', 'negative'],
  ] as const;
  for (const [annotator, eventId, aus, emotion, label3] of labels) await ws.annotations.save({ eventId, annotator, aus, emotion, label3, status: 'submitted' });
  // The analysis as the pipeline stores it: the subject's right lip corner pulled up and out.
  await ws.analyses.add(first.id, [{ id: 'mellm', version: 'e2e' }], storedAnalysisRow({ 'Right Mouth Corner': [-2, -2], 'Right Cheek': [0, -1] }, { onset: 10, apex: 22, offset: 45 }));
  await services.settings.update({ annotator: 'rita' });
}

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  ({ bridge, services } = await startTestBridge({ userDataDir: join(dir, 'user-data') }));
  await buildWorkspace();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(bridge.url);
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('review, agreement and export in Chromium', () => {
  it('decides on a label and shows the sign-off lock', async () => {
    await page.locator('nav button[data-view="review"]').click();
    const queue = page.getByTestId('review-queue');
    await expect.poll(() => queue.locator('tbody tr').count()).toBe(2);
    await queue.getByRole('button', { name: '#1' }).click();
    const columns = page.getByTestId('review-event').getByTestId('label-column');
    await expect.poll(() => columns.count()).toBe(3);
    expect(await columns.nth(2).textContent()).toContain('AU12 (Lip Corner Puller): right');
    const ana = columns.nth(0);
    expect(await ana.locator('h2').textContent()).toBe('ana');
    await ana.locator('textarea').fill('Clear R12 with AU6.');
    await ana.locator('button[data-decision="approve"]').click();
    await expect.poll(() => ana.getByTestId('sign-off').textContent()).toContain('signed off');
    const stored = await services.workspaces.require().annotations.get(1, 'ana');
    expect(stored).toMatchObject({ locked: true, status: 'approved' });
    // A request for changes needs a comment: the button waits for one.
    expect(await columns.nth(1).locator('button[data-decision="request_changes"]').isDisabled()).toBe(true);
    await columns.nth(1).locator('textarea').fill('Which side is AU12?');
    await columns.nth(1).locator('button[data-decision="request_changes"]').click();
    await expect.poll(() => columns.nth(1).getByTestId('sign-off').textContent()).toContain('Changes requested');
    await screenshot('review-en');
  });

  it('computes agreement with a table and charts', async () => {
    await page.locator('nav button[data-view="agreement"]').click();
    await page.getByRole('button', { name: 'Compute' }).click();
    await expect.poll(() => page.getByTestId('agreement-summary').textContent()).toContain('ana, bob');
    const rows = page.getByTestId('agreement-table').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // Pooled FACS ratio: event 1 R12+6 vs 12 → AU12 agreed (only ana gives a side), 6 by ana alone;
    // event 2 4+7 vs 4 → 1 agreed, 7 by one coder → 2·2/6.
    expect(await rows.nth(0).locator('td').nth(3).textContent()).toBe((4 / 6).toFixed(3));
    expect(await page.getByTestId('agreement-rule').textContent()).toMatch(/by side where both coders give one.*the first is the coder's reading/);
    const painted = (testId: string) =>
      page.evaluate((id) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`);
        const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked += 1;
        return inked;
      }, testId);
    await expect.poll(() => painted('chart-labels')).toBeGreaterThan(100);
    await expect.poll(() => painted('chart-aus')).toBeGreaterThan(100);
    await screenshot('agreement-en');
  });

  it('runs an export and lists the files it wrote; refuses to overwrite', async () => {
    const out = join(dir, 'export');
    await page.locator('nav button[data-view="export"]').click();
    for (const format of ['casme2-xlsx', 'megc', 'eaf', 'jsonl', 'frames-csv']) await page.locator(`input[name="format-${format}"]`).check();
    await page.locator('select[name="prompt-format"]').selectOption('json');
    await page.locator('input[name="export-folder"]').fill(out);
    await page.locator('.view.export button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('export-files').locator('li').count()).toBe(8);
    // One training example: ana's signed-off label of the analysed event (bob's was sent back; event 2 has no analysis).
    const jsonl = readFileSync(join(out, 'instructions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { annotator: string; promptFormat: string; response: string });
    expect(jsonl).toMatchObject([{ annotator: 'ana', promptFormat: 'json' }]);
    expect(jsonl[0]?.response.endsWith('AUs: R12+6; micro-expression: Positive')).toBe(true);
    expect(await page.getByTestId('export-files').locator('li', { hasText: 'instructions.jsonl' }).getAttribute('data-records')).toBe('1');
    // The frames CSV holds no rows (no motion was scanned): the view says why instead of a bare count.
    expect(await page.getByTestId('export-no-records').allTextContents()).toEqual([expect.stringMatching(/^No records: /)]);
    expect(readdirSync(out).sort()).toEqual(['casme2-sheet.csv', 'casme2-sheet.xlsx', 'eaf', 'instructions.jsonl', 'megc-recognition.csv', 'megc-spotting.csv', 'motion.csv', 'report.html']);
    expect(readFileSync(join(out, 'casme2-sheet.csv'), 'utf8')).toContain('01,EP02_01f,10,22,45,R12+6,happiness');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Clear R12 with AU6.');
    await screenshot('export-en');
    await page.locator('.view.export button[type="submit"]').click();
    // An expected refusal: what to do, naming the option that allows it, not an error.
    await expect.poll(() => page.locator('.view.export').getByTestId('guidance').textContent()).toMatch(/already in this folder: tick “Replace existing files”/);
    expect(await page.locator('.view.export').getByRole('alert').count()).toBe(0);
    // The refused call is the only failed request Chromium logs (HTTP 422 from the bridge).
    expect(consoleErrors.splice(0)).toEqual([expect.stringContaining('422')]);
  });

  it('shows the three views in Simplified Chinese', async () => {
    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await page.locator('nav button[data-view="review"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('审核');
    await page.getByTestId('review-queue').getByRole('button', { name: '#1' }).click();
    await expect.poll(() => page.getByTestId('label-column').count()).toBe(3);
    await screenshot('review-zh-CN');
    await page.locator('nav button[data-view="agreement"]').click();
    await page.getByRole('button', { name: '计算' }).click();
    await expect.poll(() => page.getByTestId('agreement-table').count()).toBe(1);
    await screenshot('agreement-zh-CN');
    await page.locator('nav button[data-view="export"]').click();
    await screenshot('export-zh-CN');
    expect(consoleErrors).toEqual([]);
  });
});
