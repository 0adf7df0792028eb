/**
 * A clinician's recording on a 1280×720 screen: eight spotted intervals with long AU codes
 * and forty blinks and gaze shifts set aside. The queue must leave the frame room enough
 * to judge a face by, and every row keeps its buttons on one line.
 *
 * The analysis rows are written by the pipeline's own report and store functions
 * (test/helpers/stored-analysis.ts) with the intervals set by hand: this shows the
 * layout, not the spotting that fills it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotateFirstClip, openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';
import { evenIntervals, writeSpottedRecording } from '../helpers/spotted-recording';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-queue-layout-'));
const FRAMES = 300;
const INTERVALS = evenIntervals(8, 10, 35, 'R1E+R2E+4C+R5B+9A+R10B+R25D', (i) => (i % 3 === 2 ? 'macro' : 'micro'));
const BLINKS = Array.from({ length: 40 }, (_, i) => ({ onset: i * 7, apex: i * 7 + 1, offset: i * 7 + 3 }));

const app = useAppPage({ width: 1280, height: 720 });

beforeAll(async () => {
  const file = join(dir, 'session.mellm');
  await writeSpottedRecording(file, { path: writeIndexClip(dir, FRAMES, 320, 240), frames: FRAMES, width: 320, height: 240 }, INTERVALS, BLINKS);
  await openWorkspaceAs(app().page, app().bridge.url, file, { annotator: 'clinician', language: 'en' });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the spotted-interval queue of a recording at 1280×720', () => {
  it('leaves the frame at least a third of the window and keeps each row on one line', async () => {
    const page = app().page;
    page.setDefaultTimeout(15_000);
    await annotateFirstClip(page);
    const rows = page.getByTestId('candidate-row');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(8);
    await page.getByTestId('non-expressions').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'ui-session-queue-1280x720.png') });
    const stage = (await page.locator('.frame-stage').boundingBox())!;
    expect(stage.height, JSON.stringify(stage)).toBeGreaterThanOrEqual(240);
    // One line a row: the Accept and Dismiss buttons side by side, not stacked.
    const accept = (await rows.first().getByTestId('candidate-accept').boundingBox())!;
    const dismiss = (await rows.first().getByTestId('candidate-dismiss').boundingBox())!;
    expect(Math.abs(accept.y - dismiss.y)).toBeLessThan(4);
    // A decided row says so beside its codes, still without pushing its buttons out of the list.
    await rows.first().getByTestId('candidate-dismiss').click();
    await expect.poll(() => rows.first().getAttribute('data-decision')).toBe('dismissed');
    const list = page.locator('ol.candidates');
    expect(await list.evaluate((ol) => ol.scrollWidth - ol.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-session-queue-1280x720-decided.png') });
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
    expect(app().errors).toEqual([]);
  });

  it('shows four whole rows with their buttons, keeps the row under review in view, in English and 简体中文', async () => {
    const page = app().page;
    const rows = page.getByTestId('candidate-row');
    for (const language of ['en', 'zh-CN']) {
      if (language !== 'en') {
        await page.locator('[data-view="settings"]').click();
        await page.locator('select[name="language"]').selectOption(language);
        await page.locator('[data-view="annotate"]').click();
        await rows.first().waitFor();
      }
      await page.locator('ol.candidates').evaluate((ol) => ol.scrollTo(0, 0));
      // Whole rows in the list's box, each with its Dismiss button inside it too.
      expect(await wholeRows(page), language).toBeGreaterThanOrEqual(4);
      const stage = (await page.locator('.frame-stage').boundingBox())!;
      expect(stage.height, language).toBeGreaterThanOrEqual(240);
      // Stepping past the list's bottom edge brings the row under review into view.
      await rows.nth(0).locator('.candidate-open').click();
      for (let i = 0; i < 7; i += 1) await page.locator('body').press('n');
      await expect.poll(() => rows.nth(7).getAttribute('data-current')).toBe('true');
      await expect.poll(() => isWhole(page, 7)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `ui-session-queue-1280x720-rows-${language}.png`) });
      expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
    }
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    expect(app().errors).toEqual([]);
  });
});

/** Whether row `index` and its Dismiss button lie wholly inside the list's visible box. */
function isWhole(page: Page, index: number): Promise<boolean> {
  return page.evaluate((at) => {
    const box = document.querySelector('ol.candidates')!.getBoundingClientRect();
    const row = document.querySelectorAll('[data-testid="candidate-row"]')[at]!;
    const inside = (r: DOMRect) => r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.right <= box.right + 1;
    return inside(row.getBoundingClientRect()) && inside(row.querySelector('[data-testid="candidate-dismiss"]')!.getBoundingClientRect());
  }, index);
}

async function wholeRows(page: Page): Promise<number> {
  let whole = 0;
  for (let i = 0; i < 8; i += 1) if (await isWhole(page, i)) whole += 1;
  return whole;
}
