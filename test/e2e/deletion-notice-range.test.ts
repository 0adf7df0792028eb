import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { makeIndexedVideo } from '../helpers/media';
import { useTempDir } from '../helpers/tmp';

/**
 * The deletion notice in the top bar at the smallest window (1280×720), in English and
 * 简体中文: an event with a long frame range is deleted and the notice says the whole
 * range — no ellipsis cuts the numbers a person needs to know which event went.
 */

const app = useAppPage({ width: 1280, height: 720 });
const tempDir = useTempDir('mellm-e2e-notice-');

/** Whether the notice's frame range shows whole: nothing of it cut, all of it inside the notice. */
const rangeWhole = (page: Page) =>
  page.getByTestId('deletion-range').evaluate((range) => {
    const box = range.getBoundingClientRect();
    const notice = (range.closest('.deletion-notice') as HTMLElement).getBoundingClientRect();
    const text = range.parentElement as HTMLElement;
    return range.scrollWidth <= range.clientWidth + 1 && box.left >= notice.left && box.right <= text.getBoundingClientRect().right + 0.5 && box.width > 0;
  });

describe('the deletion notice says a long range whole', () => {
  it('en and zh-CN, at 1280×720', async () => {
    const { page, bridge, errors } = app();
    const dir = tempDir();
    const video = makeIndexedVideo(dir, 'session-recording-with-a-long-name.mp4', { frames: 1300, codec: ['-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p'] });
    const workspace = join(dir, 'corpus.mellm');
    const call = <T,>(name: string, payload: unknown) =>
      page.evaluate(
        async ({ name, payload }) => {
          const response = await fetch(`/api/${name}`, { method: 'POST', body: JSON.stringify(payload) });
          const result = (await response.json()) as { ok: boolean; data?: unknown; error?: { message: string } };
          if (!result.ok) throw new Error(`${name}: ${result.error?.message ?? 'refused'}`);
          return result.data;
        },
        { name, payload },
      ) as Promise<T>;
    await page.goto(bridge.url);
    await call('settings.update', { annotator: 'e2e-coder' });
    await call('workspace.create', { path: workspace });
    const opened = await call<{ info: { frames: number; fps: number; width: number; height: number } }>('media.open', { path: video });
    const { frames, fps, width, height } = opened.info;
    const clip = await call<{ id: number }>('clips.add', { path: video, kind: 'video', frames, fps, width, height });

    for (const [language, annotate, range, sentence] of [
      ['en', 'Annotate', 'frames 1012–1234', 'Event deleted (frames 1012–1234)'],
      ['zh-CN', '标注', '第 1012–1234 帧', '事件已删除（第 1012–1234 帧）'],
    ] as const) {
      await call('events.create', { clipId: clip.id, onset: 1012, offset: 1234 });
      await openWorkspaceAs(page, bridge.url, workspace, { annotator: 'e2e-coder', language });
      await page.locator('[data-view="corpus"]').click();
      await page.getByTestId('clip-queue').getByRole('button', { name: annotate, exact: true }).first().click();
      const listed = page.locator('.event-list li button');
      await listed.first().waitFor();
      await listed.first().click();
      await page.getByTestId('delete-event').click();
      const notice = page.getByTestId('deletion-notice');
      await expect.poll(() => page.getByTestId('deletion-range').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, `deletion-notice-range-${language}.png`) });
      expect(await page.getByTestId('deletion-range').textContent()).toBe(range);
      expect(await rangeWhole(page)).toBe(true);
      // The whole sentence for a pointer's title and a screen reader.
      expect(await notice.locator('.deletion-notice-text').getAttribute('title')).toBe(sentence);
      // The undo and dismiss stay on screen beside it.
      for (const button of [page.getByTestId('deletion-undo'), notice.getByRole('button').last()]) {
        const box = await button.boundingBox();
        expect(box && box.x + box.width <= 1280).toBe(true);
      }
    }
    expect(errors).toEqual([]);
  });
});
