import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { confounderClip, framesOf } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * A brow lowerer with a lid tightener (4C+7B) fifteen frames after a gaze shift that holds,
 * through the real pipeline (FaceMesh, the variational flow, the spotting, the AU rules) on a
 * generated clip with the face, timing and seed of the fitting seed 7600 `saccades_me_004`
 * (face-api's sample2 at 320 × 240), the gaze turned either way: with the irises held turned, one part of a lower lid reads
 * almost none of the rise the other two show. What this cannot show: a real eye, whose iris
 * and lid edge the flow separates differently from the generator's warps.
 */
describe('a lid tightening beside a held gaze shift (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();

  it.each([-0.8, 0.8])('reads the lid tightener beside the brow lowerer, the gaze held at %s', async (gaze) => {
    const clip = await confounderClip(pipeline().models.face, 'sample2.jpg', {
      onset: 39,
      apex: 44,
      offset: 48,
      seed: 7603004,
      aus: [{ au: 4, intensity: 'C' }, { au: 7, intensity: 'B' }],
      confounders: { saccades: [{ onset: 22, offset: 23, to: gaze }] },
    });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    const spotted = report.spotting.intervals;
    expect(spotted).toHaveLength(1);
    expect(Math.abs((spotted[0]?.apex ?? -99) - 44)).toBeLessThanOrEqual(2);
    expect(report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code)).toEqual(['AU4', 'AU7']);
    expect(report.emotion.label3).toBe('Negative');
  }, 90_000);
});
