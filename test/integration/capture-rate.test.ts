import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredAnalysisSchema } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { createServices, disposeServices } from '../../src/main/app/services';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { jobFinished } from '../helpers/jobs';

/**
 * A high-speed clip passed around re-encoded: the face moves for 44 frames (onset 50 →
 * offset 94, late enough for the 0.2-s spotting lag of either rate), which is 220 ms at the 200 fps it stands for and 1.47 s at the 30 fps its
 * container says. The real pipeline (job process, ffmpeg decode, ONNX face and flow,
 * SQLite) analyses it at each rate, and the exports say which class and which rate.
 *
 * What this cannot show: the synthetic brow raise has a sharp, known onset and offset
 * and no other motion; real faces' durations are read less exactly, so a real clip near
 * the 500-ms boundary may fall either side.
 */
let root: string;
let video: string;

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const clip = meClip(await sampleFace(await face.models()), { aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], frames: 150, onset: 50, apex: 70, offset: 94, seed: 9 });
    root = mkdtempSync(join(tmpdir(), 'mellm-capture-rate-'));
    video = (await writeSynthSample(clip, join(root, 'EP02_01f'), { crf: 12 })).mp4 as string;
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the capture rate through analysis, store and export', () => {
  const home = join(tmpdir(), `mellm-capture-rate-home-${process.pid}`);
  const services = createServices({ userDataDir: home });
  const table = createHandlerTable(services);
  const call = async <T = unknown>(name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' }) as Promise<{ ok: boolean; data: T }>;
  const finished = (jobId: string) => jobFinished(services, jobId);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(home, { recursive: true, force: true });
  });

  /** Analyses the clip, then exports every format that times or classes an event. */
  async function analyseAndExport(clipId: number, folder: string) {
    const run = await call<{ jobId: string }>('analysis.run', { clipId });
    expect((await finished(run.data.jobId)).state).toBe('done');
    const events = (await call<Array<{ id: number; onset: number; offset: number }>>('events.list', { clipId })).data;
    expect(events.length).toBeGreaterThanOrEqual(1);
    const analyses = await Promise.all(events.map(async (e) => StoredAnalysisSchema.parse((await call('analysis.get', { eventId: e.id })).data)));
    await services.settings.update({ annotator: 'ana' });
    for (const e of events) await call('annotations.save', { eventId: e.id, annotator: 'ana', aus: '1+2', emotion: 'surprise', label3: 'surprise' });
    const exported = await call<{ files: Array<{ path: string }> }>('export.run', { formats: ['casme2-csv', 'eaf', 'megc', 'report', 'frames-csv'], folder, force: true });
    expect(exported.ok).toBe(true);
    const file = (end: string) => readFileSync(exported.data.files.find((f) => f.path.endsWith(end))!.path, 'utf8');
    return { analyses, file };
  }

  it('44 frames: macro at the 30-fps container rate, micro (≈ 220 ms) at the 200-fps capture rate; every export names the rate', async () => {
    expect((await call('workspace.create', { path: join(root, 'w.mellm') })).ok).toBe(true);
    const ws = services.workspaces.require();
    const added = await call<{ id: number; fps: number; captureFps: number }>('clips.add', { path: video, kind: 'video', fps: 30, frames: 150, width: 256, height: 192 });
    const clipId = added.data.id;
    expect(added.data).toMatchObject({ fps: 30, captureFps: 30 });

    const container = await analyseAndExport(clipId, join(root, 'out30'));
    const [at30] = container.analyses;
    expect(at30?.spotting.capture_fps).toBe(30);
    expect(at30?.expression.kind).toBe('macro');
    expect(at30?.expression.duration_ms).toBeGreaterThan(1000);
    const sheet30 = container.file('casme2-sheet.csv').trim().split('\r\n');
    expect(sheet30[0]).toBe('Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Action Units,Estimated Emotion,Class,Duration (ms),Capture fps');
    expect(sheet30[1]).toMatch(/,macro,\d{4},30$/);

    expect((await call('clips.setCaptureFps', { id: clipId, captureFps: 200 })).data).toMatchObject({ fps: 30, captureFps: 200 });
    // The events the 30-fps reading spotted go; the 200-fps reading spots its own.
    for (const e of await ws.events.listForClip(clipId)) await ws.events.delete(e.id, 'ana');
    const capture = await analyseAndExport(clipId, join(root, 'out200'));
    const [at200] = capture.analyses;
    expect(at200?.spotting.capture_fps).toBe(200);
    expect(at200?.expression.kind).toBe('micro');
    expect(at200?.expression.duration_ms).toBeLessThanOrEqual(500);
    expect(at200?.expression.facs).toMatch(/1.*2/);
    const [interval] = at200?.spotting.intervals ?? [];
    expect(interval).toMatchObject({ kind: 'micro', offset_unclear: false });
    // The interval's truth is onset 50, offset 94: 220 ms at 200 fps.
    expect(Math.abs((interval?.duration_ms ?? 0) - 220)).toBeLessThanOrEqual(60);

    const sheet = capture.file('casme2-sheet.csv').trim().split('\r\n');
    expect(sheet[1]).toMatch(/,micro,\d{2,3},200$/);
    const eaf = capture.file('.eaf');
    expect(eaf).toContain('<PROPERTY NAME="capture_fps">200</PROPERTY>');
    expect(eaf).toMatch(/TIER_ID="micro@ana"/);
    const spotting = capture.file('megc-spotting.csv').trim().split('\r\n');
    const columns = spotting[0]!.split(',');
    const row = Object.fromEntries(spotting[1]!.split(',').map((cell, i) => [columns[i], cell]));
    expect(row).toMatchObject({ fps: '30', capture_fps: '200', class: 'micro' });
    expect(capture.file('motion.csv').split('\r\n')[1]?.split(',')[4]).toBe('200');
    expect(capture.file('report.html')).toMatch(/filmed at 200 fps/);
    expect(capture.file('report.html')).toContain('micro-expression');
    await services.workspaces.close();
  });
});
