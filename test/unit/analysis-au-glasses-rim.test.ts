import { describe, expect, it } from 'vitest';
import { facsString, inferAus } from '../../src/main/analysis/au-rules';
import type { RoiFeature } from '../../src/main/analysis/roi-features';
import { featuresFromMotion } from '../helpers/roi-motion';

/**
 * Brow and lid motion of two synthetic glasses clips, taken from the pipeline's onset → apex
 * reading (`MELLM_CONFOUNDER_CONDITIONS=glasses node --import tsx bench/fit/confounder-clips.ts`,
 * fitting seeds, never the bench's): the mean flow vectors in % of the face height, image
 * axes (x right, y down). Every other region is still here, which the clips are not: these
 * cases show the AU rules' reading of the brows, not the whole clip's.
 */
type Motion = Record<string, [number, number]>;
const FACE = 200; // px: 1 % of the face height = 2 px
const px = (motion: Motion): Motion => Object.fromEntries(Object.entries(motion).map(([k, [x, y]]) => [k, [x * 2, y * 2]]));

/** Seed 7700 `glasses_me_007`: truth AU1E+AU2C (surprise); the right inner brow, read above the frame's rim, is dragged inward. */
const SURPRISE_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.05, -0.997],
  'Left Outer Eyebrow': [0.017, -0.462],
  'Right Inner Eyebrow': [1.163, -0.378],
  'Right Outer Eyebrow': [-0.096, -0.267],
  'Right Upper Eyelid Inner': [0.063, -0.533],
  'Right Upper Eyelid Center': [0.041, -0.244],
};
/** Seed 7600 `glasses_me_001`: truth AU1E+AU2D+AU4C+AU20B (fear): both inner brows rise and pull inward. */
const FEAR_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.178, -0.714],
  'Left Outer Eyebrow': [0.019, -0.763],
  'Right Inner Eyebrow': [0.22, -0.499],
  'Right Outer Eyebrow': [0.012, -0.89],
  'Right Upper Eyelid Inner': [0.157, -0.362],
};
/** Seed 7600 `glasses_me_003`: truth L AU1E+AU4C+AU15D: the left brow alone rises and pulls in; the right one is still. */
const ONE_SIDED_AU4_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.33, -0.7],
};

/** The features with each brow marked as read around the frame, as the pipeline marks brows under glasses. */
const underFrame = (features: RoiFeature[]): RoiFeature[] => features.map((f) => (f.group === 'eyebrow' ? { ...f, aroundFrame: true } : f));
const aus = (features: RoiFeature[]): number[] => inferAus(features, undefined, 0.0325).filter((a) => !a.blink).map((a) => a.au);

describe('AU4 from brows read around an eyeglass frame', () => {
  it('a strong brow raise dragged inward on one side by the rim reads AU1+2 without AU4 (surprise, not fear)', () => {
    const found = aus(underFrame(featuresFromMotion(px(SURPRISE_UNDER_RIM), FACE)));
    expect(found).toContain(1);
    expect(found).toContain(2);
    expect(found).not.toContain(4);
  });

  it('keeps AU4 where both rising inner brows pull inward', () => {
    expect(aus(underFrame(featuresFromMotion(px(FEAR_UNDER_RIM), FACE)))).toEqual(expect.arrayContaining([1, 2, 4]));
  });

  it('keeps a one-sided AU4 whose other brow does not rise', () => {
    const found = inferAus(underFrame(featuresFromMotion(px(ONE_SIDED_AU4_UNDER_RIM), FACE)), undefined, 0.0325);
    expect(facsString(found)).toMatch(/L4/);
  });

  it('reads the same motion without glasses as before: the inward pull is AU4', () => {
    expect(aus(featuresFromMotion(px(SURPRISE_UNDER_RIM), FACE))).toContain(4);
  });
});
