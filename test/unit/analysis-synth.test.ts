import { describe, expect, it } from 'vitest';
import { synthesize, type SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { sampleField, sampleRgb } from '../../src/main/analysis/synth/warp';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { facsString, inferAus } from '../../src/main/analysis/au-rules';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { FACS_RULES } from '../../src/main/analysis/au-table';
import { canonicalLandmarks, drawFace, meshRois } from '../helpers/canonical-face';

const SIZE = 192;
const landmarks = canonicalLandmarks(SIZE, SIZE, 150);
const photo = drawFace(SIZE, SIZE, landmarks);
const base: SynthOptions = { photo, landmarks, aus: [], fps: 200, frames: 40, onset: 8, apex: 20, offset: 36 };
const lateral = new Set(FACS_RULES.filter((r) => r.lateral).map((r) => r.au));

function inferred(options: Partial<SynthOptions>): string {
  const clip = synthesize({ ...base, ...options });
  const features = roiFeatures(clip.flow.expression, meshRois(landmarks, clip.truth.faceHeight), clip.truth.faceHeight);
  // The exact motion, read by the FACS table (the calibrated one is tuned to the flow estimate's response).
  return facsString(inferAus(features, FACS_RULES));
}

describe('synthesize: AU displacements read back by the AU rules', () => {
  const aus = [1, 2, 4, 6, 7, 9, 10, 12, 14, 15, 17, 20, 24, 25];
  const cases = aus.flatMap((au) => (['B', 'L', 'R'] as const).map((side) => ({ au, side })));
  it.each(cases)('AU$au side $side at intensity C', ({ au, side }) => {
    const expected = side === 'B' || !lateral.has(au) ? `${au}` : `${side}${au}`;
    const got = inferred({ aus: [{ au, side, intensity: 'C' }] });
    // AU17 is scored bilateral (midline); a one-sided one moves less.
    expect(got.replace(/[A-E]$/, '')).toBe(expected);
    if (side === 'B') expect(got).toBe(`${au}C`);
  });

  it('combines AUs: happiness (6+12) and surprise (1+2)', () => {
    // AU12 explains part of the cheek rise, so AU6 may read one step lower.
    expect(inferred({ aus: [{ au: 6, intensity: 'C' }, { au: 12, intensity: 'D' }] })).toMatch(/^6[BC]\+12D$/);
    expect(inferred({ aus: [{ au: 1, intensity: 'B' }, { au: 2, intensity: 'B' }] })).toBe('1B+2B');
  });
});

describe('synthesize: exact warping and ground-truth flow', () => {
  it('apex frame sampled along the total flow reproduces the onset frame (expression + head motion)', () => {
    const clip = synthesize({ ...base, aus: [{ au: 12, intensity: 'E' }, { au: 4, intensity: 'D' }], head: { translate: [3, -2], rotateDeg: 2, scale: 1.02 } });
    const onset = clip.render(base.onset);
    const apexFrame = clip.render(base.apex);
    const px = new Float32Array(3);
    let warped = 0;
    let unwarped = 0;
    let n = 0;
    for (let y = 40; y < SIZE - 40; y += 2) {
      for (let x = 40; x < SIZE - 40; x += 2) {
        const [u, v] = sampleField(clip.flow.total, x, y);
        const ref = onset.data[(y * SIZE + x) * 3] as number;
        sampleRgb(apexFrame, x + u, y + v, px, 0);
        warped += Math.abs((px[0] as number) - ref);
        unwarped += Math.abs((apexFrame.data[(y * SIZE + x) * 3] as number) - ref);
        n += 1;
      }
    }
    // Left over: bilinear resampling of an 8-bit, fine-textured image.
    expect(warped / n).toBeLessThan(2.5);
    expect(unwarped / n).toBeGreaterThan(4 * (warped / n));
  });

  it('splits total flow into head and expression parts', () => {
    const head = { translate: [4, 2] as const };
    const clip = synthesize({ ...base, head });
    const { total, head: headFlow, expression } = clip.flow;
    const [u, v] = sampleField(headFlow, 100, 100);
    // Smoothstep drift between onset and apex frames.
    const s = (t: number): number => { const f = t / (base.frames - 1); return f * f * (3 - 2 * f); };
    expect(u).toBeCloseTo(4 * (s(base.apex) - s(base.onset)), 4);
    expect(v).toBeCloseTo(2 * (s(base.apex) - s(base.onset)), 4);
    expect(Math.max(...expression.data.map(Math.abs))).toBeLessThan(1e-4);
    expect(sampleField(total, 60, 120)[0]).toBeCloseTo(u, 4);
  });

  it('keeps the expression inside 3 px and zero away from the face', () => {
    const clip = synthesize({ ...base, aus: [{ au: 12, intensity: 'E' }, { au: 1, intensity: 'E' }] });
    const mags = Array.from({ length: SIZE * SIZE }, (_, i) => Math.hypot(clip.displacement.data[i] as number, clip.displacement.data[SIZE * SIZE + i] as number));
    expect(Math.max(...mags)).toBeGreaterThan(1.5);
    expect(Math.max(...mags)).toBeLessThanOrEqual(3);
    expect(mags[0]).toBe(0);
  });

  it('follows onset → apex → offset: neutral at onset and offset, displaced at apex', () => {
    const clip = synthesize({ ...base, aus: [{ au: 12, side: 'L', intensity: 'E' }] });
    const corner = (t: number): number => (clip.landmarksAt(t)[291] as readonly number[])[1] as number;
    const rest = landmarks[291]?.[1] as number;
    expect(corner(base.onset)).toBeCloseTo(rest, 6);
    expect(corner(base.offset)).toBeCloseTo(rest, 6);
    expect(corner(base.apex)).toBeLessThan(rest - 0.8);
    expect(corner(14)).toBeGreaterThan(corner(base.apex));
    expect(corner(14)).toBeLessThan(rest);
    // The subject's right corner (61) stays put: a unilateral L12.
    expect((clip.landmarksAt(base.apex)[61] as readonly number[])[1]).toBeCloseTo(landmarks[61]?.[1] as number, 6);
  });

  it('renders deterministic noise per seed', () => {
    const a = synthesize({ ...base, noise: 2, seed: 5 }).render(3);
    const b = synthesize({ ...base, noise: 2, seed: 5 }).render(3);
    const c = synthesize({ ...base, noise: 2, seed: 6 }).render(3);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
    expect(Buffer.from(synthesize(base).render(0).data).equals(Buffer.from(photo.data))).toBe(true);
  });

  it('writes a truth record with the label the AUs imply', () => {
    const { truth } = synthesize({ ...base, aus: [{ au: 6, intensity: 'B' }, { au: 12, side: 'L', intensity: 'C' }] });
    expect(truth).toMatchObject({ onset: 8, apex: 20, offset: 36, kind: 'micro', facs: '6B+L12C', label: 'Positive', fps: 200 });
    expect(truth.faceHeight).toBeCloseTo(150, 6);
    expect(synthesize({ ...base, aus: [{ au: 1, intensity: 'B' }, { au: 2, intensity: 'B' }] }).truth.label).toBe(inferEmotion([{ au: 1, confidence: 1, blink: false }, { au: 2, confidence: 1, blink: false }]).label);
  });

  it('rejects bad timing, unknown AUs and missing landmarks', () => {
    expect(() => synthesize({ ...base, apex: 4 })).toThrow(/onset < apex < offset/);
    expect(() => synthesize({ ...base, aus: [{ au: 99, intensity: 'B' }] })).toThrow(/AU99 cannot be synthesised/);
    expect(() => synthesize({ ...base, landmarks: landmarks.slice(0, 68) })).toThrow(/468 FaceMesh landmarks/);
  });
});
