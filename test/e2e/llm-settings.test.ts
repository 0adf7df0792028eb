import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { useTempDir } from '../helpers/tmp';
import { useQwen3TinyModels } from '../helpers/qwen3';

const makeQwen3Model = useQwen3TinyModels();

const tempDir = useTempDir();
const app = useAppPage({ width: 1280, height: 900 });

describe('Settings → Language model in Chromium over the bridge', () => {
  it('adds a model folder by path, verifies it, makes it active, and sets thinking and the new-token cap', async () => {
    const { page, bridge, services } = app();
    const folder = await makeQwen3Model(join(tempDir(), 'tiny-qwen3'));
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
    // The defaults are shown: the template decides thinking (as MELLM), 2048 new tokens at most.
    const thinking = page.locator('select[name="llmThinking"]');
    const cap = page.locator('input[name="llmMaxNewTokens"]');
    expect(await thinking.inputValue()).toBe('template');
    expect(await cap.inputValue()).toBe('2048');
    await thinking.selectOption('off');
    await expect.poll(async () => (await services.settings.get()).llmThinking).toBe(false);
    await cap.fill('512');
    await cap.blur();
    await expect.poll(async () => (await services.settings.get()).llmMaxNewTokens).toBe(512);
    // Out of range: not saved, the stored cap shown again.
    await cap.fill('40000');
    await cap.blur();
    await expect.poll(() => cap.inputValue()).toBe('512');
    await thinking.selectOption('on');
    await expect.poll(async () => (await services.settings.get()).llmThinking).toBe(true);
    expect(await services.settings.get()).toMatchObject({ llmFolders: [folder], activeLlm: folder, llmThinking: true, llmMaxNewTokens: 512 });
    // The estimate: unknown until measured on this machine, then ≈ time for up to the cap.
    const estimate = page.getByTestId('llm-estimate');
    await estimate.getByText(/not measured yet/).waitFor();
    await estimate.getByRole('button', { name: 'Measure speed' }).click();
    await estimate.getByText(/^≈ \d+ (s|min|h) for up to 512 tokens on this machine \([\d.]+ tokens\/s measured\)\./).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'llm-settings-en.png'), fullPage: true });

    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '语言模型' }).waitFor();
    await page.getByText('每次回答最多生成的 token 数').waitFor();
    await estimate.getByText(/^本机约需 \d+ (秒|分钟|小时)，最多生成 512 个 token/).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'llm-settings-zh-CN.png'), fullPage: true });
    await page.locator('select[name="language"]').selectOption('en');
  });

  it('ran without console errors', () => {
    expect(app().errors).toEqual([]);
  });
});
