import sharp from 'sharp';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredAnalysisSchema } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { createServices, disposeServices } from '../../src/main/app/services';
import { motionCsv } from '../../src/main/corpus/export/motion-csv';
import { recordsFromStore } from '../../src/main/app/records-from-store';
import { buildPrompt } from '../../src/main/analysis/prompt';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { useQwen3TinyModels } from '../helpers/qwen3';
import { jobFinished } from '../helpers/jobs';

const makeQwen3Model = useQwen3TinyModels();

let root: string;
let good: string;

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const clip = meClip(await sampleFace(await face.models()), { aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }] });
    root = mkdtempSync(join(tmpdir(), 'mellm-analysis-api-'));
    good = (await writeSynthSample(clip, join(root, 'sample'), { crf: 12 })).mp4 as string;
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('analysis channels (worker threads, job queue, workspace)', () => {
  const home = join(tmpdir(), `mellm-analysis-api-home-${process.pid}`);
  const services = createServices({ userDataDir: home });
  const table = createHandlerTable(services);
  const call = async (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });
  const finished = (jobId: string) => jobFinished(services, jobId);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(home, { recursive: true, force: true });
  });

  it('runAll: a corrupt clip fails its job with a clear error, the queue carries on, results are stored and resumable', async () => {
    expect(await call('workspace.create', { path: join(root, 'a.mellm') })).toMatchObject({ ok: true });
    const workspace = services.workspaces.require();
    const corrupt = join(root, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.alloc(4096, 7));
    await workspace.clips.add({ path: corrupt, kind: 'video', fps: 30, frames: 30, width: 256, height: 192 });
    const copy = join(root, 'good.mp4');
    copyFileSync(good, copy);
    await workspace.clips.add({ path: copy, kind: 'video', fps: 30, frames: 30, width: 256, height: 192 });

    const batch = await call('analysis.runAll', {});
    expect(batch).toMatchObject({ ok: true, data: { skipped: 0 } });
    const jobIds = (batch as { data: { jobIds: string[] } }).data.jobIds;
    expect(jobIds).toHaveLength(2);
    const [bad, ok] = await Promise.all(jobIds.map(finished));
    expect(bad).toMatchObject({ state: 'failed', error: { code: 'MEDIA_UNREADABLE' } });
    expect(ok?.state).toBe('done');

    const clip = await workspace.clips.byPath(copy);
    const [event] = await workspace.events.listForClip(clip?.id as number);
    expect(event).toMatchObject({ source: 'spotting' });
    // The spotting scan's per-frame rows are kept for the whole clip: frames lag (6 at 30 fps) … 29.
    expect((await workspace.frameMotion.range(clip?.id as number, 0, 99)).map((r) => r.frame)).toEqual(Array.from({ length: 24 }, (_, i) => 6 + i));
    const got = await call('analysis.get', { eventId: event?.id });
    const stored = StoredAnalysisSchema.parse((got as { data: unknown }).data);
    expect(stored.expression.emotion.label3).toBe('Surprise');
    expect(stored.expression.aus.map((a) => a.code)).toEqual(expect.arrayContaining(['AU1', 'AU2']));
    expect(Math.abs((stored.spotting.apex as number) - 12)).toBeLessThanOrEqual(2);
    expect(stored.models.map((m) => m.id)).toContain('facemesh-468');
    expect(stored.timingsMs.total).toBeGreaterThan(0);
    expect(stored.overlays).toContain('colorwheel');
    // The face drawn over the video: 468 landmarks and 29 ROI boxes inside the 256×192 frame's crop.
    expect(stored.face?.landmarks).toHaveLength(468);
    expect(stored.face?.rois).toHaveLength(29);
    const [cx, cy, cw, ch] = stored.face?.crop ?? [0, 0, 0, 0];
    expect(cw).toBeGreaterThan(40);
    expect(stored.face?.landmarks.every(([x, y]) => x >= cx - 1 && y >= cy - 1 && x <= cx + cw + 1 && y <= cy + ch + 1)).toBe(true);
    const overlay = await call('analysis.overlay', { analysisId: stored.id, kind: 'mellm-hsv' });
    expect(Buffer.from((overlay as { data: { png: string } }).data.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    // Arrows come drawn by main on a transparent layer, like the other renderings.
    const arrows = await call('analysis.overlay', { analysisId: stored.id, kind: 'arrows' });
    const { data: rgba, info } = await sharp(Buffer.from((arrows as { data: { png: string } }).data.png, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const alphas = Array.from({ length: info.width * info.height }, (_, i) => rgba[i * 4 + 3]);
    expect(alphas.filter((a) => a === 0).length).toBeGreaterThan(alphas.length / 2);
    expect(alphas.filter((a) => a === 255).length).toBeGreaterThan(0);
    // The scale and the largest motion come in reference-crop px (the description's unit), with the legend's key.
    const auto = (await call('analysis.overlay', { analysisId: stored.id, kind: 'colorwheel' })) as { data: { scalePx: number; maxPx: number; legendPng: string } };
    expect(auto.data.scalePx).toBeGreaterThan(0);
    expect(auto.data.scalePx).toBe(auto.data.maxPx);
    expect(Buffer.from(auto.data.legendPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const fixed = (await call('analysis.overlay', { analysisId: stored.id, kind: 'colorwheel', scale: 5 })) as { data: { scalePx: number; maxPx: number } };
    expect(fixed.data.scalePx).toBeCloseTo(5, 9);
    expect(fixed.data.maxPx).toBe(auto.data.maxPx);
    expect(await call('analysis.overlay', { analysisId: stored.id, kind: 'colorwheel', scale: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    // Resumable: the analysed clip is skipped, only the failed one is queued again.
    const again = await call('analysis.runAll', {});
    expect(again).toMatchObject({ ok: true, data: { skipped: 1 } });
    await Promise.all((again as { data: { jobIds: string[] } }).data.jobIds.map(finished));
    // How an LLM would generate does not date an analysis no LLM wrote.
    await call('settings.update', { llmMaxNewTokens: 64, llmThinking: false });
    const unchanged = await call('analysis.runAll', {});
    expect(unchanged).toMatchObject({ ok: true, data: { skipped: 1 } });
    await Promise.all((unchanged as { data: { jobIds: string[] } }).data.jobIds.map(finished));
    await call('settings.update', { llmMaxNewTokens: 2048, llmThinking: null });

    // The prompt is the reference's text by default, and its format is part of the settings an
    // analysis is made under: switching to json analyses the event again.
    expect(stored.expression.prompt_format).toBe('mellm');
    expect(stored.expression.prompt).toBe(buildPrompt(stored.expression.rois, 'mellm'));
    expect(await call('settings.update', { promptFormat: 'json' })).toMatchObject({ ok: true });
    const rerun = await call('analysis.runAll', {});
    expect(rerun).toMatchObject({ ok: true, data: { skipped: 0 } });
    await Promise.all((rerun as { data: { jobIds: string[] } }).data.jobIds.map(finished));
    const latest = StoredAnalysisSchema.parse(((await call('analysis.get', { eventId: event?.id })) as { data: unknown }).data);
    expect(latest.id).not.toBe(stored.id);
    expect(latest.expression.prompt_format).toBe('json');
    expect(latest.expression.prompt).toBe(buildPrompt(latest.expression.rois, 'json'));
    expect(await call('settings.update', { promptFormat: 'mellm' })).toMatchObject({ ok: true });
  }, 300_000);

  it('analysis.run with user frames stores into a manual event; cancelling a job stops its worker', async () => {
    const run = await call('analysis.run', { clipPath: good, onset: 8, apex: 12 });
    const job = await finished((run as { data: { jobId: string } }).data.jobId);
    expect(job.state).toBe('done');
    const workspace = services.workspaces.require();
    const goodClip = await workspace.clips.byPath(good);
    const events = await workspace.events.listForClip(goodClip?.id as number);
    expect(events).toMatchObject([{ onset: 8, apex: 12, source: 'manual' }]);

    // User frames skip spotting, but the clip's per-frame motion is still scanned and
    // stored: the frames CSV of the event carries one row per frame, onset to offset,
    // with the brows' motion and AU1/AU2 evidence peaking where the brows rise.
    const [record] = (await recordsFromStore(workspace, { candidates: true, motion: true })).filter((r) => r.eventId === String(events[0]?.id));
    expect(record?.motion?.map((row) => row.frame)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
    // Only the event was scanned (from onset − lag = 2), not the whole 30-frame clip.
    expect((await workspace.frameMotion.range(goodClip?.id as number, 0, 99)).map((r) => r.frame)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const csv = [...motionCsv(record ? [record] : [])].join('').trim().split('\r\n');
    const header = csv[0]?.split(',') ?? [];
    expect(csv).toHaveLength(1 + 9);
    const cells = (name: string) => csv.slice(1).map((line) => Number(line.split(',')[header.indexOf(name)]));
    const au1 = cells('AU1_evidence');
    expect(Math.max(...au1)).toBeGreaterThan(0);
    const peak = 8 + au1.indexOf(Math.max(...au1));
    expect(peak).toBeGreaterThanOrEqual(10);
    expect(peak).toBeLessThanOrEqual(14);
    const brow = cells('roi_left_inner_eyebrow_mag');
    const mouth = cells('roi_left_mouth_corner_mag');
    expect(Math.max(...brow)).toBeGreaterThan(2 * Math.max(...mouth));

    const second = await call('analysis.run', { eventId: events[0]?.id });
    const jobId = (second as { data: { jobId: string } }).data.jobId;
    const done = finished(jobId);
    await call('jobs.cancel', { jobId });
    expect((await done).state).toBe('cancelled');
    expect(await workspace.analyses.listForEvent(events[0]?.id as number)).toHaveLength(1);
    expect(await call('analysis.run', { clipPath: good, onset: 12, apex: 8 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    // The UI's language comes with the request: the settings say English, the description is Chinese.
    const english = StoredAnalysisSchema.parse(((await call('analysis.get', { eventId: events[0]?.id })) as { data: unknown }).data);
    expect(english.expression.description).toMatch(/^1\. ROI analysis\n/);
    expect((await call('settings.get', {})) as unknown).toMatchObject({ data: { language: 'en' } });
    const zh = await call('analysis.run', { eventId: events[0]?.id, language: 'zh-CN' });
    expect((await finished((zh as { data: { jobId: string } }).data.jobId)).state).toBe('done');
    const chinese = StoredAnalysisSchema.parse(((await call('analysis.get', { eventId: events[0]?.id })) as { data: unknown }).data);
    expect(chinese.expression.description).toMatch(/^1\. 感兴趣区域分析\n/);
    expect(chinese.expression.description_model).toBe('describer:zh-CN');
    // The prompt stays the reference's English text whatever the UI's language.
    expect(chinese.expression.prompt).toBe(english.expression.prompt);
    expect(await call('analysis.run', { eventId: events[0]?.id, language: 'fr' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }, 240_000);

  it('with an LLM configured, the description streams as llm.token events named by the job, token by token, its count in the job progress', async () => {
    const folder = await makeQwen3Model(join(root, 'tiny-llm'));
    // A small cap from Settings: the random test model never stops on its own.
    expect(await call('settings.update', { activeLlm: folder, llmMaxNewTokens: 24 })).toMatchObject({ ok: true });
    const deltas: string[] = [];
    const progress: string[] = [];
    let jobId = '';
    const off = services.events.subscribe((name, payload) => {
      const token = payload as { requestId: string; delta: string };
      if (name === 'llm.token' && token.requestId === jobId) deltas.push(token.delta);
      const step = payload as { jobId: string; message?: string };
      if (name === 'job.progress' && step.jobId === jobId && step.message) progress.push(step.message);
    });
    try {
      const run = await call('analysis.run', { clipPath: good, onset: 8, apex: 12 });
      jobId = (run as { data: { jobId: string } }).data.jobId;
      expect((await finished(jobId)).state).toBe('done');
      // While an LLM writes, its cap is among the settings an analysis is made under: a new cap takes the event up again.
      const runAll = async () => (await call('analysis.runAll', {})) as { data: { jobIds: string[]; skipped: number } };
      const same = await runAll();
      await call('settings.update', { llmMaxNewTokens: 16 });
      const changed = await runAll();
      const queued = [...same.data.jobIds, ...changed.data.jobIds];
      for (const id of queued) await call('jobs.cancel', { jobId: id });
      await Promise.all(queued.map(finished));
      expect(changed.data.skipped).toBe(same.data.skipped - 1);
    } finally {
      off();
      await call('settings.update', { activeLlm: null, llmMaxNewTokens: 2048 });
    }
    const workspace = services.workspaces.require();
    const [event] = await workspace.events.listForClip((await workspace.clips.byPath(good))?.id as number);
    const stored = StoredAnalysisSchema.parse((await call('analysis.get', { eventId: event?.id }) as { data: unknown }).data);
    expect(stored.expression.description_source).toBe('llm');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('').trim()).toBe(stored.expression.description);
    const counts = progress.filter((m) => m.startsWith('describer:'));
    expect(counts[0]).toBe('describer: 1 / 24 tokens');
    for (const message of counts) expect(message).toMatch(/^describer: ([1-9]|1\d|2[0-4]) \/ 24 tokens$/);
  }, 240_000);
});
