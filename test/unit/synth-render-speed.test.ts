import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { synthesize, type SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { headPoseAt, invertPose } from '../../src/main/analysis/synth/head-motion';
import { faceFrame } from '../../src/main/analysis/synth/face-frame';
import { expressionField } from '../../src/main/analysis/synth/expression-field';
import { invertDisplacement, sampleRgb } from '../../src/main/analysis/synth/warp';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';

/**
 * The renderer's shortcuts for long recordings: outside the skin fields' support it skips
 * the displacement solve (the pixels must equal the full solve's), and a noise bank gives
 * seeded noise without a fresh Gaussian per pixel and frame.
 */
const [W, H] = [120, 100];
const landmarks = canonicalLandmarks(W, H, 80);
const photo = drawFace(W, H, landmarks);
const base: SynthOptions = { photo, landmarks, aus: [{ au: 12, intensity: 'E' }, { au: 1, intensity: 'D' }], fps: 30, frames: 20, onset: 4, apex: 9, offset: 15, head: { translate: [2.5, -1.5], rotateDeg: 3, scale: 1.03 } };

describe('synthesize render: the support shortcut and the noise bank', () => {
  it('renders every pixel as the full solve does (head motion, an expression, no noise)', () => {
    const clip = synthesize(base);
    const field = expressionField(W, H, landmarks, faceFrame(landmarks), base.aus);
    for (const t of [0, 6, 9, 12]) {
      const pose = headPoseAt(base.head, faceFrame(landmarks).center, t, base.frames);
      const scale = expressionProfile(t, base.onset, base.apex, base.offset);
      const rgb = new Float32Array(W * H * 3);
      for (let y = 0; y < H; y += 1) {
        for (let x = 0; x < W; x += 1) {
          const [dx, dy] = invertPose(pose, x, y);
          const [px, py] = invertDisplacement(field, scale, dx, dy);
          sampleRgb(photo, px, py, rgb, (y * W + x) * 3);
        }
      }
      const expected = Uint8Array.from(rgb, (v) => Math.min(255, Math.max(0, Math.round(v))));
      expect(Buffer.from(clip.render(t).data).equals(Buffer.from(expected))).toBe(true);
    }
    // The expression moves some pixels at the apex (the check above is not trivially the photo).
    expect(Buffer.from(clip.render(9).data).equals(Buffer.from(clip.render(0).data))).toBe(false);
  });

  it('draws seeded bank noise: the same seed gives the same frames, frames differ, the level is the one asked for', () => {
    const options = { ...base, head: {}, aus: [], noise: 2, seed: 3, noiseBank: 4 };
    const [a, b] = [synthesize(options), synthesize(options)];
    const clean = synthesize({ ...options, noise: 0 }).render(1).data;
    for (const t of [0, 1, 5, 9]) expect(Buffer.from(a.render(t).data).equals(Buffer.from(b.render(t).data))).toBe(true);
    // Frame 5 takes bank frame 1 again, shifted: not a repeat of frame 1.
    expect(Buffer.from(a.render(5).data).equals(Buffer.from(a.render(1).data))).toBe(false);
    const residual = Array.from(a.render(1).data, (v, i) => v - (clean[i] as number));
    const sd = Math.sqrt(residual.reduce((s, r) => s + r * r, 0) / residual.length);
    expect(sd).toBeGreaterThan(1.6);
    expect(sd).toBeLessThan(2.4);
  });

  it('refuses a bank outside 0–64 frames with a typed error', () => {
    for (const noiseBank of [-1, 1.5, 65]) {
      expect(() => synthesize({ ...base, noise: 1, noiseBank })).toThrow(AppError);
      expect(() => synthesize({ ...base, noise: 1, noiseBank })).toThrow(/noise bank/);
    }
  });
});
