import { describe, expect, it } from 'vitest';
import { AnalyzeReportSchema } from '../../src/shared/api/analysis';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { buildPrompt } from '../../src/main/analysis/prompt';
import { framesOf, meClip } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

const pipeline = usePipelineModels();

describe('analyzeClip (the MELLM pipeline on a synthetic clip from a real photo)', () => {
  it('spots the ME, recovers the injected AUs and the 3-class label, apex within ±2 frames', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 6, intensity: 'D' }, { au: 12, intensity: 'D' }] });
    const progress: number[] = [];
    const stages: string[] = [];
    const onProgress = (done: number, _total: number, stage?: string) => {
      progress.push(done);
      if (stage !== undefined && stages.at(-1) !== stage) stages.push(stage);
    };
    const { report, overlay } = await analyzeClip(framesOf(clip), pipeline().models, { onProgress });
    AnalyzeReportSchema.parse(report);
    expect(report.spotting.source).toBe('spotting');
    expect(Math.abs((report.spotting.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(2);
    expect(report.spotting.curve).toHaveLength(30);
    const codes = report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code);
    expect(codes).toContain('AU12');
    expect(report.emotion.label3).toBe('Positive');
    expect(report.rois).toHaveLength(29);
    // The prompt is the reference's text, written from the reference statistics it stores.
    expect(report.prompt_format).toBe('mellm');
    expect(report.rois.every((roi) => roi.stats !== undefined && roi.stats.pixels > 0)).toBe(true);
    expect(report.prompt).toBe(buildPrompt(report.rois, 'mellm'));
    // A smile pulls each mouth corner up and outwards: the reference's "Left" corner (image left) goes up-left.
    expect(report.prompt).toMatch(/\{"region":"Left Mouth Corner,"mean_magnitude":[\d.]+,"max_magnitude":[\d.]+,"direction":up-left\(1\d\d°\)\)\}\n/);
    expect(report.prompt).toMatch(/\{"region":"Right Mouth Corner,"mean_magnitude":[\d.]+,"max_magnitude":[\d.]+,"direction":up-right\([1-8]?\d°\)\)\}\n/);
    expect(report.description_source).toBe('rules');
    expect(report.description).toMatch(/AU12/);
    expect(overlay?.flow.width).toBe(200);
    expect(progress.at(-1)).toBeGreaterThan(30);
    // After the scan the count stands still while the apexes are found and each interval is analysed: the stage says so.
    expect(stages).toEqual(['face', 'spotting', 'apex', 'expression', 'done']);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  }, 120_000);

  it('with the onset and apex given, recovers AU1+AU2 (surprise) and a one-sided AU12 on its side', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], seed: 9 });
    const given: string[] = [];
    const llm = async (prompt: string) => (given.push(prompt), { text: 'described', modelId: 'test-llm', modelContent: '0123456789abcdef' });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models, { onset: 8, apex: 12, llm });
    // The LLM is recorded by where it was and by what it was (its files' fingerprint).
    expect(report.expressions[0]).toMatchObject({ description_source: 'llm', description_model: 'test-llm', description_model_content: '0123456789abcdef' });
    expect(report.models).toContainEqual({ id: 'test-llm', version: 'llm 0123456789abcdef' });
    const codes = report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['AU1', 'AU2']));
    // The LLM gets the mellm prompt by default; json is the other format, from the same statistics.
    expect(given).toEqual([report.prompt]);
    expect(report.prompt_format).toBe('mellm');
    expect(given[0]).toMatch(/\n\nFollow these steps for the analysis:\n/);
    const json = (await analyzeClip(framesOf(clip), pipeline().models, { onset: 8, apex: 12, promptFormat: 'json' })).report;
    expect(json.prompt_format).toBe('json');
    expect(json.rois).toEqual(report.rois);
    expect(json.prompt).toBe(buildPrompt(report.rois, 'json'));
    expect(report.emotion.label3).toBe('Surprise');
    const left = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D', side: 'L' }], seed: 11 });
    const lateral = (await analyzeClip(framesOf(left), pipeline().models, { onset: 8, apex: 12 })).report;
    expect(lateral.aus.find((a) => a.code === 'AU12')?.side).toBe('L');
    expect(lateral.emotion.label3).toBe('Positive');
  }, 120_000);

  it('under slow head motion the apex is the expression peak, not the end of the head drift', async () => {
    // The spotted interval spans the head drift; residual head motion grows towards its end.
    // (Before the residual was taken out, this clip's apex came out at frame 23, with no AU.)
    const clip = meClip(pipeline().subject, { aus: [{ au: 17, intensity: 'B' }], onset: 6, apex: 9, offset: 15, head: { translate: [-2.8, -0.6], rotateDeg: 0.48, scale: 0.998 }, seed: 26 });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(Math.abs((report.spotting.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(2);
    expect(report.aus.map((a) => a.code)).toContain('AU17');
    expect(report.emotion.label3).toBe('Negative');
  }, 120_000);

  it('a faint smile under head motion: the apex is searched on the analysis crop, not the coarse spotting crop', async () => {
    // On the 80×96 spotting crop the sub-pixel rise drowns in the drift residual: the apex
    // came out at frame 15 and no AU was found.
    const clip = meClip(pipeline().subject, { aus: [{ au: 6, intensity: 'B' }, { au: 12, intensity: 'B' }], onset: 8, apex: 11, offset: 17, head: { translate: [1.5, -1.2], rotateDeg: -1, scale: 1.01 }, seed: 1 });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(Math.abs((report.spotting.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(1);
    expect(report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code)).toEqual(['AU6', 'AU12']);
    expect(report.emotion.label3).toBe('Positive');
  }, 120_000);

  it('motion that never returns (a held smile, a codec refresh) is a step, not an ME', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D' }] });
    const frames = framesOf(clip);
    // The face reaches the apex and stays there to the end of the clip.
    const held = { ...frames, read: (t: number) => frames.read(Math.min(t, clip.truth.apex)) };
    const { report } = await analyzeClip(held, pipeline().models);
    expect(report.spotting.source).toBe('none');
    expect(report.spotting.intervals).toEqual([]);
    expect(report.aus).toEqual([]);
    // The annotator's own onset/apex are analysed as given.
    const given = (await analyzeClip(held, pipeline().models, { onset: clip.truth.onset, apex: clip.truth.apex })).report;
    expect(given.aus.map((a) => a.code)).toContain('AU12');
  }, 120_000);

  it('a face that does not move yields no AU and no ME', async () => {
    const still = meClip(pipeline().subject, { aus: [], noise: 1 });
    const { report } = await analyzeClip(framesOf(still), pipeline().models);
    expect(report.spotting.source).toBe('none');
    expect(report.spotting.intervals).toEqual([]);
    expect(report.aus).toEqual([]);
    expect(report.emotion.label3).toBeNull();
    expect(report.expressions).toEqual([]);
  }, 120_000);

  it('a dataset clip (≤ 2 s) gets its strongest motion analysed even below the spotting threshold; a longer recording does not', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D' }] });
    const unreachable = { spotting: { minPeak: 100 } };
    const { report } = await analyzeClip(framesOf(clip), pipeline().models, unreachable);
    expect(report.spotting.source).toBe('spotting');
    expect(report.spotting.intervals).toHaveLength(1);
    expect(report.spotting.intervals[0]?.strength).toBeLessThan(1);
    expect(Math.abs((report.spotting.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(2);
    expect(report.aus.map((a) => a.code)).toContain('AU12');
    // A candidate whose strongest AU is a trace is dropped: codec noise at its strongest reaches a trace.
    const trace = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'A' }] });
    const faint = (await analyzeClip(framesOf(trace), pipeline().models, unreachable)).report;
    expect(faint.spotting.source).toBe('none');
    expect(faint.spotting.intervals).toEqual([]);
    expect(faint.aus).toEqual([]);
    // The same 30 frames at 10 fps last 3 s: a recording, where only what crosses the threshold counts.
    const recording = { ...framesOf(clip), fps: 10 };
    const long = (await analyzeClip(recording, pipeline().models, unreachable)).report;
    expect(long.spotting.source).toBe('none');
    expect(long.expressions).toEqual([]);
  }, 120_000);

  it('user-given onset/apex/offset override spotting', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D' }] });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models, { onset: 3, apex: 20, offset: 25 });
    expect(report.spotting).toMatchObject({ onset: 3, apex: 20, offset: 25, source: 'user', curve: [] });
    expect(report.expressions).toHaveLength(1);
    await expect(analyzeClip(framesOf(clip), pipeline().models, { onset: 20, apex: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(analyzeClip(framesOf(clip), pipeline().models, { onset: 3, apex: 99 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 120_000);

  it('user-given frames with per-frame motion keep the motion curve of the event for the timeline, and spot nothing', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D' }] });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models, { onset: 3, apex: 20, offset: 25, frameMotion: true });
    expect(report.spotting).toMatchObject({ onset: 3, apex: 20, offset: 25, source: 'user', intervals: [] });
    const curve = report.spotting.curve;
    // Only the event was measured (up to its offset): the curve rises inside it and reads 0 before the onset.
    expect(curve).toHaveLength(26);
    expect(Math.max(...curve.slice(3, 26))).toBeGreaterThan(0);
    expect(curve.slice(0, 3).every((v) => v === 0)).toBe(true);
  }, 120_000);

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const clip = meClip(pipeline().subject, { aus: [{ au: 12, intensity: 'D' }] });
    const run = analyzeClip(framesOf(clip), pipeline().models, { signal: controller.signal, onProgress: (done) => done > 5 && controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  }, 120_000);
});
