/**
 * A dataset sheet's row problems in 简体中文, in Chromium on the built renderer: main
 * sends each problem as a key with its values, and the window says it in Chinese, with
 * the sheet's own values (frame numbers, AU text, column names) as written: the FACS
 * parser's reason and why the layout was chosen too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-import-zh-'));
let page: Page;
let sheet: string;
const root = join(dir, 'casme2');

const app = useAppPage();

beforeAll(async () => {
  await writeSequence(root, ['sub01', 'EP01_1'], 1, 12);
  sheet = await writeSheet(join(dir, 'coding.xlsx'), [
    CASME2_HEADER,
    ['01', 'EP01_1', 2, 5, 9, '', '1+2', 'surprise'],
    ['01', 'EP01_1', 9, 5, 3, '', '4++7', 'disgust'],
    ['01', 'EP01_1', 2, '/', 9, '', '1+2', 'surprise'],
  ]);
  const file = join(dir, 'import.mellm');
  await (await createWorkspace(file)).close();
  page = app().page;
  page.setDefaultTimeout(15_000);
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'zh-CN' });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a sheet import previewed in 简体中文', () => {
  it('says each row problem in Chinese, in the groups and in the table', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.getByText('导入数据集编码表').click();
    await page.locator('input[name="import-sheet"]').fill(sheet);
    await page.locator('input[name="import-root"]').fill(root);
    await page.getByRole('button', { name: '预览' }).click();
    const groups = page.getByTestId('import-groups');
    await groups.waitFor();
    expect(await groups.locator('li[data-kind="frame-order"]').textContent()).toContain('OffsetFrame：起始帧 9 晚于结束帧 3');
    expect(await groups.locator('li[data-kind="aus-not-facs"]').textContent()).toContain("动作单元 '4++7'：第 3 个字符处的两个分隔符之间没有编码");
    expect(await page.getByTestId('import-layout').textContent()).toMatch(/^格式：CASME II（自动识别：第 1 行表头（Subject, .*）是 CASME II 格式）$/);
    expect(await groups.locator('li[data-kind="apex-missing"]').textContent()).toContain("顶点为 '/'：导入时不带顶点");
    const table = await page.getByTestId('import-preview').locator('tbody').textContent();
    expect(table).toContain('顶点帧 5 晚于结束帧 3');
    expect(table).not.toMatch(/is after|imported without|Empty code|position/);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-import-zh-CN.png'), fullPage: true });
    expect(app().errors).toEqual([]);
  });

  it('says in Chinese why nothing was imported, with the count of problems and what to do', async () => {
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const alert = page.locator('.import p[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('未从 coding.xlsx 导入任何行：4 个问题');
    expect(await alert.textContent()).toContain('跳过有问题的行');
    expect(await alert.textContent()).not.toMatch(/Nothing imported|problem/);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-import-refused-zh-CN.png'), fullPage: true });
  });
});
