import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useAppPage } from '../helpers/app-page';
import { useTempDir } from '../helpers/tmp';

/**
 * The mistakes journey in Chromium over the bridge: on a CASME II clip imported from its
 * coding sheet and a clip of the same corpus without an event, O makes an event by
 * accident; it is deleted (button), undone with Ctrl+Z, deleted again (Delete key); a
 * fresh accident goes with Ctrl+Z alone; a clip is deleted from the Corpus queue and
 * brought back by Undo; the open clip deleted elsewhere comes back with Ctrl+Z.
 */

const app = useAppPage();
const tempDir = useTempDir('mellm-e2e-delete-');

interface Listed {
  readonly id: number;
  readonly onset: number;
}

describe('delete and undo in Chromium', () => {
  it('an accidental event: O → Delete → Ctrl+Z → Delete again; Ctrl+Z alone takes a new accident away; a clip is deleted and restored', async () => {
    const { page, bridge, errors } = app();
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
    const empty = await writeSequence(root, ['sub01', 'EP03_02'], 1, 60);
    const sheet = await writeSheet(join(dir, 'CASME2-coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 80, '', '1+2', 'surprise']]);
    const call = <T,>(name: string, payload: unknown) =>
      page.evaluate(
        async ({ name, payload }) => {
          const response = await fetch(`/api/${name}`, { method: 'POST', body: JSON.stringify(payload) });
          return ((await response.json()) as { data: unknown }).data;
        },
        { name, payload },
      ) as Promise<T>;

    await page.goto(bridge.url);
    await call('settings.update', { annotator: 'e2e-coder' });
    await call('workspace.create', { path: join(dir, 'corpus.mellm') });
    await call('import.commit', { sheet, root, dataset: 'casme2' });
    await page.reload();

    await page.locator('[data-view="corpus"]').click();
    await expect.poll(() => page.getByTestId('workspace-info').textContent()).toContain('1 clip,');
    await page.locator('input[name="clip-path"]').fill(empty);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await page.getByTestId('frame-number').waitFor();
    const clipId = (await call<{ id: number; path: string }[]>('clips.list', {})).find((c) => c.path === empty)!.id;
    const stored = () => call<Listed[]>('events.list', { clipId });
    const listed = page.locator('.event-list li');

    // The accident: O on a clip without an event.
    await page.locator('input[name="goto"]').fill('20');
    await page.locator('input[name="goto"]').press('Enter');
    await expect.poll(() => page.getByTestId('frame-number').textContent()).toBe('20');
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('o');
    await expect.poll(() => listed.count()).toBe(1);
    await expect.poll(async () => (await stored()).map((e) => e.onset)).toEqual([20]);

    await page.getByTestId('delete-event').click();
    await expect.poll(() => listed.count()).toBe(0);
    await expect(page.getByTestId('deletion-range').textContent()).resolves.toBe('frames 20–20');
    expect(await stored()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'delete-event-notice-en.png') });

    await page.keyboard.press('Control+z');
    await expect.poll(() => listed.count()).toBe(1);
    await expect.poll(async () => (await stored()).map((e) => e.onset)).toEqual([20]);
    await expect.poll(() => page.getByTestId('deletion-notice').count()).toBe(0);
    await expect.poll(() => page.locator('[data-marker="onset"] dd').textContent()).toBe('20');

    // Deleted again, this time with its shortcut (Delete).
    await page.keyboard.press('Delete');
    await expect.poll(() => listed.count()).toBe(0);
    expect(await stored()).toEqual([]);
    await expect.poll(() => page.getByTestId('deletion-notice').count()).toBe(1);

    // A new accident: Ctrl+Z alone removes the event the session just created.
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('o');
    await expect.poll(async () => (await stored()).length).toBe(1);
    await expect.poll(() => listed.count()).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => listed.count()).toBe(0);
    await expect.poll(async () => (await stored()).length).toBe(0);
    // What the app exports holds neither accident.
    const folder = join(dir, 'export');
    expect(await call('export.run', { formats: ['report', 'casme2-csv'], folder })).toMatchObject({ files: expect.any(Array) });
    expect(readFileSync(join(folder, 'casme2-sheet.csv'), 'utf8')).toContain('EP02_01f');
    for (const file of ['casme2-sheet.csv', 'report.html']) expect(readFileSync(join(folder, file), 'utf8')).not.toContain('EP03_02');

    // A clip from the Corpus queue: deleted at once (undoable, so no confirmation), back with Undo.
    await page.locator('[data-view="corpus"]').click();
    const rows = page.getByTestId('clip-queue').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('button', { name: 'Delete clip EP03_02' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await expect(page.getByTestId('deletion-notice').textContent()).resolves.toContain('Clip EP03_02 deleted');
    await page.screenshot({ path: join(ARTIFACTS, 'delete-clip-notice-en.png') });
    await page.getByTestId('deletion-undo').click();
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('deletion-notice').count()).toBe(0);

    // The same notice in Chinese.
    await page.getByRole('button', { name: 'Delete clip EP03_02' }).click();
    await call('settings.update', { language: 'zh-CN' });
    await expect.poll(() => page.getByTestId('deletion-notice').textContent()).toContain('片段 EP03_02 已删除');
    await page.screenshot({ path: join(ARTIFACTS, 'delete-clip-notice-zh-CN.png') });
    await page.getByTestId('deletion-undo').click();
    await expect.poll(() => rows.count()).toBe(2);
    await call('settings.update', { language: 'en' });

    // The open clip deleted in Corpus: Annotate says so; Ctrl+Z there brings clip and event back.
    await page.getByTestId('clip-queue').locator('tr', { hasText: 'EP02_01f' }).getByRole('button', { name: 'Annotate' }).click();
    await expect.poll(() => listed.count()).toBe(1);
    await page.locator('[data-view="corpus"]').click();
    await page.getByRole('button', { name: 'Delete clip EP02_01f' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.locator('[data-view="annotate"]').click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Clip \d+ was deleted/);
    expect(await listed.count()).toBe(0);
    await page.getByTestId('frame-stage').click();
    await page.keyboard.press('Control+z');
    await expect.poll(() => listed.count()).toBe(1);
    await expect.poll(() => page.getByText(/was deleted/).count()).toBe(0);
    // The only failed requests: reads of the deleted clip while it was gone (events.list, and an
    // analysis read when it raced the deletion): NOT_FOUND is HTTP 404 on the bridge; nothing else.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.filter((error) => error !== 'Failed to load resource: the server responded with a status of 404 (Not Found)')).toEqual([]);
  });
});
