import { describe, expect, it } from 'vitest';
import { inferAus } from '../../src/main/analysis/au-rules';
import { featuresFromMotion } from '../helpers/roi-motion';

/**
 * One AU's motion read as another's: the ROI motion of ME clips of the confounders' FITTING
 * seeds (never the bench's), taken from the pipeline's onset → apex reading
 * (`bench/fit/confounder-clips.ts` saves it as features.json): mean flow vectors in % of the
 * face height, image axes (x right, y down), regions moving at least 0.05. What these cannot
 * show: a real face's spill from one muscle onto its neighbours' regions, unmeasured here.
 */
type Motion = Record<string, [number, number]>;
const FACE = 200; // px: 1 % of the face height = 2 px
const px = (motion: Motion): Motion => Object.fromEntries(Object.entries(motion).map(([k, [x, y]]) => [k, [x * 2, y * 2]]));
/** The AUs read at B or above (what the bench's AU F1 counts), blinks aside. */
const clear = (motion: Motion, roll: number): number[] =>
  inferAus(featuresFromMotion(px(motion), FACE), undefined, roll)
    .filter((a) => !a.blink && a.intensity !== 'A')
    .map((a) => a.au);

/** Seed 7100 `blinks_me_001` (face rolled 0.108 rad): truth 6D+12D. */
const SMILE_LIFTING_A_WING: Motion = {
  'Left Upper Eyelid Inner': [0.007, 0.057],
  'Left Upper Eyelid Center': [-0.014, 0.075],
  'Left Lower Eyelid Inner': [0.014, -0.073],
  'Left Lower Eyelid Center': [0.020, -0.331],
  'Left Lower Eyelid Outer': [0.039, -0.300],
  'Right Upper Eyelid Inner': [-0.025, 0.063],
  'Right Upper Eyelid Outer': [0.007, -0.095],
  'Right Lower Eyelid Inner': [-0.028, -0.247],
  'Right Lower Eyelid Center': [-0.016, -0.377],
  'Right Lower Eyelid Outer': [0.041, -0.395],
  'Left Inner Eyebrow': [-0.020, 0.096],
  'Right Inner Eyebrow': [-0.018, 0.147],
  'Right Outer Eyebrow': [-0.024, 0.183],
  'Left Nasal Wing': [0.045, 0.058],
  'Right Nasal Wing': [0.023, -0.450],
  'Left Mouth Corner': [0.619, -0.411],
  'Right Mouth Corner': [-0.382, -0.444],
  'Upper Lip Left': [0.106, 0.084],
  'Upper Lip Center': [0.037, 0.049],
  'Upper Lip Right': [-0.353, -0.436],
  'Lower Lip Left': [0.110, 0.077],
  'Lower Lip Center': [0.125, 0.116],
  'Lower Lip Right': [0.082, 0.092],
  'Chin': [0.129, 0.101],
  'Left Cheek': [0.254, -0.590],
  'Right Cheek': [0.002, -0.608],
};
/** Seed 7100 `blinks_me_004` (face rolled -0.521 rad): truth 9E. */
const NOSE_WRINKLE_LIFTING_A_CHEEK: Motion = {
  'Left Inner Eyebrow': [0.068, 0.053],
  'Right Inner Eyebrow': [0.016, 0.128],
  'Left Nasal Wing': [-1.020, -1.022],
  'Right Nasal Wing': [-0.260, -1.354],
  'Right Cheek': [-0.138, -0.583],
};
/** Seed 7500 `saccades_me_000` (face rolled 0.108 rad): truth R1E+R2B+R25E. */
const INNER_BROW_RAISE_LIFTING_THE_INNER_LID: Motion = {
  'Left Upper Eyelid Inner': [-0.053, 0.078],
  'Left Upper Eyelid Center': [-0.007, 0.051],
  'Left Lower Eyelid Inner': [-0.025, 0.078],
  'Right Upper Eyelid Inner': [0.074, -0.728],
  'Right Upper Eyelid Center': [0.039, -0.264],
  'Right Lower Eyelid Inner': [0.015, -0.241],
  'Right Lower Eyelid Outer': [0.004, 0.096],
  'Left Inner Eyebrow': [-0.018, 0.070],
  'Right Inner Eyebrow': [0.123, -1.359],
  'Right Outer Eyebrow': [0.051, -0.627],
  'Left Nasal Wing': [0.036, 0.083],
  'Right Nasal Wing': [0.047, 0.115],
  'Left Mouth Corner': [0.078, 0.058],
  'Right Mouth Corner': [0.088, 0.014],
  'Upper Lip Left': [0.056, 0.079],
  'Upper Lip Center': [0.087, -0.008],
  'Upper Lip Right': [0.096, -0.021],
  'Lower Lip Left': [0.083, 0.085],
  'Lower Lip Center': [-0.023, 1.161],
  'Lower Lip Right': [-0.041, 1.207],
  'Chin': [0.115, 0.117],
  'Left Cheek': [0.008, 0.076],
  'Right Cheek': [0.031, 0.105],
};
/** Seed 7500 `blinks_me_007` (face rolled 0.107 rad): truth R1D+R2B+R5B. */
const LID_RAISE_UNDER_RAISED_BROWS: Motion = {
  'Left Upper Eyelid Center': [-0.052, 0.033],
  'Left Lower Eyelid Inner': [-0.007, 0.059],
  'Right Upper Eyelid Inner': [0.051, -0.763],
  'Right Upper Eyelid Center': [0.015, -0.455],
  'Right Upper Eyelid Outer': [0.011, -0.282],
  'Right Lower Eyelid Inner': [0.015, -0.298],
  'Right Lower Eyelid Outer': [0.037, -0.053],
  'Left Inner Eyebrow': [-0.052, 0.072],
  'Right Inner Eyebrow': [0.101, -0.841],
  'Right Outer Eyebrow': [0.012, -0.460],
  'Left Nasal Wing': [0.055, 0.060],
  'Right Nasal Wing': [0.042, 0.119],
  'Left Mouth Corner': [0.067, 0.046],
  'Right Mouth Corner': [0.072, 0.102],
  'Upper Lip Left': [0.071, 0.072],
  'Upper Lip Center': [0.073, 0.086],
  'Upper Lip Right': [0.066, 0.099],
  'Lower Lip Left': [0.069, 0.064],
  'Lower Lip Center': [0.084, 0.077],
  'Lower Lip Right': [0.070, 0.094],
  'Chin': [0.110, 0.068],
  'Right Cheek': [0.040, 0.118],
};

describe('AU9 beside a smile', () => {
  it("reads no nose wrinkle from a nasal wing the smile's corner pull lifts", () => {
    expect(clear(SMILE_LIFTING_A_WING, 0.108)).toEqual([6, 12]);
  });

  it('still reads a nose wrinkle beside a slight smile', () => {
    const wrinkle: Motion = { ...NOSE_WRINKLE_LIFTING_A_CHEEK, 'Left Mouth Corner': [0.2, -0.2], 'Right Mouth Corner': [-0.2, -0.2] };
    expect(clear(wrinkle, -0.521)).toContain(9);
  });
});

describe('AU6 beside a nose wrinkle', () => {
  it('reads no cheek raise from the cheek beside a strongly wrinkled nose', () => {
    expect(clear(NOSE_WRINKLE_LIFTING_A_CHEEK, -0.521)).toEqual([9]);
  });

  it('still reads the cheek raise of a smile whose nasal wing rises', () => {
    expect(clear(SMILE_LIFTING_A_WING, 0.108)).toContain(6);
  });
});

describe('AU5 beside a raised inner brow', () => {
  it('reads no upper lid raise from the inner lid a strong inner-brow raise lifts', () => {
    expect(clear(INNER_BROW_RAISE_LIFTING_THE_INNER_LID, 0.108)).not.toContain(5);
  });

  it('reads the upper lid raise that lifts the centre and outer lid under raised brows', () => {
    expect(clear(LID_RAISE_UNDER_RAISED_BROWS, 0.107)).toEqual([1, 2, 5]);
  });
});

/**
 * Seed 7900 `saccades_me_004` (face rolled -0.014 rad): truth 4E+7E. The lower lids rise
 * 0.6–1.2 and the flow carries part of it across the narrowed eye onto the upper lid's outer
 * part (left 0.41 up): read 4E+5B+7D before the lower lid's rise was set against AU5.
 */
const LIDS_TIGHTENED_UNDER_A_FROWN: Motion = {
  'Left Upper Eyelid Inner': [-0.162, -0.093],
  'Left Upper Eyelid Center': [-0.007, 0.183],
  'Left Upper Eyelid Outer': [-0.071, -0.405],
  'Left Lower Eyelid Inner': [-0.041, -0.111],
  'Left Lower Eyelid Center': [0.011, -0.89],
  'Left Lower Eyelid Outer': [0.071, -1.16],
  'Right Upper Eyelid Inner': [-0.146, -0.347],
  'Right Upper Eyelid Center': [0.077, 0.045],
  'Right Upper Eyelid Outer': [0.002, -0.152],
  'Right Lower Eyelid Inner': [-0.239, -0.588],
  'Right Lower Eyelid Center': [-0.03, -0.726],
  'Right Lower Eyelid Outer': [0.178, -0.995],
  'Left Inner Eyebrow': [-0.832, 1.103],
  'Left Outer Eyebrow': [-0.069, 0.291],
  'Right Inner Eyebrow': [0.638, 0.817],
  'Left Nasal Wing': [0.051, -0.029],
};

describe('AU5 beside tightened lids', () => {
  it('reads no upper lid raise from the lower lid rise the flow carries onto the upper lid', () => {
    expect(clear(LIDS_TIGHTENED_UNDER_A_FROWN, -0.014)).toEqual([4, 7]);
  });

  it('still reads the whole upper lid raised over lower lids that rise a little', () => {
    const raised: Motion = { 'Left Upper Eyelid Center': [0, -0.4], 'Left Upper Eyelid Outer': [0, -0.4], 'Left Lower Eyelid Center': [0, -0.1], 'Left Lower Eyelid Outer': [0, -0.1] };
    expect(clear(raised, 0)).toEqual([5]);
  });

  it("still reads a fear's widened eye over lids tightened as far as the upper lid rises", () => {
    const fear: Motion = { 'Left Upper Eyelid Center': [0, -0.4], 'Left Upper Eyelid Outer': [0, -0.4], 'Left Lower Eyelid Inner': [0, -0.4], 'Left Lower Eyelid Center': [0, -0.4], 'Left Lower Eyelid Outer': [0, -0.4] };
    expect(clear(fear, 0)).toEqual([5, 7]);
  });
});

/**
 * Seed 7600 `saccades_me_004` (face rolled -0.010 rad): truth 4C+7B, the gaze shifted and held
 * fifteen frames before the onset. The left lower lid's inner part reads no rise while its
 * centre and outer part rise 0.2–0.26.
 */
const LID_TIGHTENING_BESIDE_A_HELD_GAZE: Motion = {
  'Left Upper Eyelid Inner': [-0.093, -0.027],
  'Left Upper Eyelid Outer': [-0.038, -0.1],
  'Left Lower Eyelid Center': [-0.014, -0.204],
  'Left Lower Eyelid Outer': [-0.003, -0.256],
  'Right Upper Eyelid Center': [0.033, 0.061],
  'Right Lower Eyelid Inner': [-0.058, -0.084],
  'Right Lower Eyelid Center': [-0.055, -0.122],
  'Right Lower Eyelid Outer': [0.069, -0.236],
  'Left Inner Eyebrow': [-0.361, 0.473],
  'Left Outer Eyebrow': [-0.052, 0.148],
  'Right Inner Eyebrow': [0.207, 0.33],
  'Right Nasal Wing': [0.038, 0.047],
};

describe('AU7 from the lower lid read by its median part', () => {
  it('reads the lid tightening whose inner part the flow misses', () => {
    expect(clear(LID_TIGHTENING_BESIDE_A_HELD_GAZE, -0.01)).toEqual([4, 7]);
  });

  it('reads no lid tightening from one part of the lower lid rising alone', () => {
    expect(clear({ 'Left Lower Eyelid Inner': [0, -0.6], 'Left Lower Eyelid Center': [0, -0.05], 'Left Lower Eyelid Outer': [0, -0.05] }, 0)).toEqual([]);
  });
});

/** Seed 7100 `tremor_me_002` (face rolled −0.014 rad): truth L1E+L2D+L25E, the whole mouth shifted towards image left. */
const SURPRISE_WITH_THE_MOUTH_SHIFTED: Motion = {
  'Left Upper Eyelid Inner': [-0.050, -0.294],
  'Left Upper Eyelid Center': [-0.034, 0.166],
  'Left Upper Eyelid Outer': [-0.013, 0.184],
  'Left Lower Eyelid Inner': [-0.062, 0.030],
  'Left Lower Eyelid Center': [-0.010, 0.197],
  'Left Lower Eyelid Outer': [-0.061, 0.250],
  'Right Upper Eyelid Inner': [0.069, -0.003],
  'Right Upper Eyelid Center': [0.049, 0.045],
  'Right Lower Eyelid Outer': [0.057, -0.024],
  'Left Inner Eyebrow': [0.020, -1.229],
  'Left Outer Eyebrow': [-0.014, -0.914],
  'Right Inner Eyebrow': [0.076, 0.073],
  'Right Outer Eyebrow': [0.106, -0.088],
  'Left Nasal Wing': [-0.165, 0.147],
  'Right Nasal Wing': [-0.145, 0.058],
  'Left Mouth Corner': [-0.219, 0.119],
  'Right Mouth Corner': [-0.292, -0.083],
  'Upper Lip Left': [-0.334, -0.024],
  'Upper Lip Center': [-0.304, 0.018],
  'Upper Lip Right': [-0.138, 0.024],
  'Lower Lip Left': [-0.186, 1.297],
  'Lower Lip Center': [-0.264, 0.601],
  'Lower Lip Right': [-0.237, -0.012],
  'Chin': [-0.328, 0.106],
  'Left Cheek': [-0.115, 0.240],
  'Right Cheek': [-0.066, -0.053],
};

describe('AU20 beside a mouth shifted sideways', () => {
  it('reads no lip stretch from a corner that moves outward with the whole mouth', () => {
    expect(clear(SURPRISE_WITH_THE_MOUTH_SHIFTED, -0.014)).toEqual([1, 2, 25]);
  });

  it('reads the stretch that pulls both corners apart, shifted or not', () => {
    const stretch: Motion = { 'Left Mouth Corner': [0.5, 0], 'Right Mouth Corner': [-0.5, 0] };
    expect(clear(stretch, 0)).toEqual([20]);
    const shifted: Motion = { 'Left Mouth Corner': [0.3, 0], 'Right Mouth Corner': [-0.7, 0], Chin: [-0.2, 0] };
    expect(clear(shifted, 0)).toEqual([20]);
  });

  it('reads a one-sided stretch whose other corner stays', () => {
    expect(clear({ 'Right Mouth Corner': [-0.5, 0] }, 0)).toEqual([20]);
  });
});

/** Seed 7100 `flicker_me_007` (face rolled -0.015 rad, under mains flicker): truth 17D. */
const CHIN_RAISE_LIFTING_THE_UPPER_LIP: Motion = {
  'Left Upper Eyelid Inner': [-0.220, -0.198],
  'Left Upper Eyelid Center': [-0.074, -0.177],
  'Left Upper Eyelid Outer': [-0.164, -0.196],
  'Left Lower Eyelid Inner': [-0.183, -0.041],
  'Left Lower Eyelid Center': [-0.123, -0.168],
  'Left Lower Eyelid Outer': [-0.123, -0.199],
  'Right Upper Eyelid Inner': [-0.024, -0.283],
  'Right Upper Eyelid Center': [0.162, -0.688],
  'Right Upper Eyelid Outer': [0.187, -0.365],
  'Right Lower Eyelid Inner': [0.093, -0.183],
  'Right Lower Eyelid Center': [0.014, -0.277],
  'Right Lower Eyelid Outer': [0.034, -0.288],
  'Left Inner Eyebrow': [-0.114, -0.115],
  'Left Outer Eyebrow': [-0.062, -0.132],
  'Right Inner Eyebrow': [0.003, -0.249],
  'Right Outer Eyebrow': [0.096, -0.244],
  'Left Nasal Wing': [-0.217, -0.368],
  'Right Nasal Wing': [-0.031, -0.448],
  'Left Mouth Corner': [-0.198, -0.150],
  'Right Mouth Corner': [0.055, -0.324],
  'Upper Lip Left': [0.116, -0.225],
  'Upper Lip Center': [-0.211, -0.176],
  'Upper Lip Right': [-0.032, -0.317],
  'Lower Lip Left': [-0.110, -0.324],
  'Lower Lip Center': [-0.174, -0.983],
  'Lower Lip Right': [-0.067, -0.332],
  'Chin': [-0.395, -1.406],
  'Left Cheek': [-0.060, -0.212],
  'Right Cheek': [-0.120, -0.107],
};

/** Seed 7100 `flicker_me_002` (face rolled 0.020 rad, under mains flicker): truth 12E. */
const SMILE_LIFTING_THE_UPPER_LIP: Motion = {
  'Left Upper Eyelid Inner': [-0.180, -0.057],
  'Left Upper Eyelid Center': [-0.136, -0.138],
  'Left Upper Eyelid Outer': [-0.165, -0.118],
  'Left Lower Eyelid Inner': [-0.045, -0.111],
  'Left Lower Eyelid Center': [-0.203, -0.093],
  'Left Lower Eyelid Outer': [-0.176, -0.112],
  'Right Upper Eyelid Inner': [0.009, -0.118],
  'Right Upper Eyelid Center': [-0.029, -0.157],
  'Right Upper Eyelid Outer': [-0.054, -0.191],
  'Right Lower Eyelid Inner': [-0.035, -0.141],
  'Right Lower Eyelid Center': [-0.034, -0.145],
  'Right Lower Eyelid Outer': [-0.009, -0.150],
  'Left Inner Eyebrow': [-0.202, -0.140],
  'Right Inner Eyebrow': [0.013, -0.123],
  'Right Outer Eyebrow': [0.018, -0.162],
  'Left Nasal Wing': [-0.066, -0.159],
  'Right Nasal Wing': [-0.044, -0.230],
  'Left Mouth Corner': [0.747, -1.089],
  'Right Mouth Corner': [-0.893, -1.149],
  'Upper Lip Left': [-0.045, -0.288],
  'Upper Lip Center': [-0.080, -0.274],
  'Upper Lip Right': [-0.162, -0.609],
  'Lower Lip Left': [-0.000, -0.404],
  'Lower Lip Center': [0.037, -0.312],
  'Lower Lip Right': [0.051, -0.313],
  'Chin': [-0.110, -0.281],
  'Right Cheek': [-0.216, -0.263],
};

describe('AU10 beside a chin raise or a smile', () => {
  it('reads no upper lip raise from the lip a chin raise pushes up', () => {
    expect(clear(CHIN_RAISE_LIFTING_THE_UPPER_LIP, -0.015)).toContain(17);
    expect(clear(CHIN_RAISE_LIFTING_THE_UPPER_LIP, -0.015)).not.toContain(10);
  });

  it("reads no upper lip raise from the lip's side a smile drags up", () => {
    expect(clear(SMILE_LIFTING_THE_UPPER_LIP, 0.020)).toContain(12);
    expect(clear(SMILE_LIFTING_THE_UPPER_LIP, 0.020)).not.toContain(10);
  });

  it('still reads an upper lip raise beside a slight chin raise and corner lift', () => {
    const raise: Motion = { 'Upper Lip Left': [0, -0.7], 'Upper Lip Center': [0, -0.8], 'Upper Lip Right': [0, -0.7], 'Left Nasal Wing': [0, -0.2], 'Right Nasal Wing': [0, -0.2], Chin: [0, -0.3], 'Left Mouth Corner': [0.15, -0.2], 'Right Mouth Corner': [-0.15, -0.2] };
    expect(clear(raise, 0)).toContain(10);
  });
});

/** The pipeline tests' still face (sample3) with glasses, head motion and tremor: what the head fit left of the sway, the whole lower face 0.2 % of the face height towards image right. */
const STILL_FACE_SWAYED: Motion = {
  'Left Nasal Wing': [0.194, 0.008],
  'Right Nasal Wing': [0.217, 0.002],
  'Left Mouth Corner': [0.204, -0.068],
  'Right Mouth Corner': [0.2, -0.03],
  'Upper Lip Left': [0.225, -0.017],
  'Upper Lip Center': [0.209, -0.002],
  'Upper Lip Right': [0.153, -0.006],
  'Lower Lip Left': [0.219, -0.039],
  'Lower Lip Center': [0.185, -0.051],
  'Lower Lip Right': [0.247, 0.03],
  Chin: [0.225, -0.048],
};

describe('AU14 beside a mouth shifted sideways', () => {
  const dimpler = (motion: Motion): string[] =>
    inferAus(featuresFromMotion(px(motion), FACE))
      .filter((a) => a.au === 14)
      .map((a) => `${a.side}${a.intensity}`);

  it('reads no dimpler, not even a trace, from a corner that moves inward with the whole mouth', () => {
    expect(dimpler(STILL_FACE_SWAYED)).toEqual([]);
  });

  it('reads a corner pulled in while the other stays, and both pulled in', () => {
    expect(dimpler({ 'Right Mouth Corner': [0.5, 0] })).toEqual(['RC']);
    expect(dimpler({ 'Left Mouth Corner': [-0.5, 0], 'Right Mouth Corner': [0.5, 0] })).toEqual(['BC']);
  });
});
