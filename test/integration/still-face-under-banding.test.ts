import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { confounderClip, framesOf } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * A still face under mains flicker, rolling bands and a slow exposure drift, through the real
 * pipeline (FaceMesh, the variational flow, the spotting, the AU rules), drawn as the
 * confounders bench draws its still clips (face-api's sample1 at 320 × 240; the lighting and
 * seed of fitting seed 7300's `flicker_still_0`). Nothing crosses the spotting threshold, so
 * the clip's strongest bump is analysed; between its onset and apex the bands moved while the
 * crop's mean brightness stayed within 1 %, and the unmatched bands read as the chin rising
 * (AU17B). What this cannot show: a real sensor's bands (their depth, their clipping in
 * highlights) are not the generator's cosines.
 */
describe('a still face under rolling bands (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();

  it('is offered no AU and no expression', async () => {
    const lighting = { mains: 50, banding: 0.04, flicker: 0.03, exposureDrift: 0.06, whiteBalanceDrift: 0.03, driftPeriod: 7, phase: 0.628109563549686 } as const;
    const clip = await confounderClip(pipeline().models.face, 'sample1.jpg', { onset: 40, apex: 44, offset: 50, aus: [], seed: 7860, confounders: { lighting } });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(report.aus.filter((a) => a.intensity !== 'A')).toEqual([]);
    expect(report.emotion.label3).toBeNull();
    expect(report.expressions.filter((e) => e.kind !== null)).toEqual([]);
  }, 120_000);
});
