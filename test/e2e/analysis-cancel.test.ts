/**
 * A long recording's Analyse in Annotate, in Chromium on the built renderer: the running
 * analysis offers Cancel; leaving Annotate and coming back shows the same job's progress
 * (the job runs on in the main process) instead of an idle Analyse button; Cancel stops
 * it, says so, and leaves Analyse ready to start again.
 *
 * The recording is a still photo of real faces (face-api's sample3, MIT) held for 40 s:
 * spotting it whole takes far longer than the test waits, so the job is still running
 * when the test leaves and cancels. What spotting finds in it is not looked at.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { openWorkspaceAs, useAppPage } from '../helpers/app-page';
import { ARTIFACTS } from '../helpers/browser';
import { SAMPLES } from '../helpers/faces';
import { ffmpeg } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'mellm-e2e-cancel-'));
const SECONDS = 40;
let page: Page;

const app = useAppPage();

beforeAll(async () => {
  const clipPath = join(dir, 'session.mp4');
  ffmpeg(['-loop', '1', '-framerate', '30', '-i', join(SAMPLES, 'sample3.jpg'), '-t', String(SECONDS), '-vf', 'scale=320:240,format=yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', clipPath]);
  const file = join(dir, 'cancel.mellm');
  const ws = await createWorkspace(file);
  await ws.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: SECONDS * 30, width: 320, height: 240 });
  await ws.close();
  page = app().page;
  page.setDefaultTimeout(20_000);
  await openWorkspaceAs(page, app().bridge.url, file, { annotator: 'e2e-coder', language: 'en' });
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const openInAnnotate = async () => {
  await page.locator('[data-view="corpus"]').click();
  // Filmed at its file's rate: the rate is shown once, as the capture rate to edit.
  await page.locator('input[name^="captureFps-"]').waitFor();
  expect(await page.getByTestId('file-fps').count()).toBe(0);
  await page.getByTestId('clip-queue').getByRole('button', { name: 'Annotate' }).first().click();
  await page.getByTestId('frame-number').waitFor();
};
const analysisJobs = () => app().services.jobs.list().filter((job) => job.kind === 'analysis');

describe('a running analysis in Annotate', () => {
  it('offers Cancel, is followed again after leaving and coming back, and says when it was cancelled', async () => {
    await openInAnnotate();
    const analyse = page.getByTestId('analyse');
    await expect.poll(() => analyse.getAttribute('data-scope')).toBe('recording');
    await analyse.click();
    const cancel = page.getByTestId('analyse-cancel');
    await cancel.waitFor();
    // The job names its stage and count once it reports (the face stage loads its models first).
    await page.getByTestId('analyse-progress').waitFor({ timeout: 90_000 });
    expect(analysisJobs().map((job) => job.state)).toEqual(['running']);

    // Leave for the Corpus view and come back: the same job, still running, with its progress.
    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').waitFor();
    await page.locator('[data-view="annotate"]').click();
    await cancel.waitFor();
    await page.getByTestId('analyse-progress').waitFor();
    expect(await analyse.isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-analysis-running-again-en.png') });

    await cancel.click();
    await page.getByTestId('analysis-cancelled').waitFor();
    expect(await page.getByTestId('analysis-cancelled').textContent()).toBe('Analysis cancelled. Analyse starts it again.');
    await expect.poll(() => analysisJobs().map((job) => job.state)).toEqual(['cancelled']);
    expect(await analyse.isDisabled()).toBe(false);
    expect(await cancel.count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'ui-analysis-cancelled-en.png') });
    expect(app().errors).toEqual([]);
  }, 180_000);

  it('follows the recording again when the clip has an event by then (the view opens on the event)', async () => {
    const analyse = page.getByTestId('analyse');
    await analyse.click();
    const cancel = page.getByTestId('analyse-cancel');
    await page.getByTestId('analyse-progress').waitFor({ timeout: 90_000 });
    // While the recording is analysed the coder marks an event of their own.
    await page.getByRole('button', { name: 'New event at the current frame' }).click();
    await page.getByTestId('delete-event').waitFor();

    await page.locator('[data-view="corpus"]').click();
    await page.getByTestId('clip-queue').waitFor();
    await page.locator('[data-view="annotate"]').click();
    await page.getByTestId('delete-event').waitFor();
    // The recording's job is still running: its progress and Cancel show beside the selected event.
    expect(analysisJobs().filter((job) => job.state === 'running').map((job) => job.subject?.eventId)).toEqual([null]);
    await cancel.waitFor();
    await page.getByTestId('analyse-progress').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'ui-analysis-recording-again-with-event-en.png') });
    await cancel.click();
    await expect.poll(() => analysisJobs().map((job) => job.state)).toEqual(['cancelled', 'cancelled']);
    expect(app().errors).toEqual([]);
  }, 180_000);
});
