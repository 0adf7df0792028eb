import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spot, type MotionSignal } from '../../src/main/analysis/spotting';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';
import { laggedSignal } from '../helpers/lagged-signal';

/**
 * An expression whose echo runs into a blink a few frames after it: the clip spotting keeps the
 * lids' blink where the confounder search took its closing for a gaze step, parts the
 * expression off before it, and classes that part on its own frames. What these cannot show:
 * a real blink's spill onto brows and lids, unmeasured.
 */
const fixture = (name: string): MotionSignal => {
  const raw = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'spotting', name), 'utf8')) as { lag: number; channels: Record<string, number[]> };
  return { lag: raw.lag, channels: Object.fromEntries(Object.entries(raw.channels).map(([k, v]) => [k, Float32Array.from(v)])) };
};

describe('an expression just before a blink (clip spotting)', () => {
  it('spots the lid tightening before the blink of check seed 7900 blinks_me_010 and keeps the blink', () => {
    const result = spot(fixture('blink-after-lid-tightening-7900.json'), 30, { atLeastOne: true });
    expect(result.intervals).toHaveLength(1);
    expect(result.intervals[0]?.onset).toBeLessThanOrEqual(9);
    expect(result.intervals[0]?.apex).toBe(12);
    expect(result.intervals[0]?.offset).toBeLessThan(29);
    expect(result.blinks.some((b) => b.onset <= 32 && 32 <= b.offset)).toBe(true);
  });

  it("keeps a gaze shift after a brow raise a gaze shift: the lids move once, no blink is kept", () => {
    const browRaise = (roi: string, t: number): number => (roi.includes('Eyebrow') ? 0.8 : 0) * expressionProfile(t, 12, 17, 23);
    const gaze = (roi: string, t: number): number => (roi.includes('Eyelid') ? 0.6 : 0) * Math.min(1, Math.max(0, (t - 33) / 2));
    const result = spot(laggedSignal((roi, t) => browRaise(roi, t) + gaze(roi, t), 60, 6, 5), 30, { atLeastOne: true });
    expect(result.blinks).toEqual([]);
    expect(result.confounders.some((c) => c.cause === 'saccade')).toBe(true);
    expect(result.intervals.some((iv) => iv.apex >= 17 && iv.apex <= 21)).toBe(true);
  });
});
