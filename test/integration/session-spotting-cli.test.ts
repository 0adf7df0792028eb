import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalyzeReportSchema } from '../../src/shared/api/analysis';
import { evaluateSpotting } from '../../src/main/corpus/evaluate/metrics';
import type { SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { useTempDir } from '../helpers/tmp';

const CLI = resolve(import.meta.dirname, '..', '..', 'out', 'main', 'cli.js');
const tempDir = useTempDir('mellm-session-spotting-');
const mellm = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

/**
 * A 30-s recording as a user makes and reads one (`mellm synth --session`, then `mellm
 * analyze`): head tremor, mains flicker, blinks and gaze shifts around one micro-expression
 * (9E, frames 265–274). The session rule reads each region against its own quiet motion,
 * so the nose wrinkle is offered over its whole course; the pooled threshold offered only
 * its peak, 266–269 (IoU 0.4, no match by the MEGC rule).
 *
 * The blink track holds the seven blinks and nothing else: each eyelid run is read
 * against the lids' quiet motion and must close and reopen, so neither the gaze shift at
 * frame 380 nor the jitter at 149 is a blink.
 *
 * What this cannot show: one generated face and seed; the other expressions' regions,
 * real cameras' noise and real tremor are not in it. The AUs read at this interval
 * (onset 265, apex 270) hold the nose wrinkle at D beside a one-sided lip-corner pull at B
 * the face did not make (the tremor's and flicker's residue on the right lower face): the
 * class must still be the nose wrinkle's.
 */
describe('spotting a session through the CLI', () => {
  it('offers the micro-expression of a tremor-and-flicker session over its whole course and nothing else, its blinks and no gaze shift as blinks, and says the curve counts quiet deviations', () => {
    const out = join(tempDir(), 'session');
    const synth = mellm('synth', '--out', out, '--session', '30', '--fps', '30', '--size', '320x240', '--with', 'blinks,saccades,tremor,flicker', '--seed', '21', '--json');
    expect(synth.status, synth.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, 'session.truth.json'), 'utf8')) as SynthTruth;
    const micro = truth.intervals.filter((iv) => iv.kind === 'micro');
    expect(micro.map((iv) => [iv.facs, iv.onset, iv.offset])).toEqual([['9E', 265, 274]]);
    const analyze = mellm('analyze', join(out, 'session.mp4'), '--json');
    expect(analyze.status, analyze.stderr).toBe(0);
    const report = AnalyzeReportSchema.parse(JSON.parse(analyze.stdout));
    expect(report.spotting.curve_unit).toBe('quiet_deviations');
    const offered = report.expressions.filter((e) => e.kind === 'micro' && e.onset !== null && e.apex !== null && e.offset !== null);
    const score = evaluateSpotting(offered.map((e) => ({ onset: e.onset as number, apex: e.apex as number, offset: e.offset as number })), micro);
    expect(score.truePositives).toBe(1);
    expect(offered).toHaveLength(1);
    const wrinkle = offered.find((e) => (e.onset as number) <= 274 && (e.offset as number) >= 265);
    expect(wrinkle?.facs).toMatch(/(^|\+)[LR]?9[A-E]/);
    // A nose wrinkle is disgust (CASME II: AU9 or AU10); a weaker lip-corner pull beside it does not make it happiness.
    expect(wrinkle?.emotion).toMatchObject({ label: 'disgust', label3: 'Negative' });
    const blinks = truth.intervals.filter((iv) => iv.kind === 'blink');
    expect(blinks).toHaveLength(7);
    const track = report.spotting.blinks ?? [];
    expect(track).toHaveLength(7);
    for (const b of blinks) expect(track.some((t) => t.onset <= b.offset && b.onset <= t.offset)).toBe(true);
  }, 120_000);
});
