import { describe, expect, it } from 'vitest';
import { apexBesideEyeEvent } from '../../src/main/analysis/apex-beside-eye-event';

/** A face signal from (frame, value) knots, linear between them, zero elsewhere. */
function curve(frames: number, knots: ReadonlyArray<readonly [number, number]>): Float32Array {
  const out = new Float32Array(frames);
  for (let k = 1; k < knots.length; k += 1) {
    const [t0, v0] = knots[k - 1] as readonly [number, number];
    const [t1, v1] = knots[k] as readonly [number, number];
    for (let t = t0; t <= t1; t += 1) out[t] = v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return out;
}

const argmax = (face: Float32Array) => (from: number, to: number): number => {
  let best = from;
  for (let t = from + 1; t <= to; t += 1) if ((face[t] as number) > (face[best] as number)) best = t;
  return best;
};

const lag = 6;
const threshold = 0.1;
// A full blink at 10–18 (its trace with the echo to 24) and an expression rising from 24.
const blinkThenMe: ReadonlyArray<readonly [number, number]> = [[9, 0.02], [13, 1.1], [17, 0.16], [19, 1.1], [24, 0.03], [28, 0.27], [32, 0.03], [34, 0.25], [38, 0.02]];

describe('apexBesideEyeEvent', () => {
  it('takes the expression after a blink: onset where the face parts from the blink, apex its own peak', () => {
    const face = curve(60, blinkThenMe);
    expect(apexBesideEyeEvent(face, { onset: 9, apex: 13, offset: 34 }, [{ onset: 10, end: 24 }], threshold, lag, argmax(face))).toEqual({ onset: 24, apex: 28, offset: 34 });
  });

  it('takes the expression before a gaze shift: offset where the face parts from it', () => {
    const face = curve(60, [[10, 0.02], [15, 0.3], [20, 0.2], [22, 0.03], [26, 0.9], [30, 0.1], [34, 0.02]]);
    expect(apexBesideEyeEvent(face, { onset: 10, apex: 26, offset: 32 }, [{ onset: 23, end: 32 }], threshold, lag, argmax(face))).toEqual({ onset: 10, apex: 15, offset: 22 });
  });

  it('leaves an interval that is only the blink alone', () => {
    const face = curve(60, [[9, 0.02], [13, 1.1], [17, 0.16], [19, 1.1], [24, 0.03]]);
    expect(apexBesideEyeEvent(face, { onset: 9, apex: 13, offset: 22 }, [{ onset: 10, end: 24 }], threshold, lag, argmax(face))).toBeNull();
  });

  it('leaves an interval whose apex is outside every eye event alone', () => {
    const face = curve(60, blinkThenMe);
    expect(apexBesideEyeEvent(face, { onset: 24, apex: 28, offset: 34 }, [{ onset: 10, end: 24 }], threshold, lag, argmax(face))).toBeNull();
  });

  it('does not take the interval’s own echo behind a lid motion read as a blink for a second expression', () => {
    // A lid raise read as a blink at 40 (trace to 46); the face's echo at 48 is the same motion.
    const face = curve(60, [[38, 0.07], [42, 0.79], [46, 0.06], [48, 0.73], [52, 0.2]]);
    expect(apexBesideEyeEvent(face, { onset: 38, apex: 42, offset: 48 }, [{ onset: 40, end: 46 }], threshold, lag, argmax(face))).toBeNull();
  });

  it('does not take a one-frame spike beyond the eye event for an expression', () => {
    const face = curve(60, [[9, 0.02], [13, 1.1], [17, 0.16], [19, 1.1], [24, 0.03], [33, 0.03], [34, 0.25], [35, 0.03], [44, 0.03]]);
    expect(apexBesideEyeEvent(face, { onset: 9, apex: 13, offset: 44 }, [{ onset: 10, end: 24 }], threshold, lag, argmax(face))).toBeNull();
  });

  it('does not part a blink from an expression the face never dips between', () => {
    const face = curve(60, [[9, 0.02], [13, 1.1], [17, 0.6], [19, 1.1], [24, 0.5], [28, 0.7], [34, 0.3], [38, 0.02]]);
    expect(apexBesideEyeEvent(face, { onset: 9, apex: 13, offset: 34 }, [{ onset: 10, end: 24 }], threshold, lag, argmax(face))).toBeNull();
  });
});
