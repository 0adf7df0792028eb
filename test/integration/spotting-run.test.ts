/**
 * A whole-recording run is kept for its clip, through the real path: the handler table,
 * a job process running face, flow and spotting on a generated still face that blinks
 * once (no expression), and a real SQLite workspace. The run offers nothing; it is stored
 * with its curve and what it set aside, read back by `analysis.spottingRun` after the
 * workspace is closed and opened again, announced by `workspace.changed`, and "Analyse
 * all" counts the clip as analysed until a setting spotting depends on changes (not the
 * language, which only writes descriptions).
 *
 * What it cannot show: a long recording's session rule (this clip is 3 s, spotted by the
 * clip rule) or what a real face's recording sets aside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import type { WorkspaceChanged } from '../../src/shared/api/events';
import { SpottingRunSchema, type SpottingRun } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';

const FRAMES = 90;
const root = mkdtempSync(join(tmpdir(), 'mellm-spotting-run-'));
let video: string;

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const subject = await sampleFace(await face.models());
    const clip = meClip(subject, { aus: [], frames: FRAMES, onset: 10, apex: 12, offset: 14, confounders: { blinks: [{ onset: 40, apex: 43, offset: 47, closure: 1 }] } });
    video = (await writeSynthSample(clip, join(root, 'still-blink'), { crf: 12 })).mp4 as string;
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function harness(home: string) {
  const services = createServices({ userDataDir: join(root, home) });
  const table = createHandlerTable(services);
  const call = async <T = unknown>(channel: string, payload: unknown = {}): Promise<T> => {
    const result = await dispatch(table, channel, payload, { transport: 'direct' });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.data as T;
  };
  const heard: WorkspaceChanged[] = [];
  const finished = new Map<string, (job: Job) => void>();
  services.events.subscribe((name, payload) => {
    if (name === 'workspace.changed') heard.push(payload as WorkspaceChanged);
    if (name === 'job.finished') finished.get((payload as Job).jobId)?.(payload as Job);
  });
  const done = (jobId: string) => new Promise<Job>((resolve) => finished.set(jobId, resolve));
  return { services, call, heard, done };
}

describe('a whole-recording spotting run that offered nothing', () => {
  it('is stored with its curve and set-aside list, survives a reopen, is announced, and counts as analysed', async () => {
    const file = join(root, 'w.mellm');
    const first = harness('home');
    let run: SpottingRun;
    let clipId: number;
    try {
      await first.call('settings.update', { annotator: 'ana' });
      await first.call('workspace.create', { path: file });
      const { jobId } = await first.call<{ jobId: string }>('analysis.run', { clipPath: video, language: 'en' });
      const job = await first.done(jobId);
      expect(job.state, JSON.stringify(job.error)).toBe('done');
      clipId = (await first.call<Array<{ id: number }>>('clips.list'))[0]!.id;
      expect(await first.call('events.list', { clipId })).toEqual([]);
      expect(first.heard).toContainEqual({ cause: 'analysis', clipId });

      run = SpottingRunSchema.parse(await first.call('analysis.spottingRun', { clipId }));
      expect(run).toMatchObject({ clipId, createdBy: 'ana', current: true, spotting: { intervals: [], source: 'none' } });
      expect(run.appVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(run.settings).toMatchObject({ captureFps: 30, fps: 30, language: 'en', classThresholds: { microMaxMs: 500, microOnsetApexMaxMs: 250 } });
      expect(run.models.length).toBeGreaterThan(0);
      // The curve is the scan's, one value per frame, and the threshold it was read against.
      expect(run.spotting.curve).toHaveLength(FRAMES);
      expect(Math.max(...run.spotting.curve)).toBeGreaterThan(0);
      expect(run.spotting.threshold).toBeGreaterThan(0);
      // The blink (frames 40–47) was set aside, not offered: it is kept with the run.
      expect(run.spotting.blinks?.some((b) => b.onset <= 43 && b.offset >= 43)).toBe(true);
      expect(run.spotting.confounders?.every((c) => c.cause === 'blink')).toBe(true);
      // "Analyse all" has nothing to do: the clip was spotted under these settings.
      expect(await first.call('analysis.pending', {})).toEqual({ clips: 0, events: 0 });
      const batch = await first.call<{ jobIds: string[]; skipped: number }>('analysis.runAll', { language: 'en' });
      expect(batch).toMatchObject({ jobIds: [], skipped: 1 });
      expect((await first.call<Array<{ spotted: boolean }>>('labels.worklist', {})).map((r) => r.spotted)).toEqual([true]);
    } finally {
      await disposeServices(first.services);
    }

    // Another session on the same file reads the same run back: the queue, the set-aside list and the curve.
    const second = harness('home-2');
    try {
      await second.call('settings.update', { annotator: 'bo' });
      await second.call('workspace.open', { path: file });
      const again = SpottingRunSchema.parse(await second.call('analysis.spottingRun', { clipId }));
      expect(again).toEqual({ ...run, current: true });
      // Another language only rewrites descriptions: a run that offered nothing stays current, and Analyse all leaves it.
      await second.call('settings.update', { language: 'zh-CN' });
      expect((await second.call<SpottingRun>('analysis.spottingRun', { clipId })).current).toBe(true);
      expect(await second.call('analysis.pending', {})).toEqual({ clips: 0, events: 0 });
      // A setting the run depends on changed (the micro / macro boundary): it is no longer current, and Analyse all offers it.
      await second.call('settings.update', { expressionClasses: { microMaxMs: 400, microOnsetApexMaxMs: 200 } });
      expect((await second.call<SpottingRun>('analysis.spottingRun', { clipId })).current).toBe(false);
      expect(await second.call('analysis.pending', {})).toEqual({ clips: 1, events: 1 });
      await expect(second.call('analysis.spottingRun', { clipId: clipId + 100 })).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await disposeServices(second.services);
    }
  }, 240_000);
});
