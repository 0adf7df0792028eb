import { describe, expect, it } from 'vitest';
import { ROI_NAMES } from '@shared/rois';
import { classifyInterval, DEFAULT_CLASS_THRESHOLDS, spot, type MotionSignal } from '../../src/main/analysis/spotting';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';

/**
 * Micro / macro by duration at the capture rate. The frame counts are CASME II's: a
 * 200-fps clip whose expression spans 44 frames, passed around re-encoded at 30 fps.
 */
describe('classifyInterval', () => {
  const casme = { onset: 0, apex: 20, offset: 44, offsetUnclear: false };

  it('classes the same 44 frames micro at the 200-fps capture rate and macro at the 30-fps container rate', () => {
    expect(classifyInterval(casme, 200)).toEqual({ kind: 'micro', durationMs: 220, basis: 'offset' });
    expect(classifyInterval(casme, 30)).toEqual({ kind: 'macro', durationMs: 1467, basis: 'offset' });
  });

  it('puts exactly 500 ms onset → offset in micro and one frame more in macro', () => {
    expect(classifyInterval({ onset: 10, apex: 20, offset: 110, offsetUnclear: false }, 200).kind).toBe('micro');
    expect(classifyInterval({ onset: 10, apex: 20, offset: 111, offsetUnclear: false }, 200).kind).toBe('macro');
  });

  it('classes an interval with an unclear offset by onset → apex (≤ 250 ms), whatever its onset → offset', () => {
    // 2 s onset → offset, but the apex 200 ms in: the offset is where the clip ended.
    expect(classifyInterval({ onset: 0, apex: 6, offset: 60, offsetUnclear: true }, 30)).toEqual({ kind: 'micro', durationMs: 2000, basis: 'apex' });
    expect(classifyInterval({ onset: 0, apex: 9, offset: 12, offsetUnclear: true }, 30)).toEqual({ kind: 'macro', durationMs: 400, basis: 'apex' });
  });

  it('takes its thresholds from the caller (Settings)', () => {
    const strict = { microMaxMs: 200, microOnsetApexMaxMs: 100 };
    expect(classifyInterval(casme, 200, strict).kind).toBe('macro');
    expect(classifyInterval({ ...casme, offsetUnclear: true }, 200, strict).kind).toBe('micro');
    expect(classifyInterval({ ...casme, offsetUnclear: true }, 200, { ...strict, microOnsetApexMaxMs: 100 }).durationMs).toBe(220);
    expect(classifyInterval(casme, 30, { microMaxMs: 1500, microOnsetApexMaxMs: 250 }).kind).toBe('micro');
    expect(DEFAULT_CLASS_THRESHOLDS).toEqual({ microMaxMs: 500, microOnsetApexMaxMs: 250 });
  });

  it('refuses a rate that is not positive and frames out of order', () => {
    expect(() => classifyInterval(casme, 0)).toThrow(/capture rate/);
    expect(() => classifyInterval(casme, Number.NaN)).toThrow(/capture rate/);
    expect(() => classifyInterval({ onset: 5, apex: 3, offset: 9, offsetUnclear: false }, 30)).toThrow(/onset ≤ apex ≤ offset/);
  });
});

/** |D(t) − D(t − lag)| on the brows for one expression, zero elsewhere. */
function browSignal(frames: number, lag: number, e: { onset: number; apex: number; offset: number }): MotionSignal {
  const brows = new Set(['Left Inner Eyebrow', 'Right Inner Eyebrow', 'Left Outer Eyebrow', 'Right Outer Eyebrow']);
  const d = (roi: string, t: number) => (brows.has(roi) ? 0.6 * expressionProfile(t, e.onset, e.apex, e.offset) : 0);
  const channels: Record<string, Float32Array> = {};
  let k = 0;
  for (const roi of ROI_NAMES) {
    const values = new Float32Array(frames);
    // A little deterministic noise so the threshold is set by the noise, not the floor.
    for (let t = lag; t < frames; t += 1) values[t] = Math.abs(d(roi, t) - d(roi, t - lag) + 0.005 * Math.sin(1.7 * t + k));
    channels[roi] = values;
    k += 1;
  }
  return { lag, channels };
}

describe('spot: classes at the rate it is given', () => {
  // 44 frames onset → offset (CASME II at 200 fps), lag 0.2 s of the capture rate.
  const event = { onset: 60, apex: 80, offset: 104 };

  it('the same frames are micro at 200 fps and macro when read at 30 fps', () => {
    const signal = browSignal(260, 40, event);
    const [atCapture] = spot(signal, 200).intervals;
    const [atContainer] = spot(signal, 30).intervals;
    expect(atCapture).toMatchObject({ kind: 'micro', offsetUnclear: false, classBasis: 'offset' });
    expect(atCapture?.durationMs).toBeLessThanOrEqual(500);
    expect(atContainer).toMatchObject({ kind: 'macro', classBasis: 'offset' });
    expect(atContainer?.durationMs).toBeGreaterThan(1000);
  });

  it('an expression still rising when the clip ends has an unclear offset and is classed by onset → apex', () => {
    // Cut 10 frames after the apex: the signal never falls back before the clip's last frame.
    const cut = browSignal(event.apex + 10, 40, { onset: 60, apex: 80, offset: 400 });
    const [iv] = spot(cut, 200).intervals;
    expect(iv).toMatchObject({ offsetUnclear: true, classBasis: 'apex', kind: 'micro' });
    const [slow] = spot(cut, 200, { microOnsetApexMaxMs: 50 }).intervals;
    expect(slow).toMatchObject({ offsetUnclear: true, kind: 'macro' });
  });
});
