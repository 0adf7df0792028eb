import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeSequence } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const app = useAppPage();
const tempDir = useTempDir('mellm-e2e-picker-');
// The workspace Create makes stays open for the tests after it: its folder lives as long as the file's tests.
const keptDir = mkdtempSync(join(tmpdir(), 'mellm-e2e-picker-kept-'));
afterAll(() => rmSync(keptDir, { recursive: true, force: true }));

/** The allowed root holds a CASME II frame folder; a folder beside it is reached only by a link. */
async function allowedRoot(base = realpathSync(tempDir())) {
  const root = join(base, 'data');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'private.txt'), 'not for the page');
  const frames = await writeSequence(join(root, 'CASME2_RAW'), ['sub01', 'EP02_01f'], 46, 75);
  symlinkSync(outside, join(root, 'CASME2_RAW', 'escape'));
  await app().services.settings.update({ browseRoots: [root] });
  return { root, outside, frames };
}

describe('pickers and the start page in Chromium over the bridge', () => {
  it('the start page offers the demo corpus, create, open, recent workspaces and first steps; the installation report is folded', async () => {
    const { page, services } = app();
    await page.goto(app().bridge.url);
    await page.getByTestId('open-demo').waitFor();
    expect(await page.getByRole('button', { name: 'Open the demo corpus' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Create a workspace…' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Open a workspace…' }).count()).toBe(1);
    expect(await page.locator('.first-steps li').count()).toBe(4);
    expect(await page.getByTestId('system-facts').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'start-page-en.png') });
    await page.getByText('This installation').click();
    await page.getByTestId('system-facts').waitFor();

    await services.settings.update({ language: 'zh-CN' });
    await page.reload();
    await page.getByRole('button', { name: '打开演示语料' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'start-page-zh-CN.png') });
    await services.settings.update({ language: 'en' });
    await page.reload();
    await page.getByTestId('open-demo').waitFor();
  });

  it('the browser file picker opens a frame folder inside the allowed root and refuses “../” and a symlink pointing outside', async () => {
    const { page } = app();
    const { root, outside, frames } = await allowedRoot();
    await page.goto(app().bridge.url);
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('browse-frame-folder-open-folder').click();
    const picker = page.getByTestId('file-browser');
    await picker.waitFor();
    const entry = (name: string) => picker.locator(`[data-testid="browse-entry"][data-name="${name}"]`);
    await entry(root).dblclick();
    await entry('CASME2_RAW').dblclick();

    // A link inside the root that leads out of it: listed, but opening it is refused and nothing of it is shown.
    await entry('escape').dblclick();
    await expect.poll(() => picker.getByTestId('browse-error').textContent()).toContain(`resolves to ${outside}`);
    expect(await entry('private.txt').count()).toBe(0);
    // Selected and chosen, the link is refused the same way and nothing is picked.
    await entry('escape').click();
    await picker.getByTestId('browse-choose').click();
    await expect.poll(() => picker.getByTestId('browse-error').textContent()).toContain(`resolves to ${outside}`);
    expect(await picker.isVisible()).toBe(true);

    // “../” typed into the location is refused before the file system is asked.
    const location = picker.locator('input[name="browse-location"]');
    await location.fill(`${root}/CASME2_RAW/../../outside`);
    await location.press('Enter');
    await expect.poll(() => picker.getByTestId('browse-error').textContent()).toContain('contains “..”');
    expect(await entry('private.txt').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'picker-refused-en.png') });

    await location.fill(join(root, 'CASME2_RAW', 'sub01'));
    await location.press('Enter');
    await entry('EP02_01f').click();
    await page.screenshot({ path: join(ARTIFACTS, 'picker-frame-folder-en.png') });
    await picker.getByTestId('browse-choose').click();
    await picker.waitFor({ state: 'detached' });
    expect(await page.locator('input[name="clip-path"]').inputValue()).toBe(frames);

    // The picked folder opens as a clip: 30 frames from img46.jpg.
    await page.locator('form:has(input[name="clip-path"]) button[type="submit"]').click();
    await page.getByTestId('frame-stage').waitFor();
    // No annotator yet: Annotate asks for the name before the first label; this test labels nothing.
    await page.getByTestId('annotator-prompt').getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('0');
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('29');
  });

  it('Create a workspace… on the start page saves a new workspace in a folder picked inside the root and opens it in Corpus', async () => {
    const { page } = app();
    const { root } = await allowedRoot(realpathSync(keptDir));
    await page.locator('[data-view="home"]').click();
    await page.getByRole('button', { name: 'Create a workspace…' }).click();
    const picker = page.getByTestId('file-browser');
    await picker.locator(`[data-testid="browse-entry"][data-name="${root}"]`).click();
    await picker.locator('input[name="browse-file-name"]').fill('my-corpus');
    await picker.getByRole('button', { name: 'Save here' }).click();
    await expect.poll(() => page.getByTestId('workspace-info').textContent()).toContain(join(root, 'my-corpus.mellm'));
    expect(await page.locator('[data-view="corpus"]').getAttribute('aria-current')).toBe('page');
  });

  it('asks for the annotator name, then Open the demo corpus generates it and lands on Corpus with its six clips', async () => {
    const { page, services } = app();
    await services.settings.update({ browseRoots: [] });
    await page.locator('[data-view="home"]').click();
    await page.getByTestId('open-demo').click();
    const prompt = page.getByTestId('annotator-prompt');
    await prompt.waitFor();
    await prompt.locator('input[name="annotator-name"]').fill('Annotator One');
    await page.screenshot({ path: join(ARTIFACTS, 'start-annotator-prompt-en.png') });
    await prompt.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('button', { name: 'Preparing the demo corpus…' }).waitFor();
    await page.getByTestId('clip-queue').waitFor({ timeout: 240_000 });
    await expect.poll(() => page.locator('[data-testid="clip-queue"] tbody tr').count()).toBe(6);
    expect(await page.locator('[data-view="corpus"]').getAttribute('aria-current')).toBe('page');
    expect((await services.settings.get()).annotator).toBe('Annotator One');
    await page.screenshot({ path: join(ARTIFACTS, 'start-demo-corpus-en.png') });

    // A file dropped in a browser has no path: the page says so instead of failing silently.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['not a clip'], 'EP01_01.mp4'));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.getByTestId('clip-drop').textContent()).toContain('Dropped files have no path in a browser');

    // Back on the start page the demo workspace is the most recent one.
    await page.locator('[data-view="home"]').click();
    await expect.poll(() => page.getByTestId('recent-workspaces').textContent()).toContain(join('demo-corpus', 'demo.mellm'));
    // Chromium logs each refused listing (403) of the picker test; nothing else may appear.
    expect(app().errors.filter((error) => !error.endsWith('status of 403 (Forbidden)'))).toEqual([]);
    expect(app().errors.length).toBe(3);
  }, 300_000);
});
