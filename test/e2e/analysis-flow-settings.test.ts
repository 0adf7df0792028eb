import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_FLOW } from '../../src/shared/api/flow';
import { optionsForSize } from '../../src/main/inference/flow/variational';
import { buildVariationalFlowGraph } from '../../src/main/inference/flow/variational-graph';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import { useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const app = useAppPage({ width: 1280, height: 720 });

/** A learned flow model folder from the project's own generator (the variational graph with a flow.json contract). */
function learnedFlowFolder(): string {
  const dir = join(tempDir(), 'learned-flow');
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.onnx'), buildVariationalFlowGraph(optionsForSize(FLOW_PRESETS.fast, 200, 240)).toBytes());
  writeFileSync(join(dir, 'flow.json'), JSON.stringify({ id: 'variational-export', inputs: ['frame1', 'frame2'], channels: 1 }));
  return dir;
}

describe('Settings → Analysis in Chromium over the bridge', () => {
  it('chooses a learned flow model folder (a folder without flow.json is refused in words), the spotting preset, and back to a generated preset', async () => {
    const { page, bridge, services } = app();
    const folder = learnedFlowFolder();
    const empty = tempDir();
    await page.goto(bridge.url);
    await page.locator('[data-view="settings"]').click();
    await page.getByRole('heading', { name: 'Analysis', exact: true }).waitFor();
    const expression = page.locator('select[name="flowExpression"]');
    expect(await expression.inputValue()).toBe('balanced');

    await expression.selectOption('learned');
    const path = page.locator('input[name="flowModelFolder"]');
    await path.fill(empty);
    await page.getByRole('button', { name: 'Use folder' }).click();
    await expect.poll(() => page.getByTestId('flow-model-error').textContent()).toMatch(/No readable flow\.json contract in/);
    expect((await services.settings.get()).analysisFlow).toEqual(DEFAULT_ANALYSIS_FLOW);
    // The refused call is the only failed request Chromium logs (HTTP 422 from the bridge).
    expect(app().errors.splice(0)).toEqual([expect.stringContaining('422')]);

    await path.fill(folder);
    await page.getByRole('button', { name: 'Use folder' }).click();
    await expect.poll(async () => (await services.settings.get()).analysisFlow.model).toBe(folder);
    await page.getByTestId('flow-model-active').waitFor();
    expect(await page.getByTestId('flow-model-error').count()).toBe(0);
    // The spotting's fast choice is the scan's own flow, not the fast preset of the onset → apex flow.
    expect(await page.locator('select[name="flowSpotting"] option[value="fast"]').textContent()).toBe("fast — the spotting's own flow");
    await page.locator('select[name="flowSpotting"]').selectOption('balanced');
    await expect.poll(async () => (await services.settings.get()).analysisFlow).toEqual({ model: folder, expression: 'balanced', spotting: 'balanced' });
    await page.locator('section.analysis-settings small').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-flow-settings-en.png') });

    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByText('使用此文件夹').waitFor();
    expect(await page.locator('select[name="flowSpotting"] option[value="fast"]').textContent()).toBe('快速 — 检测专用光流');
    await page.locator('section.analysis-settings small').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'analysis-flow-settings-zh-CN.png') });
    await page.locator('select[name="language"]').selectOption('en');

    await page.locator('select[name="flowExpression"]').selectOption('accurate');
    await expect.poll(async () => (await services.settings.get()).analysisFlow).toEqual({ model: null, expression: 'accurate', spotting: 'balanced' });
    await expect.poll(() => page.locator('input[name="flowModelFolder"]').count()).toBe(0);
  });

  it('ran without console errors', () => {
    expect(app().errors).toEqual([]);
  });
});
