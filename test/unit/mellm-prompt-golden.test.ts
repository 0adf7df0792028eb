import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RoiReportSchema, RoiStatsSchema, type RoiReport } from '@shared/api/analysis';
import { buildPrompt, roiReport } from '../../src/main/analysis/prompt';

/**
 * Goldens: the MELLM reference's prompt for recorded ROI statistics, written by a python3
 * script that follows the reference's formatting rules with Python's own number printing.
 * The statistics (test/fixtures/mellm-prompt/stats.json) are one pipeline run on a
 * generated clip (its "source" says how it was made) and hand-picked edge cases.
 * Regenerate the goldens with:
 *
 *   python3 scripts/mellm-prompt-golden.py test/fixtures/mellm-prompt/stats.json --out-dir test/fixtures/mellm-prompt
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'mellm-prompt');
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'mellm-prompt-golden.py');
const STATS = join(FIXTURES, 'stats.json');

interface Case {
  readonly name: string;
  readonly rois: ReadonlyArray<{ region: string; stats: unknown } & Partial<RoiReport>>;
}
const cases = (JSON.parse(readFileSync(STATS, 'utf8')) as { cases: Case[] }).cases;

/** A stored ROI report as the pipeline writes it; hand-picked cases give the statistics only. */
const stored = (roi: Case['rois'][number]): RoiReport =>
  roi.mean_magnitude === undefined ? roiReport(roi.region, RoiStatsSchema.parse(roi.stats)) : RoiReportSchema.parse(roi);

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'mellm-prompt-golden-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the mellm prompt against the goldens', () => {
  it('covers a real pipeline run and the edge cases', () => {
    expect(cases.map((c) => c.name)).toEqual(['pipeline-4D+7C', 'edge-numbers', 'edge-directions', 'all-still', 'partial', 'no-rois']);
    expect(cases[0]?.rois).toHaveLength(29);
    const golden = readFileSync(join(FIXTURES, 'edge-numbers.txt'), 'utf8');
    // The facts the edge cases pin, as Python printed them.
    for (const text of ['"mean_magnitude":0.0,', '"mean_magnitude":1.0,', '"mean_magnitude":0.1,', '"max_magnitude":1.5e+16,', '"mean_magnitude":123.456,', '(mean magnitude ≈ 1e-05).}', 'concentration ≈ 0.062).}', '"direction":up(92°))}\n']) {
      expect(golden).toContain(text);
    }
    expect(golden).toContain('\n\nFollow these steps for the analysis:\n');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: buildPrompt(…, "mellm") equals the golden byte for byte', (name, c) => {
    const golden = readFileSync(join(FIXTURES, `${name}.txt`));
    expect(Buffer.from(buildPrompt(c.rois.map(stored), 'mellm'), 'utf8').equals(golden)).toBe(true);
    expect(buildPrompt(c.rois.map(stored), 'mellm')).toBe(golden.toString('utf8'));
  });

  it.runIf(python)('the goldens are what the python3 script writes today', () => {
    const run = spawnSync('python3', [SCRIPT, STATS, '--out-dir', scratch], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const written = readdirSync(scratch).sort();
    expect(written).toEqual(cases.map((c) => `${c.name}.txt`).sort());
    for (const file of written) expect(readFileSync(join(scratch, file)).equals(readFileSync(join(FIXTURES, file))), file).toBe(true);
    const one = spawnSync('python3', [SCRIPT, STATS, '--case', 'partial'], { encoding: 'buffer' });
    expect(one.stdout.equals(readFileSync(join(FIXTURES, 'partial.txt')))).toBe(true);
  });
});
