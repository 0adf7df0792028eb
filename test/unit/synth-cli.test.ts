import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import type { TruthInterval } from '../../src/main/analysis/synth/confounders';
import { SAMPLES } from '../helpers/faces';

const root = mkdtempSync(join(tmpdir(), 'mellm-synth-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mellm synth with confounders', () => {
  it('--with adds the chosen confounders to a clip and records them in truth.json', async () => {
    const out = join(root, 'clip');
    const run = await cli('synth', '--out', out, '--photo', join(SAMPLES, 'sample3.jpg'), '--aus', '12D', '--frames', '90', '--size', '160x120', '--with', 'blinks,glasses,flicker', '--seed', '3', '--json');
    expect(run.code, run.err).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as { intervals: TruthInterval[]; confounders: { glasses: unknown; lighting: unknown; tremor: unknown } };
    expect(truth.intervals[0]).toMatchObject({ kind: 'micro', facs: '12D' });
    expect(truth.intervals.some((i) => i.kind === 'blink')).toBe(true);
    expect(truth.confounders.glasses).toEqual({});
    expect(truth.confounders.lighting).toMatchObject({ mains: 50 });
    expect(truth.confounders.tremor).toBeNull();
  }, 60_000);

  it('--session writes one streamed recording with its truth beside it', async () => {
    const out = join(root, 'session');
    const run = await cli('synth', '--out', out, '--session', '6', '--fps', '30', '--size', '96x96', '--photo', join(SAMPLES, 'sample3.jpg'), '--with', 'blinks,speech', '--seed', '2', '--json');
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out) as { mp4: string; truth: string; frames: number; intervals: Record<string, number> };
    expect(result).toMatchObject({ mp4: join(out, 'session.mp4'), truth: join(out, 'session.truth.json'), frames: 180 });
    expect(result.intervals.micro).toBeGreaterThanOrEqual(1);
    const truth = JSON.parse(readFileSync(result.truth, 'utf8')) as { frames: number; intervals: TruthInterval[] };
    expect(truth.frames).toBe(180);
    expect(truth.intervals.filter((i) => i.kind === 'micro')).toHaveLength(result.intervals.micro as number);
  }, 60_000);

  it('refuses an unknown confounder, --aus with --session, and a session too short to plan', async () => {
    expect((await cli('synth', '--out', join(root, 'x'), '--with', 'sneezes')).err).toMatch(/--with/);
    expect((await cli('synth', '--out', join(root, 'y'), '--session', '10', '--aus', '12C', '--photo', join(SAMPLES, 'sample3.jpg'))).err).toMatch(/--aus does not apply to --session/);
    expect((await cli('synth', '--out', join(root, 'z'), '--session', '3')).err).toMatch(/--session/);
  }, 60_000);
});
