/**
 * Annotate ergonomics on the generated demo corpus (`mellm synth --demo`, CASME II layout
 * and sheet, imported into its workspace): go to frame, opening at the event's onset,
 * keeping the place per clip and across a reload, Accept all, and a layout that keeps the
 * suggestions on screen at 1280×720 without scrolling, in English and 简体中文.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../src/main/paths';
import type { Bridge } from '../../src/main/transport/bridge';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-place-'));
let browser: Browser;
let bridge: Bridge;
let page: Page;
let workspace: string;
const consoleErrors: string[] = [];
/** Every demo clip has this many frames (resources/demo-corpus.json). */
const FRAMES = 40;

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  const demo = join(dir, 'demo');
  const made = spawnSync(process.execPath, ['out/main/cli.js', 'synth', '--demo', demo, '--json'], { encoding: 'utf8', timeout: 150_000 });
  if (made.status !== 0) throw new Error(`mellm synth --demo failed: ${made.stderr}`);
  workspace = (JSON.parse(made.stdout) as { workspace: string }).workspace;
  ({ bridge } = await startTestBridge({ userDataDir: join(dir, 'user-data') }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(bridge.url);
  await page.evaluate(() => fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ annotator: 'e2e-coder' }) }));
  await page.reload();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

const frameNumber = () => page.getByTestId('frame-number').textContent();
const marker = (kind: string) => page.locator(`[data-marker="${kind}"] dd`).textContent();

async function expectFrame(index: number): Promise<void> {
  await expect.poll(frameNumber).toBe(String(index));
  await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-drawn-frame')).toBe(String(index));
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Opens the n-th clip of the queue (1-based) from Corpus. */
async function openClip(row: number): Promise<void> {
  await page.locator('[data-view="corpus"]').click();
  await page.getByTestId('clip-queue').locator('tbody tr').nth(row - 1).getByRole('button', { name: 'Annotate' }).click();
  await page.getByTestId('frame-number').waitFor();
}

/** The page never scrolls and the whole suggestion panel is inside the viewport. */
async function expectSuggestionsOnScreen(): Promise<void> {
  const fit = await page.evaluate(() => {
    const root = document.scrollingElement!;
    const panel = document.querySelector('[data-testid="suggestions"]')!.getBoundingClientRect();
    return { scrollHeight: root.scrollHeight, scrollWidth: root.scrollWidth, innerHeight, innerWidth, panel: { top: panel.top, bottom: panel.bottom, left: panel.left, right: panel.right } };
  });
  expect(fit.scrollHeight).toBeLessThanOrEqual(fit.innerHeight);
  expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
  expect(fit.panel.top).toBeGreaterThanOrEqual(0);
  expect(fit.panel.left).toBeGreaterThanOrEqual(0);
  expect(fit.panel.bottom).toBeLessThanOrEqual(fit.innerHeight);
  expect(fit.panel.right).toBeLessThanOrEqual(fit.innerWidth);
}

/** Text wider than its own box (a button, a label, a heading, a suggested value) in Annotate. */
function overflowingText(): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.view.annotate :is(button, label, h2, dt, .value, .save-status, .goto-note, output)')]
      .filter((element) => element.offsetParent !== null && element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.tagName.toLowerCase()}: ${element.textContent?.slice(0, 40)}`),
  );
}

/** G, the number, Enter — as a person types it. */
async function goToFrame(text: string): Promise<void> {
  await page.getByTestId('frame-stage').click();
  await page.keyboard.press('g');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('annotate ergonomics on the demo corpus in Chromium', () => {
  it('opens the demo workspace, and its first clip opens at its event\'s onset', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="workspace-path"]').fill(workspace);
    await page.locator('form', { has: page.locator('input[name="workspace-path"]') }).getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByTestId('workspace-info').textContent()).toContain('6 clips');
    await openClip(1);
    await expect.poll(() => marker('onset')).toMatch(/^\d+$/);
    const onset = Number(await marker('onset'));
    expect(onset).toBeGreaterThan(0);
    await expectFrame(onset);
  });

  it('goes to a frame with G every time: the second G replaces the first number', async () => {
    await goToFrame('12');
    await expectFrame(12);
    await goToFrame('30');
    await expectFrame(30);
    expect(await page.locator('input[name="goto"]').evaluate((input) => input === document.activeElement)).toBe(false);
  });

  it('clamps an out-of-range frame to the clip and says so; the field shows 7 digits', async () => {
    await goToFrame('9999999');
    await expectFrame(FRAMES - 1);
    await expect.poll(() => page.getByTestId('goto-note').textContent()).toBe(`Clamped to ${FRAMES - 1}`);
    const goto = page.locator('input[name="goto"]');
    expect(await goto.inputValue()).toBe('9999999');
    expect(await goto.evaluate((input) => input.scrollWidth <= input.clientWidth)).toBe(true);
    await screenshot('ui-goto-clamped-en');
    await goToFrame('5');
    await expectFrame(5);
    await expect.poll(() => page.getByTestId('goto-note').count()).toBe(0);
  });

  it('keeps the view, the clip and the frame across a reload', async () => {
    await goToFrame('7');
    await expectFrame(7);
    await page.reload();
    await page.getByTestId('frame-number').waitFor();
    await expect.poll(() => page.locator('nav [aria-current="page"]').getAttribute('data-view')).toBe('annotate');
    await expectFrame(7);
    // The address names the event once Annotate has listed the clip's events.
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/annotate\?clip=1&event=\d+$/);
  });

  it('analyses, then Accept all takes every suggestion and every button shows it is accepted; all on screen', async () => {
    await page.getByTestId('analyse').click();
    const value = (field: string) => page.locator(`[data-testid="suggestions"] [data-field="${field}"] .value`);
    await expect.poll(() => value('aus').textContent().catch(() => ''), { timeout: 180_000 }).toMatch(/\d/);
    await expectSuggestionsOnScreen();
    expect(await overflowingText()).toEqual([]);
    await screenshot('ui-annotate-suggestions-en');
    const statusWidth = (await page.getByTestId('save-status').boundingBox())!.width;

    await page.getByTestId('accept-all').click();
    await expect.poll(() => page.getByTestId('accept-all').textContent()).toBe('✓ All accepted');
    expect(await page.getByTestId('accept-all').isDisabled()).toBe(true);
    const fields = page.locator('[data-testid="suggestions"] .suggestion');
    const count = await fields.count();
    expect(count).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < count; i += 1) {
      const accept = fields.nth(i).locator('.actions button').first();
      expect(await accept.textContent()).toBe('✓ Accepted');
      expect(await accept.isDisabled()).toBe(true);
    }
    expect(await page.locator('input[name="facs"]').inputValue()).toBe(await value('aus').textContent());
    await expect.poll(() => page.getByTestId('annotation-provenance').getAttribute('data-provenance')).toBe('accepted');
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-status'), { timeout: 5000 }).toBe('saved');
    // The status changed its text, not its width: the toolbar did not reflow.
    expect((await page.getByTestId('save-status').boundingBox())!.width).toBe(statusWidth);
    await expectSuggestionsOnScreen();
    await screenshot('ui-annotate-accepted-en');

    // Changing one field back by hand: only that field loses its accepted state.
    await page.locator('input[name="facs"]').fill('4');
    await expect.poll(() => fields.first().locator('.actions button').first().textContent()).toBe('Accept');
    expect(await page.getByTestId('accept-all').textContent()).toBe('Accept all');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('accept-all').textContent()).toBe('✓ All accepted');
  }, 240_000);

  it('marks the analysis stale when a marker moves, with Re-analyse, and not after undo', async () => {
    const onset = Number(await marker('onset'));
    await goToFrame(String(onset + 1));
    await expectFrame(onset + 1);
    await page.keyboard.press('o');
    await expect.poll(() => marker('onset')).toBe(String(onset + 1));
    await page.getByTestId('analysis-stale').waitFor();
    expect(await page.getByTestId('analyse').textContent()).toBe('Re-analyse');
    await expectSuggestionsOnScreen();
    await screenshot('ui-annotate-stale-en');
    await page.keyboard.press('Control+z');
    await expect.poll(() => marker('onset')).toBe(String(onset));
    await expect.poll(() => page.getByTestId('analysis-stale').count()).toBe(0);
  });

  it('fits 1280×720 in 简体中文 too: no page scroll, suggestions on screen, no text overflowing', async () => {
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('frame-number').waitFor();
    await expect.poll(() => page.getByTestId('accept-all').textContent()).toBe('✓ 已全部接受');
    await expectSuggestionsOnScreen();
    expect(await overflowingText()).toEqual([]);
    await goToFrame('9999999');
    await page.getByTestId('goto-note').waitFor();
    await screenshot('ui-annotate-suggestions-zh-CN');
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('reopens each clip where it was left: frame, zoom and layers', async () => {
    await openClip(1);
    await goToFrame('25');
    await expectFrame(25);
    const flow = page.locator('input[name="layer-flow"]');
    await expect.poll(() => flow.isEnabled()).toBe(true);
    await flow.uncheck();
    const stage = (await page.getByTestId('frame-stage').boundingBox())!;
    await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(() => page.getByTestId('frame-stage').getAttribute('data-zoom')).not.toBe('fit');
    const zoom = await page.getByTestId('frame-stage').getAttribute('data-zoom');

    // Another clip opens at its own event's onset, the first time.
    await openClip(2);
    await expect.poll(() => marker('onset')).toMatch(/^\d+$/);
    await expectFrame(Number(await marker('onset')));
    expect(await page.getByTestId('frame-stage').getAttribute('data-zoom')).toBe('fit');

    await openClip(1);
    await expectFrame(25);
    expect(await page.getByTestId('frame-stage').getAttribute('data-zoom')).toBe(zoom);
    await expect.poll(() => flow.isEnabled()).toBe(true);
    expect(await flow.isChecked()).toBe(false);
  });

  it('Analyse all counts only clips without an analysis, Re-analyse all is separate, and the end of a batch lists each clip', async () => {
    await page.locator('[data-view="corpus"]').click();
    // Clip 1 was analysed above: five of the six are left.
    await expect.poll(() => page.getByTestId('analyse-all').textContent()).toBe('Analyse all (5 not analysed)');
    await expect.poll(() => page.getByTestId('reanalyse-all').textContent()).toBe('Re-analyse all (6)');
    await page.getByTestId('analyse-all').click();
    const summary = page.getByTestId('batch-summary');
    await summary.waitFor({ timeout: 400_000 });
    expect(await summary.locator('p').textContent()).toBe('Batch finished: 5 clips, 0 failed');
    expect(await summary.locator('li[data-state="done"]').allTextContents()).toEqual(['EP02_01: done', 'EP03_01: done', 'EP04_01: done', 'EP05_01: done', 'EP06_01: done']);
    await expect.poll(() => page.getByTestId('analyse-all').textContent()).toBe('Analyse all (0 not analysed)');
    expect(await page.getByTestId('analyse-all').isDisabled()).toBe(true);
    await screenshot('ui-corpus-batch-finished-en');
  }, 420_000);

  it('remembers the export formats and folder across a reload', async () => {
    await page.locator('[data-view="export"]').click();
    await page.locator('input[name="format-jsonl"]').check();
    await page.locator('input[name="format-report"]').uncheck();
    await page.locator('input[name="export-folder"]').fill(join(dir, 'exports'));
    await page.reload();
    await expect.poll(() => page.locator('nav [aria-current="page"]').getAttribute('data-view')).toBe('export');
    await page.locator('input[name="export-folder"]').waitFor();
    expect(await page.locator('input[name="export-folder"]').inputValue()).toBe(join(dir, 'exports'));
    expect(await page.locator('input[name="format-jsonl"]').isChecked()).toBe(true);
    expect(await page.locator('input[name="format-report"]').isChecked()).toBe(false);
    expect(await page.locator('input[name="force"]').isChecked()).toBe(false);
  });
});

it('ran without console errors', () => {
  expect(consoleErrors).toEqual([]);
});
