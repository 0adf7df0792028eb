import { describe, expect, it } from 'vitest';
import { synthesize, type SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { EYES, eyeGeometry, GAZE_SHIFT, LID_TRAVEL } from '../../src/main/analysis/synth/confounders';
import { faceFrame } from '../../src/main/analysis/synth/face-frame';
import { glassesShape } from '../../src/main/analysis/synth/glasses';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';

const SIZE = 192;
const landmarks = canonicalLandmarks(SIZE, SIZE, 150);
const photo = drawFace(SIZE, SIZE, landmarks);
const base: SynthOptions = { photo, landmarks, aus: [], fps: 100, frames: 60, onset: 8, apex: 20, offset: 36 };
const y = (points: readonly (readonly number[])[], i: number): number => (points[i] as readonly number[])[1] as number;
const x = (points: readonly (readonly number[])[], i: number): number => (points[i] as readonly number[])[0] as number;

describe('synthesize: confounders with exact truth', () => {
  it('a blink draws the upper lids down by closure × travel × opening at its apex, and nowhere else', () => {
    const blinks = [{ onset: 10, apex: 14, offset: 20, closure: 1 }, { onset: 30, apex: 33, offset: 38, closure: 0.5 }];
    const clip = synthesize({ ...base, confounders: { blinks } });
    for (const eye of EYES) {
      const { opening } = eyeGeometry(landmarks, eye);
      // Within 1 %: the landmark sits between the field's pixels (bilinear sample of the peak).
      const full = y(clip.landmarksAt(14), eye.top) - y(landmarks, eye.top);
      expect(Math.abs(full / (LID_TRAVEL * opening) - 1)).toBeLessThan(0.01);
      expect(y(clip.landmarksAt(33), eye.top) - y(landmarks, eye.top)).toBeCloseTo(0.5 * full, 6);
      // The eye closes: the lower lid moves far less than the upper one; the brow hardly at all.
      const closed = y(clip.landmarksAt(14), eye.bottom) - y(clip.landmarksAt(14), eye.top);
      expect(closed).toBeLessThan(0.5 * opening);
      expect(Math.abs(y(clip.landmarksAt(14), eye.brow[2] as number) - y(landmarks, eye.brow[2] as number))).toBeLessThan(0.1 * LID_TRAVEL * opening);
      for (const t of [10, 20, 25, 30, 38]) expect(y(clip.landmarksAt(t), eye.top)).toBeCloseTo(y(landmarks, eye.top), 6);
    }
    expect(clip.truth.intervals).toEqual([
      { kind: 'blink', onset: 10, apex: 14, offset: 20, facs: '45', closure: 1 },
      { kind: 'blink', onset: 30, apex: 33, offset: 38, facs: '45', closure: 0.5 },
    ]);
    // Rendered pixels change only around the eyes: nothing below the nose moves.
    const [a, b] = [clip.render(10).data, clip.render(14).data];
    const frame = faceFrame(landmarks);
    let far = 0;
    for (let i = 0; i < a.length; i += 3) {
      const py = Math.floor(i / 3 / SIZE);
      if (py > frame.center[1] + 0.1 * frame.height && a[i] !== b[i]) far += 1;
    }
    expect(far).toBe(0);
  });

  it('a saccade shifts both irises fast and holds the gaze until the next one', () => {
    const clip = synthesize({ ...base, confounders: { saccades: [{ onset: 10, offset: 13, to: 1 }, { onset: 40, offset: 42, to: -0.5 }] } });
    for (const eye of EYES) {
      const g = eyeGeometry(landmarks, eye);
      // Iris centre: the field's anchor, between the corners; sample the displacement at the landmarks' mean via the lid centre column.
      const shiftAt = (t: number) => {
        const lm = clip.landmarksAt(t);
        return (x(lm, eye.top) + x(lm, eye.bottom)) / 2 - (x(landmarks, eye.top) + x(landmarks, eye.bottom)) / 2;
      };
      expect(shiftAt(10)).toBeCloseTo(0, 6);
      const held = shiftAt(13);
      expect(held).toBeGreaterThan(0.5 * GAZE_SHIFT * g.width);
      expect(shiftAt(30)).toBeCloseTo(held, 6);
      expect(shiftAt(42)).toBeCloseTo(-0.5 * held, 3);
      expect(shiftAt(11)).toBeGreaterThan(0);
      expect(shiftAt(11)).toBeLessThan(held);
    }
    expect(clip.truth.intervals.map((i) => [i.kind, i.onset, i.offset])).toEqual([['gaze', 10, 13], ['gaze', 40, 42]]);
  });

  it('speech opens the jaw at syllable rate inside its bout only', () => {
    const clip = synthesize({ ...base, fps: 100, frames: 200, confounders: { speech: [{ onset: 20, offset: 180, rate: 5, depth: 1 }] } });
    const chin = Array.from({ length: 200 }, (_, t) => y(clip.landmarksAt(t), 152) - y(landmarks, 152));
    expect(chin[10]).toBe(0);
    expect(chin[190]).toBe(0);
    expect(Math.max(...chin)).toBeGreaterThan(0.01 * 150);
    // 1.6 s at 5 syllables a second: 8 openings.
    const peaks = chin.filter((v, t) => t > 0 && t < 199 && v > 0.5 * Math.max(...chin) && v >= (chin[t - 1] as number) && v > (chin[t + 1] as number)).length;
    expect(peaks).toBe(8);
    expect(clip.truth.intervals[0]).toMatchObject({ kind: 'speech', onset: 20, offset: 180 });
  });

  it('tremor is rigid, small and fast: distances between landmarks are kept', () => {
    const clip = synthesize({ ...base, confounders: { tremor: { amplitude: 0.6, frequency: 9 } } });
    const moves = Array.from({ length: 60 }, (_, t) => x(clip.landmarksAt(t), 1) - x(landmarks, 1));
    expect(Math.max(...moves.map(Math.abs))).toBeLessThanOrEqual(0.6 + 1e-9);
    expect(Math.max(...moves) - Math.min(...moves)).toBeGreaterThan(0.3);
    const lm = clip.landmarksAt(17);
    for (const [i, j] of [[33, 263], [1, 152], [61, 291]] as const) {
      expect(Math.hypot(x(lm, i) - x(lm, j), y(lm, i) - y(lm, j))).toBeCloseTo(Math.hypot(x(landmarks, i) - x(landmarks, j), y(landmarks, i) - y(landmarks, j)), 6);
    }
  });

  it('glasses move rigidly with the head while the skin under them deforms; the skin truth flow is unchanged', () => {
    const head = { translate: [5, -3] as const, rotateDeg: 3 };
    const aus = [{ au: 1, intensity: 'E' as const }, { au: 2, intensity: 'E' as const }];
    const plain = synthesize({ ...base, aus, head });
    const withGlasses = synthesize({ ...base, aus, head, confounders: { glasses: {} } });
    const shape = glassesShape(landmarks, faceFrame(landmarks));
    const lens = shape.lenses[0];
    const rimTop = [lens.center[0] + shape.up[0] * lens.b, lens.center[1] + shape.up[1] * lens.b] as const;
    for (const t of [0, base.apex, 59]) {
      const [qx, qy] = withGlasses.glassesPointAt(t, rimTop[0], rimTop[1]) as [number, number];
      // The rim is where the head pose alone puts it: the brow raise does not carry it.
      const pose = plain.landmarksAt(t);
      const still = synthesize({ ...base, head }).landmarksAt(t);
      expect(Math.hypot(x(pose, 105) - x(still, 105), y(pose, 105) - y(still, 105))).toBeGreaterThanOrEqual(t === base.apex ? 1 : 0);
      const frame = withGlasses.render(t).data;
      const px = (Math.round(qy) * SIZE + Math.round(qx)) * 3;
      expect(frame[px]).toBeLessThan(60);
    }
    expect(Buffer.from(withGlasses.flow.expression.data.buffer).equals(Buffer.from(plain.flow.expression.data.buffer))).toBe(true);
    expect(withGlasses.glassesPointAt(0, 10, 10)).toEqual([10, 10]);
    expect(plain.glassesPointAt(0, 10, 10)).toBeNull();
    // A slide moves the frame down the nose over the clip, not the skin.
    const sliding = synthesize({ ...base, confounders: { glasses: { slide: 3 } } });
    expect((sliding.glassesPointAt(59, rimTop[0], rimTop[1]) as [number, number])[1] - rimTop[1]).toBeCloseTo(3, 6);
    expect(sliding.landmarksAt(59)).toEqual(synthesize(base).landmarksAt(59));
  });

  it('glasses show specular highlights on the lenses', () => {
    const clip = synthesize({ ...base, confounders: { glasses: { reflections: true } } });
    const dull = synthesize({ ...base, confounders: { glasses: { reflections: false } } });
    const [a, b] = [clip.render(0).data, dull.render(0).data];
    let brighter = 0;
    for (let i = 0; i < a.length; i += 1) if ((a[i] as number) > (b[i] as number) + 20) brighter += 1;
    expect(brighter).toBeGreaterThan(20);
  });

  it('lighting flicker changes pixels, never the geometry: the truth flow is the same', () => {
    const aus = [{ au: 12, intensity: 'D' as const }];
    const lit = synthesize({ ...base, aus, confounders: { lighting: { banding: 0.08, flicker: 0.05, exposureDrift: 0.1 } } });
    const plain = synthesize({ ...base, aus });
    expect(Buffer.from(lit.flow.total.data.buffer).equals(Buffer.from(plain.flow.total.data.buffer))).toBe(true);
    expect(lit.landmarksAt(base.apex)).toEqual(plain.landmarksAt(base.apex));
    expect(Buffer.from(lit.render(3).data).equals(Buffer.from(plain.render(3).data))).toBe(false);
    expect(lit.truth.confounders.lighting).toEqual({ banding: 0.08, flicker: 0.05, exposureDrift: 0.1 });
  });

  it('further expressions add their own intervals, micro or macro by duration at the capture rate', () => {
    const clip = synthesize({ ...base, aus: [{ au: 12, intensity: 'C' }], frames: 200, confounders: { expressions: [{ aus: [{ au: 4, intensity: 'D' }], onset: 60, apex: 100, offset: 170 }] } });
    expect(clip.truth.intervals).toEqual([
      { kind: 'micro', onset: 8, apex: 20, offset: 36, facs: '12C' },
      { kind: 'macro', onset: 60, apex: 100, offset: 170, facs: '4D' },
    ]);
    expect(y(clip.landmarksAt(100), 107)).toBeGreaterThan(y(landmarks, 107) + 0.5);
  });

  it('refuses confounders outside the clip or out of range', () => {
    expect(() => synthesize({ ...base, confounders: { blinks: [{ onset: 50, apex: 55, offset: 70, closure: 1 }] } })).toThrow(/blink needs onset < apex < offset/);
    expect(() => synthesize({ ...base, confounders: { blinks: [{ onset: 5, apex: 6, offset: 9, closure: 1.5 }] } })).toThrow(/closure/);
    expect(() => synthesize({ ...base, confounders: { saccades: [{ onset: 20, offset: 22, to: 1 }, { onset: 10, offset: 12, to: 0 }] } })).toThrow(/in order/);
    expect(() => synthesize({ ...base, confounders: { speech: [{ onset: 1, offset: 30, rate: 40, depth: 1 }] } })).toThrow(/rate/);
    expect(() => synthesize({ ...base, confounders: { tremor: { amplitude: 9, frequency: 9 } } })).toThrow(/tremor/);
  });
});
