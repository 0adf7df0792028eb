import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { loadSynthFace } from '../../src/main/analysis/synth/photo';
import type { SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { SAMPLES } from '../helpers/faces';
import { usePipelineModels } from '../helpers/pipeline-models';
import { framesOf, meClip } from '../helpers/synth-clip';

/**
 * One AU's motion read as another's, through the real pipeline (FaceMesh, the variational
 * flow, the AU rules) at the true onset/apex of clips generated on face-api's photos: a
 * strong inner-brow raise lifts the inner upper lid (not AU5), a broad smile lifts a nasal
 * wing (not AU9). What this cannot show: real faces, whose skin carries one muscle's pull
 * onto its neighbours differently from the generator's warps.
 */
describe('AUs a neighbouring AU moves (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();
  const clear = (aus: ReadonlyArray<{ code: string; intensity: string }>) => aus.filter((a) => a.intensity !== 'A' && a.code !== 'AU45').map((a) => a.code);
  const readOn = async (photo: string, aus: SynthOptions['aus']) => {
    const subject = await loadSynthFace(pipeline().models.face, join(SAMPLES, photo), 256, 192, 0.6);
    return (await analyzeClip(framesOf(meClip(subject, { aus })), pipeline().models, { onset: 8, apex: 12, offset: 18 })).report;
  };

  it('an inner-brow raise (AU1E) on sample4 reads no upper-lid raise', async () => {
    const report = await readOn('sample4.jpg', [{ au: 1, intensity: 'E' }]);
    expect(clear(report.aus)).toContain('AU1');
    expect(clear(report.aus)).not.toContain('AU5');
  }, 60_000);

  it('a smile (AU6D+12D) on sample1 reads no nose wrinkle and stays happiness', async () => {
    const report = await readOn('sample1.jpg', [
      { au: 6, intensity: 'D' },
      { au: 12, intensity: 'D' },
    ]);
    expect(clear(report.aus)).toEqual(['AU6', 'AU12']);
    expect(report.emotion.label3).toBe('Positive');
  }, 60_000);
});
