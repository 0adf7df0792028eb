import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzeReportSchema, type AnalyzeReport } from '../../src/shared/api/analysis';
import { analyzeSummary } from '../../src/main/cli/analyze-summary';
import { runCli } from '../../src/main/cli/main';
import { SAMPLES } from '../helpers/faces';

const root = mkdtempSync(join(tmpdir(), 'mellm-analyze-summary-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: () => undefined });
  return { code, out: out.join('\n') };
}

/** A generated clip with a blink (seed 2 spots it as a blink and classes it one), analysed whole through the CLI. */
let report: AnalyzeReport;
beforeAll(async () => {
  const out = join(root, 'clip');
  const synth = await cli('synth', '--out', out, '--photo', join(SAMPLES, 'sample3.jpg'), '--with', 'blinks', '--aus', '1B', '--frames', '90', '--size', '320x240', '--seed', '2');
  expect(synth.code).toBe(0);
  const analysed = await cli('analyze', join(out, 'clip.mp4'), '--json');
  expect(analysed.code).toBe(0);
  report = AnalyzeReportSchema.parse(JSON.parse(analysed.out));
}, 120_000);

describe("mellm analyze's text", () => {
  it('says what it set aside: the blinks the lid spotter found', () => {
    expect(report.spotting.blinks?.length).toBeGreaterThan(0);
    const [blink] = report.spotting.blinks ?? [];
    expect(analyzeSummary(report)).toContain(`blinks (not expressions): ${blink?.onset}–${blink?.offset}`);
  });

  it('lists each interval read as a blink, with the AUs read, as not offered (as the Annotate queue does)', () => {
    // The pipeline writes one of these when a spotted interval peaks on a blink and reads only its spill (blink-interval.ts).
    const [blink] = report.spotting.blinks ?? [];
    const readAsBlink = [{ onset: blink!.onset, apex: blink!.apex, offset: blink!.offset, facs: '1B+2B+45D' }, { onset: 70, apex: 73, offset: 77, facs: '' }];
    const text = analyzeSummary(AnalyzeReportSchema.parse({ ...report, spotting: { ...report.spotting, read_as_blink: readAsBlink } }));
    const lines = text.split('\n');
    expect(lines).toContain(`read as a blink (not offered) ${blink!.onset}–${blink!.offset}: its AUs 1B+2B+45D are the blink and its spill`);
    expect(lines).toContain('read as a blink (not offered) 70–77: no AU read');
    // Set aside: after the description, before the timings.
    expect(lines.findIndex((l) => l.startsWith('read as a blink'))).toBeLessThan(lines.findIndex((l) => l.startsWith('timings')));
    expect(analyzeSummary(report)).not.toContain('read as a blink');
  });
});
