import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../src/main/paths';
import type { Bridge } from '../../src/main/transport/bridge';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
let browser: Browser;
let bridge: Bridge;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  ({ bridge } = await startTestBridge({ userDataDir: tempDir() }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
});

describe('app shell in Chromium over the bridge', () => {
  it('loads and shows live system facts fetched through the bridge', async () => {
    await page.goto(bridge.url);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('MELLM Workstation');
    // The installation report is folded below the start page.
    await page.getByText('This installation').click();
    await page.getByTestId('system-facts').waitFor();
    expect(await page.getByTestId('transport').textContent()).toBe('loopback bridge');
    expect(await page.getByTestId('onnxruntime-version').textContent()).toMatch(/^\d+\.\d+\.\d+$/);
    // The token left the address bar's query only through the HttpOnly cookie.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'shell-home-en.png') });
  });

  it('switches language to Simplified Chinese and back, and remembers it', async () => {
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    expect(await page.locator('[data-view="home"]').textContent()).toBe('首页');
    await page.screenshot({ path: join(ARTIFACTS, 'shell-settings-zh-CN.png') });

    // A reload comes back to the same view, still in Chinese.
    await page.reload();
    await page.getByRole('heading', { name: '设置' }).waitFor();
    expect(await page.locator('[data-view="home"]').textContent()).toBe('首页');
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('applies the theme chosen in settings', async () => {
    await page.locator('select[name="theme"]').selectOption('light');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(246, 247, 249)');
  });

  it('chooses the prompt format analyses write, MELLM by default, and keeps the choice', async () => {
    const select = page.locator('select[name="promptFormat"]');
    expect(await select.inputValue()).toBe('mellm');
    expect(await select.locator('option').allTextContents()).toEqual(['MELLM (reference text)', 'JSON lines']);
    await select.selectOption('json');
    await page.reload();
    await page.locator('[data-view="settings"]').click();
    await expect.poll(() => page.locator('select[name="promptFormat"]').inputValue()).toBe('json');
  });

  it('ran without console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
