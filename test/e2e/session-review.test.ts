/**
 * Reviewing a recording in Annotate after its analysis, in Chromium on the built renderer:
 *
 * - a 30-s recording whose spotting offered one interval and set aside nine blinks and a
 *   gaze shift: the queue still lists them all, each with its time and a click that goes
 *   there, and the timeline's axis sits just above the highest peak with the threshold
 *   drawn (en and 简体中文);
 * - the navigation's counts follow a change another window makes to the workspace;
 * - a recording opened without any event is analysed whole by Analyse, its strongest
 *   interval is opened and the counts follow the events it spotted; a run that offered
 *   nothing (a still face that blinks) says so, lists the blink it set aside and draws its
 *   curve, and still does after a reload and a reopen; Corpus says the recording was
 *   spotted and "Analyse all" does not count it (en and 简体中文).
 *
 * The 30-s recording's analysis row is written by the pipeline's own report and store
 * functions with intervals, blinks and curve set by hand (its video is an index clip, a
 * flat colour per frame): this shows the review, not the spotting that fills it. The
 * whole-recording analysis is real (face, flow, spotting on a synthetic AU1+2 clip of a
 * real face photo, and a 3-s still face with one blink); it cannot show a long recording's
 * speed or what a real face spots.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { writeIndexClip } from '../helpers/index-clip';
import { storedAnalysisRow } from '../helpers/stored-analysis';
import { meClip, sampleFace, writeMeClipVideo } from '../helpers/synth-clip';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-session-review-'));
let page: Page;
let file: string;
let synthPath: string;
let stillPath: string;
let unspottedPath: string;

const FRAMES = 900;
/** The one offered interval. */
const INTERVAL = { onset: 400, apex: 405, offset: 412, kind: 'micro' as const, strength: 3.16, score: 0.6, duration_ms: 400, offset_unclear: false, facs: 'L12B' };
const BLINK_ONSETS = [30, 120, 210, 300, 480, 560, 650, 740, 830];
const BLINKS = BLINK_ONSETS.map((onset) => ({ onset, apex: onset + 3, offset: onset + 6 }));
const GAZE_SHIFT = { cause: 'saccade' as const, onset: 360, apex: 361, offset: 364, reason: 'gaze shift: only the eye region moved, once, and held' };
/** The score in quiet deviations: the interval peaks at 25.3, a blink's residue at 10; the threshold is 8. */
const CURVE = Array.from({ length: FRAMES }, (_, t) => (t === 405 ? 25.3 : t === 303 ? 10 : 1));

const app = useAppPage();

beforeAll(async () => {
  synthPath = await writeMeClipVideo(join(dir, 'synth-me'));
  stillPath = await writeStillBlink(join(dir, 'still'));
  const clipPath = writeIndexClip(dir, FRAMES);
  unspottedPath = writeIndexClip(mkdtempSync(join(dir, 'unspotted-')), 120);
  file = join(dir, 'session.mellm');
  const ws = await createWorkspace(file);
  const clip = await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: FRAMES, width: 160, height: 120 });
  const event = await ws.events.create({ clipId: clip.id, onset: INTERVAL.onset, apex: INTERVAL.apex, offset: INTERVAL.offset, source: 'spotting' });
  const row = storedAnalysisRow({ 'Left Mouth Corner': [-2, -2], 'Right Mouth Corner': [2, -2] }, INTERVAL);
  const spotting = { ...row.spotting, source: 'spotting' as const, capture_fps: 30, curve: CURVE, threshold: 8, curve_unit: 'quiet_deviations' as const, intervals: [INTERVAL], blinks: BLINKS, confounders: [GAZE_SHIFT] };
  await ws.analyses.add(event.id, [], { ...row, spotting, expression: { ...row.expression, kind: 'micro', duration_ms: 400 } }, {}, null);
  await ws.close();
  page = app().page;
  page.setDefaultTimeout(15_000);
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 3 s of the sample face holding still but for one blink (frames 40–47), written as `<folder>.mp4`: a recording over 2 s, so its queue shows. */
async function writeStillBlink(folder: string): Promise<string> {
  const face = new FaceService(defaultModelsDir());
  try {
    const clip = meClip(await sampleFace(await face.models()), { aus: [], frames: 90, onset: 10, apex: 12, offset: 14, confounders: { blinks: [{ onset: 40, apex: 43, offset: 47, closure: 1 }] } });
    const { mp4 } = await writeSynthSample(clip, folder, { crf: 12 });
    copyFileSync(mp4 as string, `${folder}.mp4`);
    return `${folder}.mp4`;
  } finally {
    await face.dispose();
  }
}

const frameNumber = () => page.getByTestId('frame-number').textContent();
const setAside = () => page.getByTestId('non-expression');
const todo = () => page.locator('[data-testid="nav-counts"] [data-count="todo"]').textContent();
const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const fits = () => page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight);

describe('reviewing a recording in Annotate', () => {
  it('lists the one offered interval and every blink and gaze shift set aside, each with its time and a click that goes there', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
    await page.getByTestId('frame-number').waitFor();
    await page.getByTestId('candidate-queue').waitFor();
    // The queue shows for any recording over 2 s, before its analysis has arrived: wait for the rows.
    await expect.poll(() => page.getByTestId('candidate-row').count()).toBe(1);
    await expect.poll(() => page.getByTestId('candidate-summary').textContent()).toBe('1 interval, 1 to review · durations at 30 fps');
    await expect.poll(() => setAside().count()).toBe(10);
    // By kind, each in time order, the time on the button and the frames in its name.
    expect(await setAside().evaluateAll((list) => list.map((b) => b.getAttribute('data-kind')))).toEqual([...BLINKS.map(() => 'blink'), 'saccade']);
    expect(await page.getByTestId('non-expressions').textContent()).toBe(
      'Blinks (not expressions):0:01.00:04.00:07.00:10.00:16.00:18.70:21.70:24.70:27.7Gaze shifts (not expressions):0:12.0',
    );
    await page.getByRole('button', { name: 'Blink at 0:01.0, frames 30–36' }).waitFor();
    await page.getByRole('button', { name: 'Gaze shift at 0:12.0, frames 360–364' }).click();
    await expect.poll(frameNumber).toBe('360');
    await page.getByRole('button', { name: 'Blink at 0:27.7, frames 830–836' }).click();
    await expect.poll(frameNumber).toBe('830');
    // The axis sits just above the highest peak (25.3 → 30), with the threshold drawn at 8.
    expect(await page.getByTestId('timeline').getAttribute('data-curve-top')).toBe('30');
    expect(await page.getByTestId('timeline').getAttribute('data-curve-threshold')).toBe('8');
    // The dashed threshold line is painted where 8 of 30 falls in the curve's band (38–92 px down): row 78.
    const orangeOnRow = (row: number) =>
      page.evaluate((y) => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="timeline"] canvas')!;
        const ratio = canvas.width / canvas.getBoundingClientRect().width;
        const from = Math.round(canvas.width * 0.6);
        const { data } = canvas.getContext('2d')!.getImageData(from, Math.floor((y + 0.5) * ratio), Math.round(canvas.width * 0.1), 1);
        let orange = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! > 140 && data[i + 1]! < 210 && data[i + 2]! < 120) orange += 1;
        return orange;
      }, row);
    await expect.poll(() => orangeOnRow(78)).toBeGreaterThan(20);
    expect(await orangeOnRow(70)).toBe(0);
    await screenshot('ui-session-review-en');
    expect(await fits()).toBe(true);
  });

  it('speaks 简体中文', async () => {
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
    await page.getByRole('heading', { name: '检出区间' }).waitFor();
    await page.getByRole('button', { name: '眨眼，0:01.0，帧 30–36' }).waitFor();
    await page.getByRole('button', { name: '视线转移，0:12.0，帧 360–364' }).waitFor();
    await screenshot('ui-session-review-zh-CN');
    expect(await fits()).toBe(true);
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
  });

  it('follows a change another window makes: the navigation counts an event created elsewhere without a view change', async () => {
    await expect.poll(todo).toBe('1');
    await page.evaluate(() => fetch('/api/events.create', { method: 'POST', body: JSON.stringify({ clipId: 1, onset: 600, offset: 610 }) }));
    await expect.poll(todo).toBe('2');
  });

  it('analyses a recording opened without any event as a whole: its spotted intervals become events and the counts follow', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="clip-path"]').fill(synthPath);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await page.getByTestId('frame-number').waitFor();
    expect(await page.locator('.event-list li').count()).toBe(0);
    const analyse = page.getByTestId('analyse');
    await expect.poll(() => analyse.textContent()).toBe('Analyse recording');
    expect(await analyse.isEnabled()).toBe(true);
    await analyse.click();
    await expect.poll(() => page.locator('.event-list li').count(), { timeout: 180_000 }).toBeGreaterThan(0);
    const spotted = await page.locator('.event-list li').count();
    // The strongest interval is opened at its onset (a 1-s clip shows no queue for one interval: the frame keeps the room).
    const spottedEvents = await page.evaluate(async () => ((await (await fetch('/api/events.list', { method: 'POST', body: JSON.stringify({ clipId: 2 }) })).json()) as { data: Array<{ onset: number }> }).data);
    expect(spottedEvents.length).toBe(spotted);
    if (spotted === 1) await expect.poll(frameNumber).toBe(String(spottedEvents[0]!.onset));
    await expect.poll(() => page.getByTestId('candidate-queue').count()).toBe(spotted > 1 ? 1 : 0);
    await expect.poll(() => page.locator('[data-testid="suggestions"] [data-field="aus"] .value').textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/\b1[A-E]?\b/);
    await expect.poll(todo).toBe(String(2 + spotted));
    await screenshot('ui-session-analyse-recording-en');
    expect(await fits()).toBe(true);
    expect(app().errors).toEqual([]);
  }, 240_000);

  it('says so when a whole-recording run offered nothing (a still face), lists what it set aside, and still does after a reload; Analyse all does not count it', async () => {
    const pending = () => page.evaluate(async () => ((await (await fetch('/api/analysis.pending', { method: 'POST', body: '{}' })).json()) as { data: { clips: number } }).data.clips);
    const notAnalysed = async () => Number((await page.getByTestId('analyse-all').textContent())?.match(/\((\d+) not analysed\)/)?.[1]);
    await page.locator('[data-view="corpus"]').click();
    const before = await pending();
    await page.locator('input[name="clip-path"]').fill(stillPath);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await page.getByTestId('frame-number').waitFor();
    expect(await pending()).toBe(before + 1);
    await expect.poll(() => page.getByTestId('suggestion-empty').textContent()).toMatch(/^No event yet: Analyse spots the whole recording/);
    expect(await page.getByTestId('analyse').textContent()).toBe('Analyse recording');
    await page.getByTestId('analyse').click();
    await expect.poll(() => page.getByTestId('suggestion-empty').textContent(), { timeout: 180_000 }).toBe('Spotting offered no interval in this recording.');
    expect(await page.locator('.event-list li').count()).toBe(0);
    // What the run found is shown as the run's, not an event's: the blink set aside, the curve, and Analyse offers to run it again.
    const ranAndKept = async () => {
      await expect.poll(() => page.getByTestId('candidate-summary').textContent()).toMatch(/^No interval offered for review/);
      await expect.poll(() => setAside().evaluateAll((list) => list.map((b) => b.getAttribute('data-kind')))).toContain('blink');
      await expect.poll(() => page.getByTestId('timeline').getAttribute('data-curve-top')).not.toBeNull();
      expect(await page.getByTestId('analyse').textContent()).toBe('Re-analyse recording');
    };
    await ranAndKept();
    await page.getByRole('button', { name: /^Blink at 0:01\.\d, frames (39|4\d)–/ }).click();
    await expect.poll(async () => Number(await frameNumber())).toBeGreaterThanOrEqual(39);
    expect(await pending()).toBe(before);

    // Reload the app and reopen the recording from Corpus: the run was kept.
    await page.reload();
    await page.locator('[data-view="corpus"]').click();
    const row = page.getByTestId('clip-queue').locator('tr', { hasText: 'still.mp4' });
    await expect.poll(() => row.locator('td[data-column="analysed"]').textContent()).toBe('spotted: none offered');
    await expect.poll(notAnalysed).toBe(before);
    await row.getByRole('button', { name: 'Annotate' }).click();
    await page.getByTestId('frame-number').waitFor();
    await expect.poll(() => page.getByTestId('suggestion-empty').textContent()).toBe('Spotting offered no interval in this recording.');
    await ranAndKept();
    await screenshot('ui-session-nothing-offered-en');
    expect(await fits()).toBe(true);

    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.locator('[data-view="annotate"]').click();
    await expect.poll(() => page.getByTestId('suggestion-empty').textContent()).toBe('检测没有在这段录像中给出任何区间。');
    await expect.poll(() => page.getByTestId('analyse').textContent()).toBe('重新分析整段录像');
    await page.getByRole('group', { name: '眨眼（不是表情）：' }).waitFor();
    await screenshot('ui-session-nothing-offered-zh-CN');
    await page.locator('[data-view="corpus"]').click();
    await expect.poll(() => row.locator('td[data-column="analysed"]').textContent()).toBe('已检出：无区间');
    await screenshot('ui-corpus-spotted-zh-CN');
    await page.locator('[data-view="settings"]').click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    // A setting spotting depends on changes: the kept run says it was made under other settings, and is current again when it is restored.
    const classes = (microMaxMs: number) =>
      page.evaluate((ms) => fetch('/api/settings.update', { method: 'POST', body: JSON.stringify({ expressionClasses: { microMaxMs: ms, microOnsetApexMaxMs: 250 } }) }), microMaxMs);
    await classes(450);
    await page.locator('[data-view="annotate"]').click();
    await expect.poll(() => page.getByTestId('candidate-summary').textContent()).toBe(
      'No interval offered for review · durations at 30 fps · spotted under other settings: Re-analyse recording to update',
    );
    await classes(500);
    await expect.poll(() => page.getByTestId('candidate-stale').count()).toBe(0);
    expect(app().errors).toEqual([]);
  }, 240_000);

  it('a recording not yet analysed says so in its queue, never that nothing was offered', async () => {
    await page.locator('[data-view="corpus"]').click();
    await page.locator('input[name="clip-path"]').fill(unspottedPath);
    await page.getByRole('button', { name: 'Add and annotate' }).click();
    await page.getByTestId('frame-number').waitFor();
    await expect.poll(() => page.getByTestId('candidate-summary').textContent()).toBe('Not spotted yet');
  });
});
