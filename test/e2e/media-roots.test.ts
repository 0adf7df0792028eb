import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeSequence } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const app = useAppPage({ width: 1280, height: 720 });

describe('Settings → Media roots in Chromium over the bridge', () => {
  it('maps a root to a folder (a bad name refused in words), then stores the open workspace’s clips under it', async () => {
    const { page, bridge, services } = app();
    const corpus = join(tempDir(), 'casme2');
    await writeSequence(corpus, ['sub01', 'EP02_01f'], 46, 60);
    await services.workspaces.create(join(tempDir(), 'w.mellm'));
    const clip = await services.workspaces.require().clips.add({ path: join(corpus, 'sub01', 'EP02_01f'), kind: 'sequence', fps: 200, frames: 15, width: 8, height: 8 });

    await page.goto(bridge.url);
    await page.locator('[data-view="settings"]').click();
    await page.getByRole('heading', { name: 'Media roots', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add root' }).click();
    await page.getByRole('textbox', { name: 'Name of root 1' }).fill('../up');
    await page.getByRole('textbox', { name: 'Folder of root 1' }).fill(corpus);
    await page.getByRole('button', { name: 'Save roots' }).click();
    await expect.poll(() => page.locator('section.media-roots [role="alert"]').textContent()).toBe('“../up” is not a root name: start with a letter, then letters, digits, “_”, “.” or “-” (at most 64).');
    expect((await services.settings.get()).mediaRoots).toEqual({});

    await page.getByRole('textbox', { name: 'Name of root 1' }).fill('CASME2_RAW');
    await page.getByRole('button', { name: 'Save roots' }).click();
    await page.getByText('Media roots saved.').waitFor();
    expect((await services.settings.get()).mediaRoots).toEqual({ CASME2_RAW: corpus });

    await page.getByRole('button', { name: 'Store clips under these roots' }).click();
    await expect.poll(() => page.getByTestId('media-roots-adopted').textContent()).toBe('1 clip now stored under a root, 0 unchanged, 0 conflicts.');
    expect(await services.workspaces.require().clips.require(clip.id)).toMatchObject({ mediaRoot: 'CASME2_RAW', mediaPath: 'sub01/EP02_01f' });
    await page.locator('section.media-roots').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'media-roots-en.png') });
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '媒体根目录' }).waitFor();
    await page.locator('section.media-roots').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'media-roots-zh-CN.png') });
    await page.locator('select[name="language"]').selectOption('en');
  });
});
