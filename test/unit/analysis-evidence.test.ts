import { describe, expect, it } from 'vitest';
import { analyzeExpressionFlow, motionSignalFromFeatures } from '../../src/main/analysis/evidence';
import { describe as describeEvidence } from '../../src/main/analysis/describer';
import { spot } from '../../src/main/analysis/spotting';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { canonicalLandmarks, drawFace, meshRois } from '../helpers/canonical-face';

const SIZE = 160;
const landmarks = canonicalLandmarks(SIZE, SIZE, 128);
const photo = drawFace(SIZE, SIZE, landmarks);

describe('analysis glue on synthetic micro-expressions', () => {
  it('reads a synthetic smile from its onset → apex expression flow', () => {
    const clip = synthesize({ photo, landmarks, aus: [{ au: 6, intensity: 'C' }, { au: 12, intensity: 'D' }], fps: 200, frames: 40, onset: 5, apex: 18, offset: 35, head: { translate: [3, 1] } });
    const evidence = analyzeExpressionFlow(clip.flow.expression, meshRois(landmarks, clip.truth.faceHeight), clip.truth.faceHeight);
    expect(evidence.emotion).toMatchObject({ emotion: 'happiness', label: 'Positive' });
    expect(evidence.features).toHaveLength(29);
    expect(describeEvidence(evidence, 'en').summary).toMatch(/^AUs: 6[BC]\+12D\. Estimated emotion: happiness\. Micro-expression: Positive\.$/);
  });

  it('spots a synthetic ME from per-frame ROI features of lagged flows', () => {
    const fps = 100;
    const lag = 15;
    const clip = synthesize({ photo, landmarks, aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }], fps, frames: 90, onset: 30, apex: 42, offset: 60 });
    const rois = meshRois(landmarks, clip.truth.faceHeight);
    // Expression displacement at frame t is a(t)·F, so the lagged expression flow is (a(t) − a(t − lag))·F.
    const amount = (t: number): number => expressionProfile(t, 30, 42, 60);
    const perFrame = Array.from({ length: 90 }, (_, t) => {
      if (t < lag) return null;
      const k = amount(t) - amount(t - lag);
      const flow = { ...clip.displacement, data: clip.displacement.data.map((v) => v * k) };
      return roiFeatures(flow, rois, clip.truth.faceHeight);
    });
    const result = spot(motionSignalFromFeatures(perFrame, lag), fps);
    expect(result.intervals).toHaveLength(1);
    expect(Math.abs((result.intervals[0]?.apex ?? 0) - 42)).toBeLessThanOrEqual(2);
    expect(result.intervals[0]?.kind).toBe('micro');
  });
});
