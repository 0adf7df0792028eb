import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser';
import { useAppPage } from '../helpers/app-page';
import { useTempDir } from '../helpers/tmp';

const app = useAppPage({ width: 1280, height: 720 });
const tempDir = useTempDir('mellm-walk-zh-');
const OUT = join(ARTIFACTS, 'walk-zh');

describe('walk', () => {
  it('zh-CN annotator journey', async () => {
    mkdirSync(OUT, { recursive: true });
    const { page: p, bridge, errors, services } = app();
    const shot = (name: string) => p.screenshot({ path: join(OUT, `${name}.png`) });
    const dir = tempDir();
    await p.goto(bridge.url);
    await p.evaluate(async () => {
      await fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ language: 'zh-CN' }) });
    });
    await p.reload();
    await p.getByTestId('open-demo').waitFor();
    await shot('1-start');
    await p.getByTestId('open-demo').click();
    const prompt = p.getByTestId('annotator-prompt');
    await prompt.waitFor();
    await prompt.locator('input[name="annotator-name"]').fill('ana');
    await shot('2-name');
    await prompt.locator('button[type="submit"]').click();
    await p.getByTestId('clip-queue').waitFor({ timeout: 300_000 });
    await p.waitForTimeout(3000);
    await shot('3-corpus');
    await p.getByTestId('clip-queue').locator('tbody tr').first().getByRole('button', { name: '标注' }).click();
    await p.getByTestId('label-lifecycle').waitFor();
    await p.waitForTimeout(2000);
    await shot('4-annotate');
    await p.getByTestId('analyse').click();
    await p.locator('[data-testid="suggestions"] [data-field="aus"] .value').filter({ hasText: /\d/ }).waitFor({ timeout: 240_000 });
    await p.waitForTimeout(1500);
    await shot('5-analysed');
    console.log('SUGGESTIONS:\n' + (await p.getByTestId('suggestions').innerText()));
    console.log('SIDE:\n' + (await p.locator('.annotate-side').innerText()));
    await p.getByTestId('accept-all').click();
    await p.waitForTimeout(1500);
    await shot('6-accepted');
    console.log('AFTER ACCEPT SIDE:\n' + (await p.locator('.annotate-side').innerText()));
    await p.getByTestId('label-lifecycle').getByTestId('submit-next').click();
    await p.waitForTimeout(2500);
    await shot('7-submitted-next');
    await p.locator('nav button[data-view="review"]').click();
    await p.waitForTimeout(2500);
    await shot('8-review');
    console.log('REVIEW:\n' + (await p.locator('main').innerText()).slice(0, 3000));
    await p.locator('nav button[data-view="export"]').click();
    await p.waitForTimeout(1500);
    for (const box of await p.locator('input[type="checkbox"][name^="format-"]').all()) await box.check();
    await p.locator('input[name="export-folder"]').fill(join(dir, 'out'));
    await shot('9-export-form');
    await p.locator('form:has(input[name="export-folder"]) button[type="submit"]').click();
    await p.getByTestId('export-files').waitFor({ timeout: 120_000 });
    await shot('10-exported');
    console.log('EXPORT VIEW:\n' + (await p.locator('main').innerText()).slice(0, 2000));
    const walk = (at: string): string[] => readdirSync(at, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(at, e.name)) : [join(at, e.name)]));
    for (const file of walk(join(dir, 'out'))) {
      const text = readFileSync(file, 'utf8');
      console.log(`FILE ${file} (${text.length})`);
      const at = text.indexOf('ana');
      console.log(text.slice(0, 1500));
    }
    console.log('ERRORS', errors);
    void services;
  }, 900_000);
});
