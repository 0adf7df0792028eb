import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyzeReportSchema } from '../../src/shared/api/analysis';
import { runCli } from '../../src/main/cli/main';
import { openWorkspace } from '../../src/main/store';
import { SAMPLES } from '../helpers/faces';
import { useQwen3TinyModels } from '../helpers/qwen3';

const makeQwen3Model = useQwen3TinyModels();

const root = mkdtempSync(join(tmpdir(), 'mellm-analyze-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mellm synth + mellm analyze', () => {
  it('synthesises a clip from a real photo and analyses it; the JSON has the documented shape', async () => {
    const out = join(root, 'clip');
    const synth = await cli('synth', '--out', out, '--photo', join(SAMPLES, 'sample3.jpg'), '--aus', '6D+12D', '--frames', '30', '--size', '256x192', '--seed', '4', '--json');
    expect(synth.code).toBe(0);
    const [written] = (JSON.parse(synth.out) as { clips: Array<{ apex: number; facs: string; label: string }> }).clips;
    expect(written).toMatchObject({ facs: '6D+12D', label: 'Positive' });
    for (const file of ['clip.mp4', 'flow_expression.flo', 'flow_head.flo', 'truth.json', 'frames/frame_00029.png']) expect(existsSync(join(out, file))).toBe(true);

    const analysed = await cli('analyze', join(out, 'frames'), '--json');
    expect(analysed.code).toBe(0);
    const report = AnalyzeReportSchema.parse(JSON.parse(analysed.out));
    expect(report.clip).toMatchObject({ frames: 30, fps: 30, width: 256, height: 192 });
    expect(Math.abs((report.spotting.apex as number) - (written?.apex as number))).toBeLessThanOrEqual(2);
    expect(report.aus.map((a) => a.code)).toContain('AU12');
    expect(report.emotion.label3).toBe('Positive');
    expect(Object.keys(report.timings)).toEqual(expect.arrayContaining(['face', 'spotting', 'flow', 'total']));

    // User frames override spotting; the workspace form stores the analysis.
    const workspace = join(root, 'w.mellm');
    expect((await cli('workspace', 'create', workspace)).code).toBe(0);
    // --fps: the rate the face was filmed at. No offset given: 2 → 29 (the apex mirrored, clipped) is 135 ms at 200 fps,
    // and 18 frames onset → apex (90 ms) can never make it macro (at 30 fps: 600 ms).
    const given = await cli('analyze', join(out, 'frames'), '--onset', '2', '--apex', '20', '--fps', '200', '--workspace', workspace, '--json');
    const givenReport = AnalyzeReportSchema.parse(JSON.parse(given.out));
    expect(givenReport.spotting).toMatchObject({ onset: 2, apex: 20, source: 'user', capture_fps: 200 });
    expect(givenReport.clip).toMatchObject({ fps: 30, capture_fps: 200 });
    expect(givenReport.expressions[0]?.duration_ms).toBe(135);
    expect(givenReport.expressions[0]?.kind).not.toBe('macro');
    expect((await cli('analyze', '--workspace', workspace, '--all', '--fps', '200')).err).toMatch(/--fps sets one clip's capture rate/);
    expect((await cli('analyze', join(out, 'frames'), '--fps', '20000')).err).toMatch(/at most 10000/);
    const info = await cli('workspace', 'info', workspace, '--json');
    expect(JSON.parse(info.out)).toMatchObject({ counts: { clips: 1, events: 1, analyses: 1 } });
    // Frames given: nothing was spotted whole, so the clip has no spotting run. Spotted whole, it keeps the run.
    const kept = async () => {
      const ws = await openWorkspace(workspace);
      try {
        return await ws.spottingRuns.latest(1);
      } finally {
        await ws.close();
      }
    };
    expect(await kept()).toBeNull();
    expect((await cli('analyze', join(out, 'frames'), '--workspace', workspace)).code).toBe(0);
    const run = await kept();
    expect(run).toMatchObject({ clipId: 1, configKey: null, settings: { captureFps: 200 }, report: { source: 'spotting', capture_fps: 200 } });
    expect(run?.curve).toHaveLength(30);
    expect((run?.report as { intervals: unknown[] }).intervals.length).toBeGreaterThan(0);

    expect((await cli('analyze', join(out, 'frames'), '--onset', '2')).code).not.toBe(0);
    expect((await cli('analyze', join(root, 'missing.mp4'))).code).not.toBe(0);
  }, 180_000);

  it('writes the description with an LLM when one is given, and records which wrote it', async () => {
    const llm = await makeQwen3Model(join(root, 'tiny-llm'));
    const out = join(root, 'llm-clip');
    expect((await cli('synth', '--out', out, '--photo', join(SAMPLES, 'sample2.jpg'), '--aus', '1D+2D', '--frames', '30', '--size', '256x192')).code).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as { onset: number; apex: number };
    const analysed = await cli('analyze', join(out, 'clip.mp4'), '--onset', String(truth.onset), '--apex', String(truth.apex), '--llm', llm, '--max-new-tokens', '16', '--json');
    const report = AnalyzeReportSchema.parse(JSON.parse(analysed.out));
    expect(report.description_source).toBe('llm');
    expect(report.expressions[0]?.description_model).not.toMatch(/^describer/);
    // And by what the model is: the fingerprint of its files, in the expression and the models list.
    const content = report.expressions[0]?.description_model_content;
    expect(content).toMatch(/^[0-9a-f]{16}$/);
    expect(report.models).toContainEqual({ id: report.expressions[0]?.description_model, version: `llm ${content}` });
    expect(report.models.length).toBeGreaterThan(3);
  }, 180_000);
});
