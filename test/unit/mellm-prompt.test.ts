import { describe, expect, it } from 'vitest';
import type { RoiStats } from '@shared/api/analysis';
import { ROI_NAMES, ROI_SPECS } from '@shared/rois';
import { MELLM_ROIS } from '../../src/main/analysis/mellm-rois';
import { buildPrompt, MELLM_STEPS, PROMPT_HEADER, roiReport, type PromptRoi } from '../../src/main/analysis/prompt';
import { pairwiseSum, referenceDirection, referenceRange, referenceRoiStats } from '../../src/main/analysis/reference-stats';
import { createFlowField, type FlowField } from '../../src/main/inference/flow/types';
import { roiCenter } from '../../src/main/inference/face/rois';
import { canonicalLandmarks } from '../helpers/canonical-face';

/**
 * The reference's regions as `get_roi_flow` builds them (eyes: `indices_map` order with
 * `draw_rois_on_image`'s names; then `draw_all_rois`, `draw_mouth_rois_on_image`,
 * `draw_mouth_and_cheek_rois_on_image`) and `roi_name_map`'s text for each, copied from
 * zyzhangUstc/MELLM MELLM_pipeline/roi_combine.py.
 */
const REFERENCE_ORDER: ReadonlyArray<[string, string]> = [
  ['left_eye_down_left', 'Left Lower Eyelid (Left Side)'],
  ['left_eye_down_center', 'Left Lower Eyelid (Center)'],
  ['left_eye_down_right', 'Left Lower Eyelid (Right Side)'],
  ['right_eye_down_left', 'Right Lower Eyelid (Left Side)'],
  ['right_eye_down_center', 'Right Lower Eyelid (Center)'],
  ['right_eye_down_right', 'Right Lower Eyelid (Right Side)'],
  ['left_eye_upper_left', 'Left Upper Eyelid (Left Side)'],
  ['left_eye_upper_center', 'Left Upper Eyelid (Center)'],
  ['left_eye_upper_right', 'Left Upper Eyelid (Right Side)'],
  ['right_eye_upper_left', 'Right Upper Eyelid (Left Side)'],
  ['right_eye_upper_center', 'Right Upper Eyelid (Center)'],
  ['right_eye_upper_right', 'Right Upper Eyelid (Right Side)'],
  ['left_outer_brow', 'Left Outer Eyebrow'],
  ['left_inner_brow', 'Left Inner Eyebrow'],
  ['right_outer_brow', 'Right Outer Eyebrow'],
  ['right_inner_brow', 'Right Inner Eyebrow'],
  ['left_wing', 'Left Nostril Wing'],
  ['right_wing', 'Right Nostril Wing'],
  ['left_corner', 'Left Mouth Corner'],
  ['right_corner', 'Right Mouth Corner'],
  ['upper_78_90', 'Upper Lip (Left Side)'],
  ['upper_80_91', 'Upper Lip (Center)'],
  ['upper_82_92', 'Upper Lip (Right Side)'],
  ['lower_96_87_88', 'Lower Lip (Left Side)'],
  ['lower_94_85_84', 'Lower Lip (Right Side)'],
  ['lower_95_86', 'Lower Lip (Center)'],
  ['chin_17', 'Chin'],
  ['left_cheek', 'Left Cheek'],
  ['right_cheek', 'Right Cheek'],
];

const stats = (s: Partial<RoiStats>): RoiStats => ({ pixels: 196, mean: 0.41234, max: 0.9009, concentration: 0.8, angle: 92.4, ...s });
const report = (region: string, s: Partial<RoiStats> = {}): PromptRoi => roiReport(region, stats(s));

describe('MELLM ROI names', () => {
  it("are the reference's 29 regions in get_roi_flow's order, each of ours once", () => {
    expect(MELLM_ROIS.map((r) => [r.key, r.name])).toEqual(REFERENCE_ORDER);
    expect(MELLM_ROIS.map((r) => r.region).sort()).toEqual([...ROI_NAMES].sort());
  });

  it("name sides as the image shows them: the reference's left is the subject's right", () => {
    const swapped = (ours: string) => ours.replace(/^(Left|Right)/, (side) => (side === 'Left' ? 'Right' : 'Left'));
    for (const { name, region } of MELLM_ROIS.filter((r) => /^(Left|Right) /.test(r.region))) expect(name.split(' ')[0]).toBe(swapped(region).split(' ')[0]);
    // On a frontal canonical face, every reference "Left" box lies left of its "Right" twin in the image.
    const landmarks = canonicalLandmarks(400, 480, 380);
    const x = (name: string) => roiCenter(landmarks, MELLM_ROIS.find((r) => r.name === name)!.region)[0];
    for (const [left, right] of [
      ['Left Lower Eyelid (Left Side)', 'Left Lower Eyelid (Right Side)'],
      ['Left Lower Eyelid (Right Side)', 'Right Lower Eyelid (Left Side)'],
      ['Right Upper Eyelid (Left Side)', 'Right Upper Eyelid (Right Side)'],
      ['Left Outer Eyebrow', 'Left Inner Eyebrow'],
      ['Left Inner Eyebrow', 'Right Inner Eyebrow'],
      ['Right Inner Eyebrow', 'Right Outer Eyebrow'],
      ['Left Nostril Wing', 'Right Nostril Wing'],
      ['Left Mouth Corner', 'Upper Lip (Left Side)'],
      ['Upper Lip (Left Side)', 'Upper Lip (Center)'],
      ['Upper Lip (Center)', 'Upper Lip (Right Side)'],
      ['Lower Lip (Left Side)', 'Lower Lip (Center)'],
      ['Lower Lip (Center)', 'Lower Lip (Right Side)'],
      ['Upper Lip (Right Side)', 'Right Mouth Corner'],
      ['Left Cheek', 'Right Cheek'],
    ] as const) {
      expect(x(left), `${left} left of ${right}`).toBeLessThan(x(right));
    }
  });
});

describe('the mellm prompt', () => {
  it("writes the reference's line: no spaces, the quote after the name, the direction unquoted and closed by '))'", () => {
    const prompt = buildPrompt([report('Right Inner Eyebrow')], 'mellm');
    expect(prompt.split('\n')[1]).toBe('{"region":"Left Inner Eyebrow,"mean_magnitude":0.412,"max_magnitude":0.901,"direction":up(92°))}');
  });

  it('is the header, the lines, an empty line, then the steps with a trailing newline', () => {
    const prompt = buildPrompt([report('Chin', { angle: 270 }), report('Left Mouth Corner', { mean: 1, max: 2.5, angle: 0.4 })], 'mellm');
    expect(prompt).toBe(
      `${PROMPT_HEADER}\n` +
        '{"region":"Right Mouth Corner,"mean_magnitude":1.0,"max_magnitude":2.5,"direction":right(0°))}\n' +
        '{"region":"Chin,"mean_magnitude":0.412,"max_magnitude":0.901,"direction":down(270°))}\n' +
        '\n' +
        'Follow these steps for the analysis:\n' +
        '### 1. Analyze ROIs (Regions of Interest) that are significantly related to facial micro-expressions:\n' +
        '* Provide a brief analysis for regions showing clear movement in **magnitude and/or direction**, and infer the associated Action Unit(s).\n' +
        '* For regions without significant movement, **no attention or analysis is required**.\n' +
        '* For regions with noticeable movement but unrelated to micro-expressions, provide only a brief note without further analysis.\n' +
        '### 2. Infer the micro-expression category from the overall movement pattern (descriptive reasoning):\n' +
        '* Based on the combined movement of all significant ROIs (direction and magnitude distribution), provide step-by-step causal/inductive reasoning that explains how local movements converge into a specific micro-expression conclusion.\n' +
        '### 3. **Summarize the AUs and the micro-expression ( Negative | Positive | Surprise ).**\n',
    );
    expect(buildPrompt([], 'mellm')).toBe(`${PROMPT_HEADER}\n\n${MELLM_STEPS}`);
  });

  it('writes the two other direction texts with .6g and .3f numbers', () => {
    const lines = buildPrompt(
      [
        report('Chin', { mean: 1e-5, max: 3e-5 }),
        report('Left Cheek', { mean: 0.0625, max: 0.2, concentration: 0.0625 }),
        report('Right Cheek', { mean: 0, max: 0 }),
      ],
      'mellm',
    ).split('\n');
    expect(lines.slice(1, 4)).toEqual([
      '{"region":"Chin,"mean_magnitude":0.0,"max_magnitude":0.0,"direction":No significant motion detected (mean magnitude ≈ 1e-05).}',
      // Our right cheek is the reference's left one, and comes first.
      '{"region":"Left Cheek,"mean_magnitude":0.0,"max_magnitude":0.0,"direction":No significant motion detected (mean magnitude ≈ 0).}',
      '{"region":"Right Cheek,"mean_magnitude":0.062,"max_magnitude":0.2,"direction":No clear dominant direction (motion is more isotropic or noisy; mean magnitude ≈ 0.0625, concentration ≈ 0.062).}',
    ]);
  });

  it('skips an empty box and refuses ROI lists it cannot write', () => {
    expect(buildPrompt([report('Chin', { pixels: 0 }), report('Left Cheek')], 'mellm').split('\n')[1]).toMatch(/^\{"region":"Right Cheek,/);
    expect(() => buildPrompt([report('Forehead')], 'mellm')).toThrow(/not one of the 29 MELLM ROIs/);
    expect(() => buildPrompt([report('Chin'), report('Chin')], 'mellm')).toThrow(/listed twice/);
    const old = { region: 'Chin', mean_magnitude: 0.4, max_magnitude: 0.9, direction: 'up (90°)', angle: 90 };
    expect(() => buildPrompt([old], 'mellm')).toThrow(/no reference statistics/);
    expect(() => buildPrompt([old], 'yaml' as never)).toThrow(/Unknown prompt format/);
  });
});

describe('the json prompt', () => {
  it('keeps our names, order and wording; each line is JSON; empty boxes left out', () => {
    const prompt = buildPrompt([report('Left Inner Eyebrow'), report('Chin', { pixels: 0 }), report('Right Cheek', { concentration: 0.1 })], 'json');
    const lines = prompt.split('\n');
    expect(lines).toEqual([
      PROMPT_HEADER,
      '{"region": "Left Inner Eyebrow", "mean_magnitude": 0.412, "max_magnitude": 0.901, "direction": "up (92°)"}',
      '{"region": "Right Cheek", "mean_magnitude": 0.412, "max_magnitude": 0.901, "direction": "No clear dominant direction"}',
      'Step 1: Analyze the regions of interest that show clear movement, describe how each moves, and infer the facial action unit(s) (AUs) responsible.',
      'Step 2: Reason from the combined facial movements to the emotional category they indicate.',
      'Step 3: Summarize the identified AUs and the micro-expression category (Negative, Positive, or Surprise).',
    ]);
    for (const line of lines.slice(1, 3)) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('still writes analyses stored before the reference statistics were kept', () => {
    const old = { region: 'Odd "name"', mean_magnitude: 0, max_magnitude: 12, direction: 'No significant motion detected', angle: null };
    expect(buildPrompt([old], 'json').split('\n')[1]).toBe('{"region": "Odd \\"name\\"", "mean_magnitude": 0.0, "max_magnitude": 12.0, "direction": "No significant motion detected"}');
  });
});

describe('the reference reading of a direction', () => {
  it('takes the first octant on a tie, rounds the angle half to even, wraps 360 to 0', () => {
    const read = (angle: number) => referenceDirection(stats({ angle }));
    expect([22.5, 67.5, 337.5, 359.6, 92.5, 93.5, 180].map((a) => { const d = read(a); return d.kind === 'dominant' ? `${d.octant}(${d.degrees})` : d.kind; })).toEqual([
      'right(22)', 'up-right(68)', 'right(338)', 'right(0)', 'up(92)', 'up(94)', 'left(180)',
    ]);
    expect(referenceDirection(stats({ mean: 9.99e-5 })).kind).toBe('still');
    expect(referenceDirection(stats({ mean: 1e-4, concentration: 0.1499 })).kind).toBe('isotropic');
    expect(referenceDirection(stats({ concentration: 0.15 })).kind).toBe('dominant');
  });
});

/** A zero flow field with (u, v) on [x0, x1) × [y0, y1). */
function flowWith(width: number, height: number, rect: readonly [number, number, number, number] | null, u: number, v: number): FlowField {
  const field = createFlowField(width, height);
  const plane = width * height;
  const [x0, y0, x1, y1] = rect ?? [0, 0, width, height];
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      field.data[y * width + x] = u;
      field.data[plane + y * width + x] = v;
    }
  }
  return field;
}

describe('reference ROI statistics', () => {
  const faceHeight = 380;
  const landmarks = canonicalLandmarks(400, 480, faceHeight);

  it("cut boxes with the reference's integer rules: (side − 1)² for eyelids, mouth and chin, 14² brows, 20² wings, S² cheeks", () => {
    const result = referenceRoiStats(flowWith(400, 480, null, 0, 0), landmarks, faceHeight);
    const pixels = Object.fromEntries(result.map((r) => [r.region, r.stats.pixels]));
    const cheek = Math.round(0.12 * faceHeight) ** 2;
    for (const spec of ROI_SPECS) {
      const expected = { eyelid: 81, eyebrow: 196, nose: 400, 'mouth-corner': 196, lip: 196, chin: 576, cheek }[spec.group];
      expect(pixels[spec.region], spec.region).toBe(expected);
    }
  });

  it('clips at the crop edge, skips a box that falls outside, and keeps numpy slicing of a negative end', () => {
    expect(referenceRange('inclusive-clipped', 100.5, 10, 400)).toEqual([95, 104]);
    expect(referenceRange('inclusive-clipped', 101.5, 10, 400)).toEqual([97, 106]);
    expect(referenceRange('inclusive-clipped', 2, 10, 400)).toEqual([0, 6]);
    expect(referenceRange('inclusive-clipped', 398, 10, 400)).toEqual([393, 399]);
    expect(referenceRange('inclusive-clipped', 420, 10, 400)).toEqual([399, 399]);
    expect(referenceRange('centred', 10, 15, 400)).toEqual([3, 17]);
    expect(referenceRange('centred', -20, 15, 400)).toEqual([0, 387]);
    expect(referenceRange('centred', 410, 20, 400)).toEqual([400, 400]);
    expect(referenceRange('cheek', 10.5, 48, 400)).toEqual([0, 34]);
  });

  it('subtract the nose tip: a translated face is still everywhere', () => {
    const result = referenceRoiStats(flowWith(400, 480, null, 2.25, -1.5), landmarks, faceHeight);
    for (const { stats: s } of result) expect(s.mean).toBe(0);
    expect(buildPrompt(result.map((r) => roiReport(r.region, r.stats)), 'mellm')).toContain('"direction":No significant motion detected (mean magnitude ≈ 0).}');
  });

  it('measure motion inside a box only, relative to the nose tip, on a smaller crop too', () => {
    const [cx, cy] = roiCenter(landmarks, 'Left Inner Eyebrow');
    const rect = [Math.round(cx) - 20, Math.round(cy) - 20, Math.round(cx) + 20, Math.round(cy) + 20] as const;
    const full = referenceRoiStats(flowWith(400, 480, rect, 0, -1), landmarks, faceHeight);
    const brow = full.find((r) => r.region === 'Left Inner Eyebrow')!.stats;
    expect(brow).toMatchObject({ pixels: 196, mean: 1, max: 1, angle: 90 });
    expect(brow.concentration).toBeCloseTo(1, 9);
    expect(full.find((r) => r.region === 'Chin')!.stats.mean).toBe(0);
    // The same motion on the default 200 × 240 crop (landmarks and box in crop pixels).
    const half = landmarks.map(([x, y, z]) => [(x + 0.5) / 2 - 0.5, (y + 0.5) / 2 - 0.5, z / 2] as [number, number, number]);
    const small = referenceRoiStats(flowWith(200, 240, rect.map((v) => Math.round(v / 2)) as unknown as [number, number, number, number], 0, -1), half, faceHeight);
    expect(small.find((r) => r.region === 'Left Inner Eyebrow')!.stats.mean).toBeCloseTo(1, 6);
    expect(small.find((r) => r.region === 'Chin')!.stats.mean).toBe(0);
  });

  it('refuses what it cannot measure', () => {
    expect(() => referenceRoiStats(flowWith(400, 480, null, 0, 0), landmarks.slice(0, 100), faceHeight)).toThrow(/468 FaceMesh/);
    const away = landmarks.map(([x, y, z], i) => (i === 4 ? [-50, y, z] : [x, y, z]) as [number, number, number]);
    expect(() => referenceRoiStats(flowWith(400, 480, null, 0, 0), away, faceHeight)).toThrow(/nose tip/);
    const broken = flowWith(400, 480, null, 0, 0);
    const [cx, cy] = roiCenter(landmarks, 'Chin');
    broken.data[Math.round(cy) * 400 + Math.round(cx)] = NaN;
    expect(() => referenceRoiStats(broken, landmarks, faceHeight)).toThrow(/not finite/);
    expect(() => referenceRoiStats(flowWith(400, 480, null, 0, 0), landmarks, 0)).toThrow(/Face height/);
  });

  it("add up magnitudes as numpy's pairwise sum does", () => {
    // numpy: np.sum(np.array([0.1] * 1000)) == 100.00000000000001; a plain loop gives 99.9999999999986.
    expect(pairwiseSum(new Float64Array(1000).fill(0.1))).toBe(100.00000000000001);
    expect(pairwiseSum(new Float64Array(7).fill(0.1))).toBe(0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1);
  });
});
