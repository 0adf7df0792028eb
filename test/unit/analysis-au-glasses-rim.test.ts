import { describe, expect, it } from 'vitest';
import { facsString, inferAus } from '../../src/main/analysis/au-rules';
import { MASK_CODE } from '../../src/main/analysis/occlusion';
import { roiFeatures, type RoiFeature } from '../../src/main/analysis/roi-features';
import { createFlowField } from '../../src/main/inference/flow/types';
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
/** Seed 7300 `glasses_me_002` (face rolled 0.150 rad): truth AU1E+AU4D+AU15B: both inner brows pull in weakly while rising. */
const WEAK_AU4_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.132, -0.367],
  'Right Inner Eyebrow': [0.142, -0.22],
  'Right Upper Eyelid Inner': [0.396, -0.471],
};
/** Seed 7600 `glasses_me_003`: truth L AU1E+AU4C+AU15D: the left brow alone rises and pulls in; the right one is still. */
const ONE_SIDED_AU4_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.33, -0.7],
};

/** Seed 7500 `glasses_me_004`: truth AU4D alone: both inner brows drop beside the rim while their inward pull stays below a trace. */
const LOWERED_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.065, 0.199],
  'Left Outer Eyebrow': [0.018, 0.067],
  'Right Inner Eyebrow': [0.059, 0.246],
  'Right Outer Eyebrow': [0.006, -0.025],
  'Left Upper Eyelid Inner': [-0.039, 0.103],
};
/** Seed 7500 `glasses_me_003` (face rolled −0.128 rad): truth AU4B: one inner brow drops beside the rim, the other a little. */
const SLIGHTLY_LOWERED_UNDER_RIM: Motion = {
  'Left Inner Eyebrow': [-0.077, 0.241],
  'Right Inner Eyebrow': [0.098, 0.12],
};

/** The features with brows marked as beside the rim, as roiFeatures marks them on a face wearing glasses. */
const underFrame = (features: RoiFeature[]): RoiFeature[] => features.map((f) => (f.group === 'eyebrow' ? { ...f, besideRim: true } : f));
const aus = (features: RoiFeature[], roll = 0.0325): number[] => inferAus(features, undefined, roll).filter((a) => !a.blink).map((a) => a.au);

describe("AU4 from brows beside an eyeglass frame's rim", () => {
  it('a strong brow raise dragged inward on one side by the rim reads AU1+2 without AU4 (surprise, not fear)', () => {
    const found = aus(underFrame(featuresFromMotion(px(SURPRISE_UNDER_RIM), FACE)));
    expect(found).toContain(1);
    expect(found).toContain(2);
    expect(found).not.toContain(4);
  });

  it('keeps AU4 where both rising inner brows pull inward', () => {
    expect(aus(underFrame(featuresFromMotion(px(FEAR_UNDER_RIM), FACE)))).toEqual(expect.arrayContaining([1, 2, 4]));
  });

  it('keeps AU4 where both rising inner brows pull inward weakly, about as far', () => {
    expect(aus(underFrame(featuresFromMotion(px(WEAK_AU4_UNDER_RIM), FACE)), 0.15)).toContain(4);
  });

  it('keeps a one-sided AU4 whose other brow does not rise', () => {
    const found = inferAus(underFrame(featuresFromMotion(px(ONE_SIDED_AU4_UNDER_RIM), FACE)), undefined, 0.0325);
    expect(facsString(found)).toMatch(/L4/);
  });

  it('reads AU4 from inner brows that drop beside the rim while their pull stays below a trace', () => {
    expect(aus(underFrame(featuresFromMotion(px(LOWERED_UNDER_RIM), FACE)), 0.004)).toEqual([4]);
    expect(aus(underFrame(featuresFromMotion(px(SLIGHTLY_LOWERED_UNDER_RIM), FACE)), -0.128)).toEqual([4]);
  });

  it('reads no AU4 from the same drop on a face without glasses (the pull alone tells AU4 there)', () => {
    expect(aus(featuresFromMotion(px(LOWERED_UNDER_RIM), FACE), 0.004)).not.toContain(4);
  });

  it('reads no AU4 from a drop beside the rim below a trace (noise, a settling brow)', () => {
    const third = Object.fromEntries(Object.entries(LOWERED_UNDER_RIM).map(([k, [x, y]]) => [k, [x / 3, y / 3]])) as Motion;
    expect(aus(underFrame(featuresFromMotion(px(third), FACE)), 0.004)).not.toContain(4);
  });

  it('reads the same motion without glasses as before: the inward pull is AU4', () => {
    expect(aus(featuresFromMotion(px(SURPRISE_UNDER_RIM), FACE))).toContain(4);
  });
});

describe('roiFeatures marks the brows of a face wearing glasses as beside the rim', () => {
  // 40×20 crop: the left brows in the left half, the right brows and a mouth corner in the right half.
  const flow = createFlowField(40, 20);
  const rois = [
    { region: 'Left Inner Eyebrow', box: [0, 0, 10, 10] as [number, number, number, number] },
    { region: 'Right Inner Eyebrow', box: [20, 0, 10, 10] as [number, number, number, number] },
    { region: 'Left Mouth Corner', box: [30, 10, 10, 10] as [number, number, number, number] },
  ];
  const maskWith = (code: number): Uint8Array => {
    const mask = new Uint8Array(40 * 20);
    for (let x = 0; x < 10; x += 1) mask[9 * 40 + x] = code; // one row under the left brow only
    return mask;
  };

  it('every brow, also one the mask does not reach; no other region', () => {
    const features = roiFeatures(flow, rois, 100, { width: 40, height: 20, mask: maskWith(MASK_CODE.glasses) });
    expect(features.map((f) => [f.region, f.besideRim ?? false])).toEqual([
      ['Left Inner Eyebrow', true],
      ['Right Inner Eyebrow', true],
      ['Left Mouth Corner', false],
    ]);
  });

  it('none without a frame in the mask (hair, or no mask)', () => {
    expect(roiFeatures(flow, rois, 100, { width: 40, height: 20, mask: maskWith(MASK_CODE.hair) }).some((f) => f.besideRim)).toBe(false);
    expect(roiFeatures(flow, rois, 100).some((f) => f.besideRim)).toBe(false);
  });
});
