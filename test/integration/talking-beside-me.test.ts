import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { framesOf, meClip } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * Talking next to a micro-expression through the real pipeline (FaceMesh, the spotting scan,
 * the variational flow, the AU rules) on clips generated from face-api's sample3 subject.
 * The talking runs at about five syllables a second, a period close to the scan's 6-frame
 * lag, so its lagged signal cancels mid-bout. What this cannot show: real talking, whose
 * rhythm and lip shapes vary from syllable to syllable.
 */
describe('a micro-expression beside talking (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();
  const strong = (aus: ReadonlyArray<{ code: string; intensity: string }>) => aus.filter((a) => a.intensity !== 'A' && a.code !== 'AU45').map((a) => a.code);
  const talking = (rate: number) => ({ speech: [{ onset: 2, offset: 24, rate, depth: 0.8 }] });

  it('reads a raised upper lip (AU10E) just after the talking, not as the bout', async () => {
    const clip = meClip(pipeline().subject, { frames: 60, onset: 28, apex: 32, offset: 37, aus: [{ au: 10, intensity: 'E' }], confounders: talking(4.9) });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(strong(report.aus), JSON.stringify(report.spotting.confounders)).toEqual(['AU10']);
    expect(Math.abs((report.spotting.apex ?? -99) - 32)).toBeLessThanOrEqual(1);
    expect(report.spotting.confounders?.map((c) => c.cause)).toContain('speech');
  }, 120_000);

  // At 4.9 syllables a second the lagged signal goes still mid-bout; at 4.7 it partly cancels.
  it.each([4.7, 4.9])('reads a brow lowering (AU4C) just before talking at %s syllables a second, not the talking’s first jaw opening', async (rate) => {
    const clip = meClip(pipeline().subject, { frames: 60, onset: 11, apex: 14, offset: 19, aus: [{ au: 4, intensity: 'C' }], confounders: { speech: [{ onset: 23, offset: 57, rate, depth: 0.8 }] } });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(strong(report.aus), JSON.stringify(report.spotting.intervals)).toEqual(['AU4']);
    expect(Math.abs((report.spotting.apex ?? -99) - 14)).toBeLessThanOrEqual(1);
    expect(report.spotting.confounders?.filter((c) => c.cause === 'speech').map((c) => c.onset >= 20 && c.offset >= 55)).toEqual([true]);
  }, 120_000);

  it('reads a brow expression (AU1+2+4) just after a short bout the clip starts in, not the bout with it', async () => {
    // The bout's first frames fall before the scan's lag: its lagged signal is no longer than a
    // micro-expression's with its echo, and only its repeated openings tell it is talking.
    const clip = meClip(pipeline().subject, {
      frames: 60,
      onset: 25,
      apex: 29,
      offset: 35,
      aus: [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'C' }, { au: 4, intensity: 'D' }],
      confounders: { speech: [{ onset: 2, offset: 21, rate: 4.4, depth: 0.8 }] },
    });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(strong(report.aus).sort(), JSON.stringify(report.spotting)).toEqual(['AU1', 'AU2', 'AU4']);
    expect(Math.abs((report.spotting.apex ?? -99) - 29)).toBeLessThanOrEqual(1);
    expect(report.spotting.confounders?.map((c) => c.cause)).toEqual(['speech']);
  }, 120_000);

  it('offers no AU on the same talking face without an expression', async () => {
    const clip = meClip(pipeline().subject, { frames: 60, onset: 40, apex: 44, offset: 50, confounders: talking(4.9) });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models);
    expect(strong(report.aus), JSON.stringify(report.spotting.intervals)).toEqual([]);
    expect(report.emotion.label3).toBeNull();
  }, 120_000);
});
