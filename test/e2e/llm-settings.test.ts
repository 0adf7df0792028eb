import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { rendererDir } from '../../src/main/paths';
import type { Services } from '../../src/main/api';
import type { Bridge } from '../../src/main/transport/bridge';
import { ARTIFACTS, launchChromium } from '../helpers/browser';
import { startTestBridge } from '../helpers/bridge';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
let browser: Browser;
let bridge: Bridge;
let services: Services;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error('Build the renderer first: npm run build');
  ({ bridge, services } = await startTestBridge({ userDataDir: tempDir() }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
});

describe('Settings → Language model in Chromium over the bridge', () => {
  it('adds a model folder by path, verifies it, makes it active and turns thinking on', async () => {
    const folder = await makeTinyModel(join(tempDir(), 'tiny-qwen3'));
    await page.goto(bridge.url);
    await page.locator('[data-view="settings"]').click();
    await page.getByRole('heading', { name: 'Language model' }).waitFor();
    await page.locator('input[name="llmFolder"]').fill(folder);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText(folder).waitFor();
    await page.getByText('qwen3, fp32').waitFor();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(/Verified: 5 files hashed and recorded/).waitFor();
    // Controlled inputs: the new state shows once main has stored the setting.
    await page.locator('input[name="activeLlm"]').click();
    await expect.poll(() => page.locator('input[name="activeLlm"]').isChecked()).toBe(true);
    await page.locator('input[name="llmThinking"]').click();
    await expect.poll(() => page.locator('input[name="llmThinking"]').isChecked()).toBe(true);
    const settings = await services.settings.get();
    expect(settings).toMatchObject({ llmFolders: [folder], activeLlm: folder, llmThinking: true });
    await page.screenshot({ path: join(ARTIFACTS, 'llm-settings-en.png'), fullPage: true });

    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '语言模型' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'llm-settings-zh-CN.png'), fullPage: true });
    await page.locator('select[name="language"]').selectOption('en');
  });

  it('ran without console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
