import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { confounderClip, framesOf } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * A full blink starting four frames after a brow raise ends, through the real pipeline
 * (FaceMesh, the variational flow, the spotting, the AU rules) on a generated clip (face-api's
 * sample1 at 320 × 240, as the confounder clips draw it): the raise's echo runs into the blink,
 * the two make one run of the face signal whose apex is the blink's, the confounder search
 * reads the blink's closing as a gaze step, and the run was classed as an eye event, the
 * expression lost. What this cannot show: a real blink's spill onto the brows, unmeasured.
 */
describe('an expression just before a blink (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();

  it('spots the brow raise before the blink, reads its AUs, and keeps the blink on the blink track', async () => {
    const blinks = [{ onset: 38, apex: 41, offset: 46, closure: 1 }];
    const clip = await confounderClip(pipeline().models.face, 'sample1.jpg', { onset: 24, apex: 28, offset: 34, aus: [{ au: 1, intensity: 'B' }, { au: 2, intensity: 'C' }], seed: 8804, confounders: { blinks } });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    const spotted = report.spotting.intervals;
    expect(spotted).toHaveLength(1);
    expect(Math.abs((spotted[0]?.onset ?? -99) - 24)).toBeLessThanOrEqual(2);
    expect(Math.abs((spotted[0]?.apex ?? -99) - 28)).toBeLessThanOrEqual(2);
    expect(spotted[0]?.offset ?? 99).toBeLessThan(38);
    expect(report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code)).toEqual(['AU1', 'AU2']);
    expect(report.emotion.label3).toBe('Surprise');
    expect(report.spotting.blinks?.some((b) => b.onset <= 41 && 41 <= b.offset)).toBe(true);
  }, 90_000);
});
