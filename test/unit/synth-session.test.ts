import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFOUNDER_NAMES, planSession, synthesizeSession } from '../../src/main/analysis/synth/session';
import type { TruthInterval } from '../../src/main/analysis/synth/confounders';
import { writeSynthVideo } from '../../src/main/analysis/synth/write';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';
import { useTempDir } from '../helpers/tmp';

const all = Object.fromEntries(CONFOUNDER_NAMES.map((n) => [n, true]));
const tempDir = useTempDir('mellm-session-');

describe('planSession: long recordings with exact interval truth', () => {
  const plan = planSession({ seconds: 600, fps: 30, seed: 7, ...all });
  const landmarks = canonicalLandmarks(96, 96, 80);
  const truth = synthesizeSession({ photo: drawFace(96, 96, landmarks), landmarks }, plan).truth;
  const of = (kind: TruthInterval['kind']) => truth.intervals.filter((i) => i.kind === kind);
  const overlap = (a: TruthInterval, b: TruthInterval) => a.onset <= b.offset && b.onset <= a.offset;

  it('has sparse micro- and macro-expressions, blinks, gaze shifts and talking over the 10 minutes', () => {
    expect(truth.frames).toBe(18_000);
    expect(of('micro')).toHaveLength(10);
    expect(of('macro')).toHaveLength(6);
    expect(of('blink').length).toBeGreaterThan(100);
    expect(of('blink').some((b) => (b.closure ?? 1) < 1)).toBe(true);
    expect(of('gaze').length).toBeGreaterThan(80);
    const talking = of('speech').reduce((s, i) => s + i.offset - i.onset, 0);
    expect(talking / truth.frames).toBeGreaterThan(0.2);
    for (const m of of('micro')) expect(((m.offset - m.onset) / 30) * 1000).toBeLessThanOrEqual(500);
    for (const m of of('macro')) expect(((m.offset - m.onset) / 30) * 1000).toBeGreaterThanOrEqual(500);
    expect(truth.confounders.glasses).toEqual({});
    expect(truth.confounders.tremor).not.toBeNull();
    expect(truth.confounders.lighting).toMatchObject({ mains: 50 });
  });

  it('keeps expressions apart from each other, from speech and from blinks; blinks and gaze shifts never overlap', () => {
    const expressions = [...of('micro'), ...of('macro')];
    for (const [i, a] of expressions.entries()) {
      for (const b of expressions.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      for (const b of [...of('speech'), ...of('blink'), ...of('gaze')]) expect(overlap(a, b), `${a.kind} ${a.onset} vs ${b.kind} ${b.onset}`).toBe(false);
    }
    const eyes = [...of('blink'), ...of('gaze')].sort((a, b) => a.onset - b.onset);
    for (let i = 1; i < eyes.length; i += 1) expect((eyes[i] as TruthInterval).onset).toBeGreaterThan((eyes[i - 1] as TruthInterval).offset);
    for (const iv of truth.intervals) {
      expect(iv.onset).toBeLessThan(iv.offset);
      expect(iv.apex).toBeGreaterThanOrEqual(iv.onset);
      expect(iv.apex).toBeLessThanOrEqual(iv.offset);
      expect(iv.offset).toBeLessThan(truth.frames);
    }
  });

  it('is reproducible per seed and differs between seeds', () => {
    expect(planSession({ seconds: 600, fps: 30, seed: 7, ...all })).toEqual(plan);
    expect(planSession({ seconds: 600, fps: 30, seed: 8, ...all })).not.toEqual(plan);
    // At 200 fps the same seconds hold the same kinds of intervals, in frames of that rate.
    const fast = planSession({ seconds: 120, fps: 200, seed: 3, blinks: true });
    expect(fast.frames).toBe(24_000);
    expect(fast.confounders.blinks?.every((b) => b.offset - b.onset >= 30)).toBe(true);
  });

  it('refuses sessions it cannot plan', () => {
    expect(() => planSession({ seconds: 2, fps: 30, seed: 1 })).toThrow(/5–3600 s/);
    expect(() => planSession({ seconds: 10, fps: 30, seed: 1, microPerMinute: 60 })).toThrow(/no room/);
  });
});

describe('writeSynthVideo: a recording streamed into ffmpeg', () => {
  it('writes every frame to the mp4 and the truth beside it, and refuses to overwrite', async () => {
    const landmarks = canonicalLandmarks(96, 96, 80);
    const plan = planSession({ seconds: 6, fps: 30, seed: 2, blinks: true, speech: true, glasses: true, flicker: true });
    const clip = synthesizeSession({ photo: drawFace(96, 96, landmarks), landmarks }, plan);
    const dir = tempDir();
    const seen: number[] = [];
    const files = await writeSynthVideo(clip, join(dir, 'session.mp4'), { crf: 20, onFrame: (t) => seen.push(t) });
    expect(seen).toHaveLength(180);
    expect(files.truth).toBe(join(dir, 'session.truth.json'));
    const truth = JSON.parse(readFileSync(files.truth, 'utf8')) as { frames: number; intervals: TruthInterval[]; files: { mp4: string } };
    expect(truth.frames).toBe(180);
    expect(truth.intervals).toEqual(JSON.parse(JSON.stringify(clip.truth.intervals)));
    expect(truth.files.mp4).toBe('session.mp4');
    const ffprobe = join(locateFfmpeg().path, '..', 'ffprobe');
    if (existsSync(ffprobe)) {
      const probe = spawnSync(ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', files.mp4], { encoding: 'utf8' });
      expect(probe.stdout.trim()).toBe('180');
    }
    await expect(writeSynthVideo(clip, join(dir, 'session.mp4'))).rejects.toThrow(/already exists/);
    expect(readdirSync(dir).sort()).toEqual(['session.mp4', 'session.truth.json']);
  });
});
