/**
 * The review queue of spotted intervals in Annotate, in Chromium on the built renderer:
 * a recording whose analysis spotted three intervals (two analysed into events, one
 * not), a blink, an interval read as that blink, a gaze shift and a bout of speech, filmed at 200 fps in a 30-fps file. The queue lists them strongest
 * first with class, frames, duration and AUs; clicking seeks, N steps, X dismisses and
 * Accept makes an event of the interval that had none. In English and 简体中文.
 *
 * The analysis rows are written by the pipeline's own report and store functions
 * (test/helpers/stored-analysis.ts) with the intervals set by hand: this shows the
 * queue, not the spotting that fills it (test/integration/capture-rate.test.ts does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-candidates-'));
let page: Page;
let file: string;

/** Strength order 9, 4, 2: the queue shows onset 5, then 25, then 45. */
const INTERVALS = [
  { onset: 25, apex: 32, offset: 50, kind: 'macro' as const, strength: 4, duration_ms: 750, offset_unclear: false, facs: 'L12B' },
  { onset: 5, apex: 9, offset: 15, kind: 'micro' as const, strength: 9, duration_ms: 50, offset_unclear: false, facs: '1C+2C' },
  { onset: 45, apex: 48, offset: 55, kind: 'micro' as const, strength: 2, duration_ms: 50, offset_unclear: false },
];

/** A gaze shift and speech between the intervals: listed and drawn as non-expressions. */
const CONFOUNDERS = [
  { cause: 'saccade' as const, onset: 16, apex: 17, offset: 20, reason: 'gaze shift: only the eye region moved, once, and held' },
  { cause: 'speech' as const, onset: 21, apex: 22, offset: 24, reason: 'speech: the lips and jaw opened and closed 3 times' },
];

/** A spotted interval whose analysis read the blink it peaks on: never offered, listed apart. */
const READ_AS_BLINK = [{ onset: 52, apex: 57, offset: 59, facs: '1B+2B+45D' }];

const app = useAppPage();

beforeAll(async () => {
  const clipPath = writeIndexClip(dir, 60);
  file = join(dir, 'queue.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 60, width: 160, height: 120, captureFps: 200 });
  for (const iv of INTERVALS.slice(0, 2)) {
    const event = await ws.events.create({ clipId: clip.id, onset: iv.onset, apex: iv.apex, offset: iv.offset, source: 'spotting' });
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, iv);
    const spotting = { ...row.spotting, source: 'spotting' as const, capture_fps: 200, intervals: INTERVALS, blinks: [{ onset: 56, apex: 57, offset: 59 }], confounders: CONFOUNDERS, read_as_blink: READ_AS_BLINK };
    await ws.analyses.add(event.id, [], { ...row, spotting, expression: { ...row.expression, kind: iv.kind, duration_ms: iv.duration_ms } }, {}, null);
  }
  await ws.close();
  page = app().page;
  page.setDefaultTimeout(15_000);
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const frameNumber = () => page.getByTestId('frame-number').textContent();
const rows = () => page.getByTestId('candidate-row');
const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

/** The queue's rows and Dismiss buttons the deletion notice lies over, where they show inside the scrolled list. */
const noticeCovers = () =>
  page.evaluate(() => {
    const notice = document.querySelector('[data-testid="deletion-notice"]')!.getBoundingClientRect();
    const list = document.querySelector('ol.candidates')!.getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="candidate-row"], [data-testid="candidate-dismiss"]')].flatMap((element, i) => {
      const r = element.getBoundingClientRect();
      const top = Math.max(r.top, list.top);
      const bottom = Math.min(r.bottom, list.bottom);
      const shown = bottom > top && r.height > 0;
      const under = r.left < notice.right && r.right > notice.left && top < notice.bottom && bottom > notice.top;
      return shown && under ? [`${element.getAttribute('data-testid')} ${i}`] : [];
    });
  });

/** The notice's text (not cut short), Undo and close button lie whole inside the window (which it does not widen), on one line each, and the top bar's brand and tabs stay on one line beside it. */
const noticeWhole = () =>
  page.evaluate(() => {
    const notice = document.querySelector('[data-testid="deletion-notice"]')!;
    const text = notice.querySelector('span')!;
    const parts = [notice, ...notice.children].map((element) => element.getBoundingClientRect());
    const shell = document.querySelector('.shell')!;
    const fits = shell.getBoundingClientRect().width <= innerWidth && shell.scrollWidth <= innerWidth && document.querySelector('.help-button')!.getBoundingClientRect().right <= innerWidth;
    const inWindow = fits && parts.every((r) => r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight && r.height > 0 && r.height <= 40);
    const oneLine = [...document.querySelectorAll('.topbar .brand, .topbar nav button')].every((element) => element.getBoundingClientRect().height < 44 && element.getClientRects().length === 1 && element.scrollWidth <= element.clientWidth + 1);
    const brandOneLine = document.querySelector('.topbar .brand')!.getBoundingClientRect().height < 30;
    return { inWindow, oneLine: oneLine && brandOneLine, textWhole: text.scrollWidth <= text.clientWidth };
  });

describe('the spotted-interval queue in Annotate', () => {
  it('lists the intervals strongest first with class, frames, duration at the capture rate and AUs; blinks, gaze shifts and speech apart', async () => {
    await page.locator('[data-view="corpus"]').click();
    // Filmed at 200 fps in a 30-fps file: the capture rate to edit, and the file's rate once beside it.
    await page.getByTestId('file-fps').waitFor();
    expect(await page.locator('td[data-column="fps"]').textContent()).toBe('file: 30');
    expect(await page.locator('input[name^="captureFps-"]').inputValue()).toBe('200');
    await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await page.getByTestId('frame-number').waitFor();
    await rows().first().waitFor();
    expect(await page.getByTestId('candidate-order').textContent()).toBe(' · most likely first');
    expect(await page.getByTestId('candidate-order').getAttribute('title')).toBe('Ordered by score: the interval’s motion and AU evidence');
    // Nobody labelled the opening event: no provenance to state.
    await page.getByTestId('label-status').waitFor();
    expect(await page.getByTestId('annotation-provenance').count()).toBe(0);
    expect(await rows().count()).toBe(3);
    expect(await rows().evaluateAll((list) => list.map((li) => li.getAttribute('data-kind')))).toEqual(['micro', 'macro', 'micro']);
    await page.getByRole('button', { name: 'Interval 1: micro-expression, frames 5 / 9 / 15, 50 ms, AUs 1C+2C' }).waitFor();
    await page.getByRole('button', { name: 'Interval 2: macro-expression, frames 25 / 32 / 50, 750 ms, AUs L12B' }).waitFor();
    await page.getByRole('button', { name: 'Interval 3: micro-expression, frames 45 / 48 / 55, 50 ms, AUs not analysed' }).waitFor();
    expect(await page.getByTestId('candidate-summary').textContent()).toBe('3 intervals, 3 to review · durations at 200 fps');
    // An interval that already is an event is not offered "as event" again: its action keeps that event.
    await expect.poll(() => page.getByTestId('candidate-accept').allTextContents()).toEqual(['Keep event', 'Keep event', 'Accept as event']);
    expect(await page.getByTestId('candidate-accept').first().getAttribute('title')).toBe('This interval is already an event: keep it for labelling');
    // Set aside by kind, each at its time in the file (30 fps) with its frames in its name.
    const setAside = await page.getByTestId('non-expression').evaluateAll((list) => list.map((b) => b.getAttribute('aria-label')));
    expect(setAside).toEqual(['Blink at 0:01.9, frames 56–59', 'Interval read as a blink at 0:01.7, frames 52–59', 'Gaze shift at 0:00.5, frames 16–20', 'Speech at 0:00.7, frames 21–24']);
    // The interval read as a blink says why and what was read, and goes to its onset; it is no candidate.
    const readAsBlink = page.getByRole('button', { name: 'Interval read as a blink at 0:01.7, frames 52–59' });
    expect(await readAsBlink.getAttribute('title')).toBe('Interval read as a blink at 0:01.7, frames 52–59 — read as a blink: its AUs 1B+2B+45D are the blink and its spill');
    await page.getByRole('group', { name: 'Read as a blink (not offered):' }).waitFor();
    await readAsBlink.click();
    await expect.poll(frameNumber).toBe('52');
    expect(await rows().count()).toBe(3);
    // The timeline draws each interval in its class's colour along its bottom edge, the blink, gaze shift and speech in greys.
    const bandColour = (frame: number) =>
      page.evaluate((at) => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="timeline"] canvas')!;
        const ratio = canvas.width / canvas.getBoundingClientRect().width;
        const x = Math.round(((at + 0.5) / 60) * canvas.width);
        return [...canvas.getContext('2d')!.getImageData(Math.min(x, canvas.width - 1), Math.round(canvas.height - 2 * ratio), 1, 1).data.slice(0, 3)];
      }, frame);
    await expect.poll(() => bandColour(35)).toEqual([0xff, 0xb5, 0x47]);
    expect(await bandColour(10)).toEqual([0x4f, 0xb3, 0xff]);
    expect(await bandColour(57)).toEqual([0x98, 0xa2, 0xb3]);
    expect(await bandColour(18)).toEqual([0x7c, 0x85, 0x95]);
    expect(await bandColour(22)).toEqual([0xb8, 0xbf, 0xcc]);
    // The selected event's suggestion says which class it is.
    expect(await page.getByTestId('suggestion-class').textContent()).toBe('micro · 50 ms');
    expect(await page.getByTestId('suggestion-class').getAttribute('aria-label')).toBe('Micro-expression: 50 ms onset → offset at 200 fps');
  });

  it('seeks on click, steps with N, dismisses with X, accepts an interval without an event as a new event', async () => {
    await rows().nth(1).locator('.candidate-open').click();
    await expect.poll(frameNumber).toBe('25');
    await expect.poll(() => page.getByTestId('suggestion-class').getAttribute('data-kind')).toBe('macro');
    // The event's frames are the spotted ones: said, but not offered to take again.
    await page.getByTestId('spotted-frames').waitFor();
    expect(await page.getByTestId('spotted-frames').getByRole('button').count()).toBe(0);
    await page.locator('body').press('n');
    await expect.poll(frameNumber).toBe('45');
    expect(await rows().nth(2).getAttribute('data-current')).toBe('true');
    await page.locator('body').press('x');
    await expect.poll(() => rows().nth(2).getAttribute('data-decision')).toBe('dismissed');
    // Dismissed: the queue moves on to the next still to review (wrapping to the top).
    await expect.poll(frameNumber).toBe('5');
    const events = () => page.evaluate(async () => ((await (await fetch('/api/events.list', { method: 'POST', body: JSON.stringify({ clipId: 1 }) })).json()) as { data: unknown[] }).data.length);
    expect(await events()).toBe(2);
    // Changing one's mind: the dismissed interval (it has no event yet) is accepted after all.
    await rows().nth(2).getByTestId('candidate-accept').click();
    await expect.poll(() => rows().nth(2).getAttribute('data-decision')).toBe('accepted');
    await expect.poll(events).toBe(3);
    expect(await page.getByTestId('candidate-summary').textContent()).toMatch(/^3 intervals, 2 to review/);
    await screenshot('ui-candidate-queue-en');
    // The page still fits the window.
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
  });

  it('dismissing a spotted interval takes its event out of the workspace (undoable), and a reload still shows it dismissed', async () => {
    const events = () => page.evaluate(async () => ((await (await fetch('/api/events.list', { method: 'POST', body: JSON.stringify({ clipId: 1 }) })).json()) as { data: { onset: number }[] }).data.map((e) => e.onset).sort((a, b) => a - b));
    expect(await events()).toEqual([5, 25, 45]);
    // The strongest interval (onset 5) is a false alarm: its spotted event must not stay to be counted and exported.
    await rows().nth(0).locator('.candidate-open').click();
    await expect.poll(frameNumber).toBe('5');
    await page.locator('body').press('x');
    await expect.poll(() => rows().nth(0).getAttribute('data-decision')).toBe('dismissed');
    await expect.poll(events).toEqual([25, 45]);
    // Undo brings the event back and the interval is to review again.
    await page.locator('body').press('Control+z');
    await expect.poll(events).toEqual([5, 25, 45]);
    await expect.poll(() => rows().nth(0).getAttribute('data-decision')).toBeNull();
    await rows().nth(0).getByTestId('candidate-dismiss').click();
    await expect.poll(events).toEqual([25, 45]);
    // The deletion notice at the window's smallest size hides no row of the queue nor its Dismiss button, the last one scrolled to included.
    await page.getByTestId('deletion-notice').waitFor();
    await page.locator('ol.candidates').evaluate((list) => list.scrollTo(0, list.scrollHeight));
    await screenshot('ui-candidate-queue-deletion-notice');
    expect(await noticeCovers()).toEqual([]);
    expect(await noticeWhole()).toEqual({ inWindow: true, oneLine: true, textWhole: true });
    // The workspace reopened: the decision was kept, not only the page's memory of it.
    await page.reload();
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await rows().first().waitFor();
    await expect.poll(() => rows().nth(0).getAttribute('data-decision')).toBe('dismissed');
    // The interval accepted before as a new event is still accepted: the user made that event.
    expect(await rows().nth(2).getAttribute('data-decision')).toBe('accepted');
    expect(await page.getByTestId('candidate-summary').textContent()).toMatch(/^3 intervals, 1 to review/);
    await screenshot('ui-candidate-queue-dismissed-reopened');
  });

  it('dismissing an interval someone labelled asks first, says how many labels go with it, and keeps them on Keep', async () => {
    const onsets = () => page.evaluate(async () => ((await (await fetch('/api/events.list', { method: 'POST', body: JSON.stringify({ clipId: 1 }) })).json()) as { data: { onset: number }[] }).data.map((e) => e.onset).sort((a, b) => a - b));
    const macroId = await page.evaluate(async () => ((await (await fetch('/api/events.list', { method: 'POST', body: JSON.stringify({ clipId: 1 }) })).json()) as { data: { id: number; onset: number }[] }).data.find((e) => e.onset === 25)!.id);
    // The coder labels the macro interval's event (its AUs), as the AU panel would save it.
    const saved = await page.evaluate(
      async (eventId) => (await fetch('/api/annotations.save', { method: 'POST', body: JSON.stringify({ eventId, annotator: 'e2e-coder', aus: '12B', emotion: 'happiness' }) })).ok,
      macroId,
    );
    expect(saved).toBe(true);
    await rows().nth(1).getByTestId('candidate-dismiss').click();
    const confirm = page.getByTestId('dismiss-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('your label');
    await screenshot('ui-candidate-dismiss-confirm-en');
    // Nothing was deleted while asking; Keep leaves the event and its label as they were.
    expect(await onsets()).toEqual([25, 45]);
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await onsets()).toEqual([25, 45]);
    expect(await rows().nth(1).getAttribute('data-decision')).toBeNull();
    // X asks as well; confirming deletes the event with its label, and undo brings both back.
    await rows().nth(1).locator('.candidate-open').click();
    await page.locator('body').press('x');
    await confirm.getByRole('button', { name: /Dismiss and delete/ }).click();
    await expect.poll(onsets).toEqual([45]);
    await expect.poll(() => rows().nth(1).getAttribute('data-decision')).toBe('dismissed');
    await page.locator('body').press('Control+z');
    await expect.poll(onsets).toEqual([25, 45]);
    const label = await page.evaluate(
      async (eventId) => ((await (await fetch('/api/annotations.get', { method: 'POST', body: JSON.stringify({ eventId }) })).json()) as { data: { aus: string }[] }).data.map((a) => a.aus),
      macroId,
    );
    expect(label).toEqual(['12B']);
  });

  it('speaks 简体中文', async () => {
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('candidate-queue').waitFor();
    await page.getByRole('heading', { name: '检出区间' }).waitFor();
    await page.getByRole('button', { name: '区间 1：微表情，帧 5 / 9 / 15，50 毫秒，AU 1C+2C' }).waitFor();
    expect(await page.getByTestId('candidate-accept').allTextContents()).toEqual(['接受为事件', '保留事件', '保留事件']);
    const setAside = await page.getByTestId('non-expression').evaluateAll((list) => list.map((b) => b.getAttribute('aria-label')));
    expect(setAside).toEqual(['眨眼，0:01.9，帧 56–59', '判读为眨眼的区间，0:01.7，帧 52–59', '视线转移，0:00.5，帧 16–20', '说话，0:00.7，帧 21–24']);
    await screenshot('ui-candidate-queue-zh-CN');
    // The deletion notice in Chinese, after a dismiss: still clear of every row, whole and on one line.
    await rows().nth(2).getByTestId('candidate-dismiss').click();
    await page.getByTestId('deletion-notice').getByRole('button', { name: '撤销' }).waitFor();
    await page.locator('ol.candidates').evaluate((list) => list.scrollTo(0, list.scrollHeight));
    await screenshot('ui-candidate-queue-deletion-notice-zh-CN');
    expect(await noticeCovers()).toEqual([]);
    expect(await noticeWhole()).toEqual({ inWindow: true, oneLine: true, textWhole: true });
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    expect(app().errors).toEqual([]);
  });
});
