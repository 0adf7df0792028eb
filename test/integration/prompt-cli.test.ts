import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzeReportSchema, type AnalyzeReport } from '../../src/shared/api/analysis';
import { buildPrompt } from '../../src/main/analysis/prompt';
import { runCli } from '../../src/main/cli/main';
import { readPromptFile } from '../../src/main/cli/describe';
import { SAMPLES } from '../helpers/faces';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'out', 'main', 'cli.js');
const SCRIPT = join(ROOT, 'scripts', 'mellm-prompt-golden.py');
const root = mkdtempSync(join(tmpdir(), 'mellm-prompt-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs a command in this process; `written` is what it wrote byte for byte (as the binary would to stdout). */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const chunks: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), write: (t) => chunks.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n'), written: chunks.join('') };
}

let frames: string;
let report: AnalyzeReport;
let analysisJson: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('Build the app first: npm run build');
  const clip = join(root, 'clip');
  const synth = await cli('synth', '--out', clip, '--photo', join(SAMPLES, 'sample3.jpg'), '--aus', '4D+7C', '--frames', '30', '--size', '256x192', '--seed', '18');
  expect(synth.code, synth.err).toBe(0);
  frames = join(clip, 'frames');
  const analysed = await cli('analyze', frames, '--json');
  expect(analysed.code, analysed.err).toBe(0);
  report = AnalyzeReportSchema.parse(JSON.parse(analysed.out));
  analysisJson = join(root, 'analysis.json');
  writeFileSync(analysisJson, analysed.out);
}, 180_000);

describe('mellm analyze / mellm prompt: the mellm prompt byte for byte', () => {
  it("analyze --json writes the reference's text, equal to what the python3 golden script makes of the same 29 ROI statistics", () => {
    expect(report.prompt_format).toBe('mellm');
    expect(report.rois).toHaveLength(29);
    const stats = join(root, 'stats.json');
    writeFileSync(stats, JSON.stringify({ cases: [{ name: 'run', rois: report.rois }] }));
    // python3 runs here and in CI: the reference's formatting rules, Python's own number printing.
    const golden = spawnSync('python3', [SCRIPT, stats, '--case', 'run'], { encoding: 'buffer' });
    expect(golden.status, golden.stderr.toString()).toBe(0);
    expect(Buffer.from(report.prompt, 'utf8').equals(golden.stdout)).toBe(true);
  });

  it('the built mellm prompt prints it exactly, from the analysis JSON or a stored analysis', () => {
    const run = spawnSync(process.execPath, [CLI, 'prompt', analysisJson], { encoding: 'buffer' });
    expect(run.status, run.stderr.toString()).toBe(0);
    expect(run.stdout.toString('utf8')).toBe(report.prompt);
    const storedForm = join(root, 'stored.json');
    writeFileSync(storedForm, JSON.stringify({ id: 1, expression: report.expressions[0] }));
    const stored = spawnSync(process.execPath, [CLI, 'prompt', storedForm], { encoding: 'utf8' });
    expect(stored.stdout).toBe(report.prompt);
    const json = spawnSync(process.execPath, [CLI, 'prompt', analysisJson, '--prompt-format', 'json'], { encoding: 'utf8' });
    expect(json.stdout).toBe(`${buildPrompt(report.rois, 'json')}\n`);
  });

  it('for a clip it runs the analysis in the asked format', async () => {
    const fromClip = await cli('prompt', frames);
    expect(fromClip.code, fromClip.err).toBe(0);
    expect(fromClip.written).toBe(report.prompt);
    const json = await cli('analyze', frames, '--prompt-format', 'json', '--json');
    const jsonReport = AnalyzeReportSchema.parse(JSON.parse(json.out));
    expect(jsonReport.prompt_format).toBe('json');
    expect(jsonReport.prompt).toBe(buildPrompt(report.rois, 'json'));
  }, 120_000);

  it('refuses what it cannot write, with the reason', async () => {
    const format = await cli('prompt', analysisJson, '--prompt-format', 'yaml');
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/--prompt-format must be mellm or json, got "yaml"/);
    expect((await cli('prompt', join(root, 'missing.json'))).code).toBe(1);
    const old = join(root, 'old.json');
    writeFileSync(old, JSON.stringify({ prompt: 'Based on …', rois: report.rois.map(({ stats: _, ...rest }) => rest) }));
    const noStats = await cli('prompt', old);
    expect(noStats.code).toBe(2);
    expect(noStats.err).toMatch(/no reference statistics/);
    expect((await cli('prompt', old, '--prompt-format', 'json')).written).toBe(`${buildPrompt(report.rois, 'json')}\n`);
    expect((await cli('prompt', analysisJson, '--onset', '3')).err).toMatch(/for a clip/);
    expect((await cli('--help')).out).toMatch(/\n {2}prompt +print the prompt an LLM gets/);
  });

  it('mellm describe takes the analysis prompt, or rewrites it in the asked format', async () => {
    expect(await readPromptFile(analysisJson)).toBe(report.prompt);
    expect(await readPromptFile(analysisJson, 'json')).toBe(buildPrompt(report.rois, 'json'));
    const text = join(root, 'prompt.txt');
    writeFileSync(text, 'Describe AU4.');
    expect(await readPromptFile(text)).toBe('Describe AU4.');
    await expect(readPromptFile(text, 'mellm')).rejects.toThrow(/used as it is/);
  });
});
