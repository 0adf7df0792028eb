import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser';
import { useAppPage } from '../helpers/app-page';
import { writeIndexClip } from '../helpers/index-clip';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-lifecycle-'));
const app = useAppPage({ width: 1280, height: 720 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Clip files by id: sorted by name descending the queue reads 3, 1, 2. */
const NAMES = ['EP02_01.mp4', 'EP01_05.mp4', 'EP03_02.mp4'];

/** A workspace made through the real store: three clips of real media with one event each, an annotator and a reviewer who labelled too. */
async function buildWorkspace(): Promise<void> {
  const { services } = app();
  await services.workspaces.create(join(dir, 'lifecycle.mellm'));
  const ws = services.workspaces.require();
  for (const [index, name] of NAMES.entries()) {
    const folder = join(dir, `clip${index + 1}`);
    mkdirSync(folder);
    const path = join(folder, name);
    renameSync(writeIndexClip(folder, 30), path);
    const clip = await ws.clips.add({ path, kind: 'video', fps: 30, frames: 30, width: 160, height: 120, subject: `0${index + 1}` });
    await ws.events.create({ clipId: clip.id, onset: 4, apex: 10, offset: 20, source: 'manual' });
  }
  await ws.annotators.create('ana', 'annotator');
  await ws.annotators.create('rita', 'reviewer');
  await ws.annotations.save({ eventId: 3, annotator: 'rita', aus: '4', emotion: 'disgust', status: 'submitted' });
  await services.settings.update({ annotator: 'ana' });
}

/** Opening a clip probes its media, which takes seconds on a busy machine. */
const until = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

describe('label lifecycle in Chromium', () => {
  const screenshot = (name: string) => app().page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const lifecycle = () => app().page.getByTestId('label-lifecycle');
  const stored = async (eventId: number, annotator = 'ana') => app().services.workspaces.require().annotations.get(eventId, annotator);
  const nav = (view: string) => app().page.locator(`nav button[data-view="${view}"]`).click();
  const workAs = async (name: string) => {
    const { page } = app();
    await nav('review');
    const profiles = page.locator('details.profiles');
    const button = page.getByTestId('profiles').locator('tr', { hasText: name }).getByRole('button', { name: 'Work as' });
    // The Review view may still be rendering when the profiles are first looked at: unfold them until the row shows.
    await until(async () => {
      if ((await profiles.getAttribute('open')) === null) await profiles.locator('summary').click();
      return button.isVisible();
    }).toBe(true);
    await button.click();
    await until(async () => (await app().services.settings.get()).annotator).toBe(name);
  };
  const label = async (eventId: number, aus: string) => {
    await until(() => lifecycle().getAttribute('data-event')).toBe(String(eventId));
    await app().page.locator('input[name="facs"]').fill(aus);
  };

  it('submits by shortcut and button, withdraws, and Submit & next follows the queue as sorted and filtered', async () => {
    await buildWorkspace();
    const { page } = app();
    await page.goto(app().bridge.url);
    await nav('corpus');
    await until(() => page.getByTestId('nav-counts').getAttribute('aria-label')).toBe('3 to do · 0 submitted · 0 changes requested');
    const queue = page.getByTestId('clip-queue');
    await queue.locator('th[data-column="path"] button').click();
    await queue.locator('th[data-column="path"] button').click();
    await page.locator('input[name="queue-name"]').fill('ep0');
    await until(() => queue.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-clip')))).toEqual(['3', '1', '2']);
    expect(await queue.locator('tr[data-clip="3"] td[data-column="annotators"]').textContent()).toBe('rita');
    await screenshot('lifecycle-queue-en');

    await queue.locator('tr[data-clip="3"]').getByRole('button', { name: 'Annotate' }).click();
    await label(3, 'R12');
    await page.keyboard.press('Control+Enter');
    await until(() => lifecycle().getAttribute('data-status')).toBe('submitted');
    expect(await stored(3)).toMatchObject({ aus: 'R12', status: 'submitted' });
    // Read-only for its annotator until withdrawn.
    expect(await page.locator('input[name="facs"]').isDisabled()).toBe(true);
    await screenshot('lifecycle-submitted-en');
    await lifecycle().getByTestId('withdraw').click();
    await until(() => lifecycle().getAttribute('data-status')).toBe('draft');
    expect(await page.locator('input[name="facs"]').isDisabled()).toBe(false);
    expect(await stored(3)).toMatchObject({ aus: 'R12', status: 'draft' });

    // Submit & next: clip 3 → clip 1 (the queue's order, not the ids').
    await lifecycle().getByTestId('submit-next').click();
    await label(1, '6+12');
    expect(await stored(3)).toMatchObject({ status: 'submitted' });
    await page.keyboard.press('Control+Shift+Enter');
    await label(2, '1+2');
    expect(await stored(1)).toMatchObject({ aus: '6+12', status: 'submitted' });
    await lifecycle().getByTestId('submit').click();
    await until(() => lifecycle().getAttribute('data-status')).toBe('submitted');
    expect(await stored(2)).toMatchObject({ aus: '1+2', status: 'submitted' });
    // Withdrawn and submitted & next again: nothing is left, and the page says so.
    await lifecycle().getByTestId('withdraw').click();
    await until(() => lifecycle().getAttribute('data-status')).toBe('draft');
    await lifecycle().getByTestId('submit-next').click();
    await until(() => page.getByTestId('none-left').textContent()).toBe('Nothing left to label in the queue as filtered.');
    await until(() => page.getByTestId('nav-counts').getAttribute('aria-label')).toBe('0 to do · 3 submitted · 0 changes requested');
  });

  it('the reviewer requests changes with a comment and cannot decide on their own label; the annotator resubmits; the reviewer approves', async () => {
    const { page } = app();
    await workAs('rita');
    const queue = page.getByTestId('review-queue');
    await until(() => queue.locator('tbody tr').count()).toBe(3);
    await queue.getByRole('button', { name: '#2' }).click();
    const ana = page.getByTestId('review-event').getByTestId('label-column').filter({ has: page.locator('h2', { hasText: 'ana' }) });
    const ask = ana.locator('button[data-decision="request_changes"]');
    await until(() => ask.isDisabled()).toBe(true);
    await ana.locator('textarea').fill('Add AU6: the cheeks rise.');
    await ask.click();
    await until(() => ana.getByTestId('sign-off').textContent()).toContain('Changes requested');

    // Her own label on event 3: no decision, a visible reason.
    await queue.getByRole('button', { name: '#3' }).click();
    const own = page.getByTestId('review-event').getByTestId('label-column').filter({ has: page.locator('h2', { hasText: 'rita' }) });
    await until(() => own.getByTestId('own-label').textContent()).toBe('Your own label: another reviewer decides on it.');
    expect(await own.locator('button[data-decision]').count()).toBe(0);
    await screenshot('lifecycle-review-own-en');

    await workAs('ana');
    await until(() => page.getByTestId('nav-counts').getAttribute('aria-label')).toBe('0 to do · 2 submitted · 1 changes requested');
    await nav('corpus');
    await page.getByTestId('clip-queue').locator('tr[data-clip="2"]').getByRole('button', { name: 'Annotate' }).click();
    await until(() => lifecycle().getAttribute('data-event')).toBe('2');
    await until(() => page.getByTestId('review-feedback').textContent()).toBe('rita: Changes requestedAdd AU6: the cheeks rise.');
    expect(await lifecycle().getByTestId('submit').textContent()).toBe('Resubmit');
    await page.locator('input[name="facs"]').fill('1+2+6');
    await screenshot('lifecycle-changes-requested-en');
    await lifecycle().getByTestId('submit').click();
    await until(() => lifecycle().getAttribute('data-status')).toBe('submitted');
    expect(await stored(2)).toMatchObject({ aus: '1+2+6', status: 'submitted' });

    await workAs('rita');
    await queue.getByRole('button', { name: '#2' }).click();
    await ana.locator('textarea').fill('Good.');
    await ana.locator('button[data-decision="approve"]').click();
    await until(() => ana.getByTestId('sign-off').textContent()).toContain('signed off');
    expect(await stored(2)).toMatchObject({ aus: '1+2+6', status: 'approved', locked: true });
    expect(await stored(3, 'rita')).toMatchObject({ status: 'submitted' });
  });

  it('shows the lifecycle in Simplified Chinese', async () => {
    const { page, services } = app();
    await services.settings.update({ language: 'zh-CN', annotator: 'ana' });
    await page.reload();
    await nav('corpus');
    await page.getByTestId('clip-queue').locator('tr[data-clip="1"]').getByRole('button', { name: '标注', exact: true }).click();
    await until(() => lifecycle().getByTestId('withdraw').textContent()).toBe('撤回');
    await screenshot('lifecycle-annotate-zh-CN');
    await nav('corpus');
    await until(() => page.getByTestId('queue-counts').textContent()).toBe('待标注 0 · 已提交 2 · 需修改 0');
    await screenshot('lifecycle-queue-zh-CN');
    // The reviewer's queue beside an event at 1280×720: no header word breaks across lines, and each row's frames stay on one line.
    await services.settings.update({ language: 'zh-CN', annotator: 'rita' });
    await page.reload();
    await nav('review');
    const queue = page.getByTestId('review-queue');
    await until(() => queue.locator('tbody tr').count()).toBeGreaterThan(0);
    await queue.locator('tbody tr').first().locator('button').click();
    await page.getByTestId('review-event').waitFor();
    await screenshot('lifecycle-review-zh-CN');
    const lines = await queue.evaluate((table) =>
      [...table.querySelectorAll('th, tbody td:nth-child(3)')].map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return `${cell.textContent} ${tops.size}`;
      }),
    );
    expect(lines.filter((line) => !line.endsWith(' 1'))).toEqual([]);
    expect(lines.slice(0, 4)).toEqual(['事件 1', '片段 1', '起始 / 顶点 / 结束 1', '标注 1']);
    expect(app().errors).toEqual([]);
  });
});
