/**
 * Under the Annotate suggestion, in Chromium on the built renderer: the regions an eyeglass
 * frame covers and that were read beside the rim (a cheek below the lens's rim, a brow above
 * the top rim) and a region occluded and not read, one line per kind, in English and 简体中文.
 * The analysis row is written by the pipeline's own report and store functions
 * (test/helpers/stored-analysis.ts) with the ROI reports marked by hand: this shows the
 * display, not the reading (test/unit/roi-read-beside-rim.test.ts does).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoiReport } from '../../src/shared/api/analysis';
import { createWorkspace } from '../../src/main/store';
import { annotateFirstClip, openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';
import { storedAnalysisRow } from '../helpers/stored-analysis';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-e2e-roi-notes-');
let page: Page;
const app = useAppPage();

const MARKS: Readonly<Record<string, Partial<RoiReport>>> = {
  'Left Cheek': { read_from: 'below-rim' },
  'Right Cheek': { read_from: 'below-rim' },
  'Left Inner Eyebrow': { read_from: 'above-rim' },
  'Right Inner Eyebrow': { occluded: 'glasses' },
};

/** What each language says, one line per kind in the ROI order. */
const SAID = {
  en: [
    ['below-rim', "AUs read below the glasses' rim: Left Cheek, Right Cheek"],
    ['above-rim', "AUs read above the glasses' rim: Left Inner Eyebrow"],
    ['occluded-glasses', 'Occluded by glasses, not read: Right Inner Eyebrow'],
  ],
  'zh-CN': [
    ['below-rim', 'AU 在眼镜框下缘之下读取：左脸颊、右脸颊'],
    ['above-rim', 'AU 在眼镜框上缘之上读取：左眉内侧'],
    ['occluded-glasses', '被眼镜遮挡，不予读取：右眉内侧'],
  ],
} as const;

beforeAll(async () => {
  const dir = tempDir();
  const clipPath = writeIndexClip(dir, 60);
  const file = join(dir, 'notes.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 60, width: 160, height: 120 });
  const event = await ws.events.create({ clipId: clip.id, onset: 10, apex: 20, offset: 40, source: 'manual' });
  const row = storedAnalysisRow({ 'Left Cheek': [0, -1], 'Right Cheek': [0, -1], 'Left Mouth Corner': [-2, -2], 'Right Mouth Corner': [2, -2] });
  const rois = row.expression.rois.map((roi) => ({ ...roi, ...MARKS[roi.region] }));
  await ws.analyses.add(event.id, [], { ...row, expression: { ...row.expression, rois } }, {}, null);
  await ws.close();
  page = app().page;
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
  page.setDefaultTimeout(15_000);
}, 120_000);

const notes = () => page.getByTestId('roi-note').evaluateAll((list) => list.map((li) => [li.getAttribute('data-note'), li.textContent]));

describe('where the analysis read a region under an eyeglass frame', () => {
  it('says it under the suggestion, one line per kind, in English and 简体中文', async () => {
    await annotateFirstClip(page);
    for (const language of ['en', 'zh-CN'] as const) {
      await page.locator('[data-view="settings"]').click();
      await page.locator('select[name="language"]').selectOption(language);
      await page.locator('[data-view="annotate"]').click();
      await page.getByTestId('roi-notes').waitFor();
      await expect.poll(notes).toEqual(SAID[language]);
      await page.getByTestId('roi-notes').screenshot({ path: join(ARTIFACTS, `ui-roi-notes-${language}.png`) });
    }
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
  });
});
