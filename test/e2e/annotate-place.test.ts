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
    expect(new URL(page.url()).hash).toMatch(/^#\/annotate\?clip=1&event=\d+$/);
  });
});

it('ran without console errors', () => {
  expect(consoleErrors).toEqual([]);
});
