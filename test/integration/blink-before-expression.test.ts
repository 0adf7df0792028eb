import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadSynthFace } from '../../src/main/analysis/synth/photo';
import { SAMPLES } from '../helpers/faces';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { framesOf, meClip } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * A full blink ending six frames before an upper-lip raise, through the real pipeline
 * (FaceMesh, the variational flow, the spotting, the AU rules) on a generated clip: the
 * blink's spill onto brows and cheeks outweighs the raise, so the two form one run of the face
 * signal whose strongest frame is the blink's (face-api's sample1, as the confounder clips
 * draw it at 320 × 240). What this cannot show: a real blink's spill,
 * whose share of the lids' motion on real faces is unmeasured.
 */
describe('an expression just after a blink (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();

  it('spots the expression after the blink, reads its AU alone (no AU45), and keeps the blink on the blink track', async () => {
    const subject = await loadSynthFace(pipeline().models.face, join(SAMPLES, 'sample1.jpg'), 320, 240, 0.6);
    const clip = meClip(subject, { frames: 60, onset: 24, apex: 28, offset: 35, aus: [{ au: 10, intensity: 'C' }], seed: 7802010, confounders: { blinks: [{ onset: 10, apex: 13, offset: 18, closure: 1 }] } });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    const spotted = report.spotting.intervals;
    expect(spotted).toHaveLength(1);
    expect(spotted[0]?.kind).toBe('micro');
    expect(Math.abs((spotted[0]?.onset ?? -99) - 24)).toBeLessThanOrEqual(2);
    expect(Math.abs((spotted[0]?.apex ?? -99) - 28)).toBeLessThanOrEqual(2);
    expect(report.aus.map((a) => a.code)).toEqual(['AU10']);
    expect(report.spotting.blinks?.some((b) => b.onset <= 13 && 13 <= b.offset)).toBe(true);
  }, 90_000);
});
