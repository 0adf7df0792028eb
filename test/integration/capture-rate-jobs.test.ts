import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredAnalysisSchema } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { defaultLag } from '../../src/main/analysis/pipeline/pipeline';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { createServices, disposeServices } from '../../src/main/app/services';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { jobFinished } from '../helpers/jobs';

/**
 * The capture rate in "Analyse all" and in the job process, through the real path (job
 * processes, ffmpeg, ONNX face and flow, a SQLite workspace): a clip whose rate changes
 * after its analysis is stale (the rate decides micro / macro and every duration), and a
 * frame folder is read at the rate it was registered with, not the reader's 30-fps
 * default (the scan's lag and every frame time follow it).
 *
 * What this cannot show: a real high-speed corpus' folders (one synthetic brow raise,
 * 150 frames); the rates are the ones CASME II and a re-encoded copy of it use.
 */
let root: string;
let sample: { mp4: string; frames: string };

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const clip = meClip(await sampleFace(await face.models()), { aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], frames: 150, onset: 50, apex: 70, offset: 94, seed: 11 });
    root = mkdtempSync(join(tmpdir(), 'mellm-capture-jobs-'));
    const written = await writeSynthSample(clip, join(root, 'EP05_01'), { crf: 12 });
    sample = { mp4: written.mp4 as string, frames: join(written.dir, 'frames') };
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the capture rate in batch analysis and job processes', () => {
  const home = join(tmpdir(), `mellm-capture-jobs-home-${process.pid}`);
  const services = createServices({ userDataDir: home });
  const table = createHandlerTable(services);
  const call = async <T = unknown>(name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' }) as Promise<{ ok: boolean; data: T }>;
  afterAll(async () => {
    await disposeServices(services);
    rmSync(home, { recursive: true, force: true });
  });

  async function analyseAll(): Promise<number> {
    const run = await call<{ jobIds: string[] }>('analysis.runAll', {});
    expect(run.ok).toBe(true);
    for (const jobId of run.data.jobIds) expect((await jobFinished(services, jobId)).state).toBe('done');
    return run.data.jobIds.length;
  }

  it('changing a clip’s capture rate makes its analysis stale for Analyse all; setting it back makes it current again', async () => {
    expect((await call('workspace.create', { path: join(root, 'stale.mellm') })).ok).toBe(true);
    const added = await call<{ id: number }>('clips.add', { path: sample.mp4, kind: 'video', fps: 30, frames: 150, width: 256, height: 192 });
    expect(await analyseAll()).toBe(1);
    expect((await call('analysis.pending')).data).toEqual({ clips: 0, events: 0 });

    await call('clips.setCaptureFps', { id: added.data.id, captureFps: 200 });
    const pending = (await call<{ clips: number; events: number }>('analysis.pending')).data;
    expect(pending.clips).toBe(1);
    expect(await analyseAll()).toBe(pending.events);
    expect((await call('analysis.pending')).data).toEqual({ clips: 0, events: 0 });
    const events = (await call<Array<{ id: number }>>('events.list', { clipId: added.data.id })).data;
    const latest = await Promise.all(events.map(async (e) => StoredAnalysisSchema.parse((await call('analysis.get', { eventId: e.id })).data)));
    expect(latest.some((a) => a.spotting.capture_fps === 200)).toBe(true);

    // Back to the container's rate: the analyses made at 30 fps are current again.
    await call('clips.setCaptureFps', { id: added.data.id, captureFps: null });
    expect((await call('analysis.pending')).data).toEqual({ clips: 0, events: 0 });
    await services.workspaces.close();
  });

  it('a frame folder registered at 200 fps is read at 200 fps in the job process (lag 0.2 s = 40 frames)', async () => {
    expect((await call('workspace.create', { path: join(root, 'folder.mellm') })).ok).toBe(true);
    const added = await call<{ id: number }>('clips.add', { path: sample.frames, kind: 'sequence', fps: 200, frames: 150, width: 256, height: 192 });
    const run = await call<{ jobId: string }>('analysis.run', { clipId: added.data.id });
    expect((await jobFinished(services, run.data.jobId)).state).toBe('done');
    const [event] = (await call<Array<{ id: number }>>('events.list', { clipId: added.data.id })).data;
    const analysis = StoredAnalysisSchema.parse((await call('analysis.get', { eventId: event?.id })).data);
    expect(analysis.spotting.lag).toBe(defaultLag(200, 150));
    expect(analysis.spotting.capture_fps).toBe(200);
    // 44 frames at 200 fps: 220 ms, a micro-expression.
    expect(analysis.expression.kind).toBe('micro');
    await services.workspaces.close();
  });
});
