import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisFlowModel, DEFAULT_ANALYSIS_FLOW } from '../../src/shared/api/flow';
import { StoredAnalysisSchema, type StoredAnalysis } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { optionsForSize } from '../../src/main/inference/flow/variational';
import { buildVariationalFlowGraph } from '../../src/main/inference/flow/variational-graph';
import { FLOW_PRESETS } from '../../src/main/inference/flow/variational-presets';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { jobFinished } from '../helpers/jobs';

// The analysis crop the onset → apex flow runs on (pipeline.ts DEFAULT_FLOW_SIZE).
const CROP = { width: 200, height: 240 };

let root: string;
let clipPath: string;
let learned: string;

/**
 * A learned flow model folder made by the project's own generator: the variational graph
 * exported as a self-contained ONNX file with the flow.json contract a RAFT export would have.
 */
function learnedFlowFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const options = optionsForSize(FLOW_PRESETS.fast, CROP.width, CROP.height);
  writeFileSync(join(dir, 'model.onnx'), buildVariationalFlowGraph(options).toBytes({ producer: 'mellm test' }));
  writeFileSync(join(dir, 'flow.json'), JSON.stringify({ id: 'variational-export', inputs: ['frame1', 'frame2'], channels: 1, range: '0-255', padMultiple: 8 }));
  return dir;
}

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    root = mkdtempSync(join(tmpdir(), 'mellm-analysis-flow-'));
    const clip = meClip(await sampleFace(await face.models()), { aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }] });
    clipPath = (await writeSynthSample(clip, join(root, 'sample'), { crf: 12 })).mp4 as string;
    learned = learnedFlowFolder(join(root, 'learned-flow'));
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the flow model an analysis runs with (Settings → Analysis)', () => {
  const home = join(tmpdir(), `mellm-analysis-flow-home-${process.pid}`);
  const services = createServices({ userDataDir: home });
  const table = createHandlerTable(services);
  const call = (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });
  const ok = async <T>(name: string, payload: unknown = {}): Promise<T> => {
    const result = await call(name, payload);
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.data as T;
  };
  const finished = (jobId: string) => jobFinished(services, jobId);
  /** Analyse all, waiting for every job; returns how many were skipped. */
  const analyseAll = async () => {
    const { jobIds, skipped } = await ok<{ jobIds: string[]; skipped: number }>('analysis.runAll', {});
    const jobs = await Promise.all(jobIds.map(finished));
    for (const job of jobs) expect(job, JSON.stringify(job.error)).toMatchObject({ state: 'done' });
    return { queued: jobIds.length, skipped };
  };
  afterAll(async () => {
    await disposeServices(services);
    rmSync(home, { recursive: true, force: true });
  });

  it('records the generated presets by default, a learned model folder once chosen, and re-analyses when the choice changes', async () => {
    await ok('workspace.create', { path: join(root, 'w.mellm') });
    const workspace = services.workspaces.require();
    await workspace.clips.add({ path: clipPath, kind: 'video', fps: 30, frames: 30, width: 256, height: 192 });
    expect((await ok<{ analysisFlow: unknown }>('settings.get')).analysisFlow).toEqual(DEFAULT_ANALYSIS_FLOW);

    expect(await analyseAll()).toEqual({ queued: 1, skipped: 0 });
    const clip = await workspace.clips.byPath(clipPath);
    const [event] = await workspace.events.listForClip(clip?.id as number);
    const latest = async () => StoredAnalysisSchema.parse(await ok('analysis.get', { eventId: event?.id }));
    const generated = await latest();
    const ids = (analysis: StoredAnalysis) => analysis.models.map((m) => m.id);
    expect(ids(generated)).toEqual(expect.arrayContaining(['flow-variational:balanced', 'spotting:flow-variational:scan']));
    expect(analysisFlowModel(generated.models)).toBe('flow-variational:balanced');

    // Same settings: nothing to do.
    expect(await analyseAll()).toEqual({ queued: 0, skipped: 1 });

    await ok('settings.update', { analysisFlow: { ...DEFAULT_ANALYSIS_FLOW, model: learned } });
    // The choice is part of the config key: Analyse all analyses the event again, with the learned model.
    expect(await analyseAll()).toEqual({ queued: 1, skipped: 0 });
    const withLearned = await latest();
    expect(withLearned.id).not.toBe(generated.id);
    expect(ids(withLearned)).toContain('variational-export');
    expect(ids(withLearned)).not.toContain('flow-variational:balanced');
    // What Review and the Annotate view show as the analysis' flow model.
    expect(analysisFlowModel(withLearned.models)).toBe('variational-export');
    // The learned model measured the same brow raise on the same frames.
    expect(withLearned.expression.aus.map((a) => a.code)).toEqual(expect.arrayContaining(['AU1', 'AU2']));
    expect(await analyseAll()).toEqual({ queued: 0, skipped: 1 });

    // Back to the presets: the first analysis' key again, so nothing is redone.
    await ok('settings.update', { analysisFlow: DEFAULT_ANALYSIS_FLOW });
    expect(await analyseAll()).toEqual({ queued: 0, skipped: 1 });
    // Another preset for the onset → apex flow is another key.
    await ok('settings.update', { analysisFlow: { ...DEFAULT_ANALYSIS_FLOW, expression: 'fast' } });
    expect(await analyseAll()).toEqual({ queued: 1, skipped: 0 });
    expect(ids(await latest())).toContain('flow-variational:fast');
  }, 300_000);

  it('refuses a flow model folder that is not one, leaving the settings as they were', async () => {
    const before = await ok<{ analysisFlow: unknown }>('settings.get');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const escaping = join(root, 'escaping');
    mkdirSync(escaping);
    writeFileSync(join(escaping, 'flow.json'), JSON.stringify({ id: 'escape', model: '../learned-flow/model.onnx', inputs: ['frame1', 'frame2'] }));
    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(join(learned, 'flow.json'), join(linked, 'flow.json'));
    const cases: Array<[string, string]> = [
      ['relative/folder', 'INVALID_INPUT'],
      [empty, 'MODEL_MISSING'],
      [escaping, 'MODEL_INVALID'],
      [linked, 'MODEL_INVALID'],
    ];
    for (const [folder, code] of cases) {
      const refused = await call('settings.update', { analysisFlow: { ...DEFAULT_ANALYSIS_FLOW, model: folder } });
      expect(refused, folder).toMatchObject({ ok: false, error: { code } });
    }
    expect(await ok('settings.get')).toEqual(before);
  });
});
