import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../src/main/paths';
import type { Services } from '../../src/main/api/context';
import type { Bridge } from '../../src/main/transport/bridge';
import { evaluateWorkspace } from '../../src/main/app/evaluation';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-evaluation-'));
let browser: Browser;
let bridge: Bridge;
let services: Services;
let page: Page;
const consoleErrors: string[] = [];

/** Through the real store: one CASME II clip, three events labelled by ana, two of them analysed (rows as the pipeline stores them). */
async function buildWorkspace(): Promise<void> {
  await services.workspaces.create(join(dir, 'evaluation.mellm'));
  const ws = services.workspaces.require();
  const clip = await ws.clips.add({ path: join(dir, 'EP02_01f'), kind: 'sequence', fps: 200, frames: 200, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
  const frames = [
    { onset: 10, apex: 22, offset: 45 },
    { onset: 60, apex: 70, offset: 90 },
    { onset: 120, apex: 130, offset: 150 },
  ];
  const events = [];
  for (const f of frames) events.push(await ws.events.create({ clipId: clip.id, ...f, source: 'spotting' }));
  await ws.annotators.create('ana', 'annotator');
  const labels = [
    ['R12+6', 'happiness', 'positive'],
    ['4+7', 'disgust', 'negative'],
    ['1+2', 'surprise', 'surprise'],
  ] as const;
  for (const [i, [aus, emotion, label3]] of labels.entries()) await ws.annotations.save({ eventId: events[i]?.id as number, annotator: 'ana', aus, emotion, label3, status: 'submitted' });
  await ws.analyses.add(events[0]?.id as number, [{ id: 'mellm', version: 'e2e' }], storedAnalysisRow({ 'Right Mouth Corner': [-2, -2], 'Right Cheek': [0, -1] }, frames[0]));
  await ws.analyses.add(events[1]?.id as number, [{ id: 'mellm', version: 'e2e' }], storedAnalysisRow({ 'Left Eyebrow': [0, 2], 'Right Eyebrow': [0, 2] }, frames[1]));
}

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  ({ bridge, services } = await startTestBridge({ userDataDir: join(dir, 'user-data') }));
  await buildWorkspace();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
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

describe('the Evaluation view in Chromium', () => {
  it('evaluates against an annotator: counts, the event without analysis, figures with intervals, per-AU chart, confusion', async () => {
    const expected = (await evaluateWorkspace(services.workspaces.require(), { kind: 'annotator', name: 'ana' }, { kind: 'latest' })).report;
    await page.locator('nav button[data-view="evaluation"]').click();
    await page.getByTestId('evaluation-against').fill('ana');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => page.getByTestId('evaluation-events').textContent()).toBe('3 labelled events · 2 analysed · 1 without analysis · 0 unreadable');
    expect(await page.getByTestId('evaluation-missing').textContent()).toBe(`Without analysis: events ${expected.missingAnalysis[0]}`);
    const f1 = page.getByTestId('evaluation-figure-auMacroF1').locator('td');
    expect(await f1.nth(1).textContent()).toBe((expected.aus.macroF1.value as number).toFixed(3));
    expect(await f1.nth(3).textContent()).toBe(String(expected.aus.n));
    const confusion = page.getByTestId('evaluation-confusion').locator('tbody tr');
    expect(await confusion.count()).toBe(3);
    const painted = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="evaluation-chart-aus"] canvas');
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked += 1;
      return inked;
    });
    expect(painted).toBeGreaterThan(100);
    await page.screenshot({ path: join(ARTIFACTS, 'evaluation-en.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('speaks 简体中文 at 1280×720: the figures, the chart and the confusion, nothing left in English or cut off', async () => {
    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await page.locator('nav button[data-view="evaluation"]').click();
    await page.getByTestId('evaluation-against').fill('ana');
    await page.locator('main').getByRole('button', { name: '评估', exact: true }).click();
    await expect.poll(() => page.getByTestId('evaluation-events').textContent()).toMatch(/^3 个已标注事件 · 2 个已分析/);
    await page.screenshot({ path: join(ARTIFACTS, 'evaluation-zh-CN.png'), fullPage: true });
    const english = await page.locator('main').evaluate((main) => (main.textContent ?? '').match(/\b(?:events?|labelled|analysed|Without|figure|interval|Evaluate)\b/g));
    expect(english).toBeNull();
    await services.settings.update({ language: 'en' });
    await page.reload();
    expect(consoleErrors).toEqual([]);
  });

  it('names a reference with no labels in a clear error', async () => {
    await page.getByTestId('evaluation-against').fill('nobody');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('No annotator “nobody”');
  });

  it('against a reference nobody labelled for, says whose labels there are as guidance, in the window\'s language', async () => {
    // The workspace holds ana's labels only: the default reference (the dataset sheet) has none.
    await page.getByTestId('evaluation-against').fill('dataset');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    // An expected condition: said as what to do next, not as a failure ("Something went wrong:").
    await expect.poll(() => page.getByTestId('guidance').textContent()).toBe("Nothing to evaluate: no event carries the dataset sheet's labels. Labels here come from ana: type that name above.");
    expect(await page.getByTestId('guidance').getAttribute('role')).toBe('status');
    expect(await page.getByRole('alert').count()).toBe(0);
    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await page.locator('nav button[data-view="evaluation"]').click();
    await page.getByTestId('evaluation-against').fill('approved');
    await page.locator('main').getByRole('button', { name: '评估', exact: true }).click();
    await expect.poll(() => page.getByTestId('guidance').textContent()).toBe('没有可评估的事件：没有事件带有已批准的标注。本工作区的标注来自 ana：请在上方输入该名称。');
    await page.screenshot({ path: join(ARTIFACTS, 'evaluation-nothing-labelled-zh-CN.png') });
    expect(await page.getByRole('alert').count()).toBe(0);
    await services.settings.update({ language: 'en' });
    await page.reload();
  });
});
