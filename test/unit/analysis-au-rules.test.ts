import { describe, expect, it } from 'vitest';
import { facsString, imageDirection, inferAus, intensityOf, ruleEvidence, type AuEvidence } from '../../src/main/analysis/au-rules';
import { AU_RULES, FACS_RULES, TRACE_FLOOR, withCalibration, type AuRule } from '../../src/main/analysis/au-table';
import { ROI_NAMES } from '@shared/rois';
import { featuresFromMotion } from '../helpers/roi-motion';
import { checkReturn } from '../../src/main/analysis/return-check';

// Image axes: x right, y DOWN. The subject's Left is image-right, so "outward" on Left regions is +x.
const up = (px: number): [number, number] => [0, -px];
const down = (px: number): [number, number] => [0, px];
const both = (template: string, vector: (side: 'Left' | 'Right') => [number, number]): Record<string, [number, number]> => ({
  [template.replace('{side}', 'Left')]: vector('Left'),
  [template.replace('{side}', 'Right')]: vector('Right'),
});
const outward = (side: 'Left' | 'Right', px: number): number => (side === 'Left' ? px : -px);
const lids = (lid: 'Upper' | 'Lower', vector: [number, number]): Record<string, [number, number]> =>
  Object.fromEntries(ROI_NAMES.filter((n) => n.includes(`${lid} Eyelid`)).map((n) => [n, vector]));
const lips = (lip: 'Upper' | 'Lower', vector: [number, number]): Record<string, [number, number]> =>
  Object.fromEntries(['Left', 'Center', 'Right'].map((p) => [`${lip} Lip ${p}`, vector]));

describe('inferAus on the FACS table before calibration (face height 200 px: 1 px = 0.5 %)', () => {
  const cases: Array<{ name: string; motion: Record<string, [number, number]>; facs: string }> = [
    { name: 'still face', motion: {}, facs: '' },
    { name: 'inner brows up', motion: both('{side} Inner Eyebrow', () => up(0.6)), facs: '1B' },
    { name: 'whole brows up', motion: { ...both('{side} Inner Eyebrow', () => up(1)), ...both('{side} Outer Eyebrow', () => up(1)) }, facs: '1C+2C' },
    { name: 'inner brows down and together', motion: both('{side} Inner Eyebrow', (s) => [-outward(s, 0.6), 0.8]), facs: '4C' },
    { name: 'cheeks up', motion: both('{side} Cheek', () => up(1.2)), facs: '6C' },
    { name: 'lower lids up', motion: lids('Lower', up(0.7)), facs: '7B' },
    { name: 'nasal wings up', motion: both('{side} Nasal Wing', () => up(1)), facs: '9C' },
    { name: 'upper lip up', motion: lips('Upper', up(1)), facs: '10C' },
    { name: 'corners up and out', motion: both('{side} Mouth Corner', (s) => [outward(s, 0.9), -0.9]), facs: '12C' },
    { name: 'left corner up and out only', motion: { 'Left Mouth Corner': [0.9, -0.9] }, facs: 'L12C' },
    { name: 'right corner up and out only', motion: { 'Right Mouth Corner': [-0.9, -0.9] }, facs: 'R12C' },
    { name: 'corners inward', motion: both('{side} Mouth Corner', (s) => [-outward(s, 0.8), 0]), facs: '14B' },
    { name: 'corners down', motion: both('{side} Mouth Corner', () => down(0.8)), facs: '15B' },
    { name: 'chin up', motion: { Chin: up(0.8), 'Lower Lip Center': up(0.3) }, facs: '17B' },
    { name: 'corners outward', motion: both('{side} Mouth Corner', (s) => [outward(s, 0.8), 0]), facs: '20B' },
    { name: 'lips pressed', motion: { ...lips('Upper', down(0.6)), ...lips('Lower', up(0.6)) }, facs: '24B' },
    { name: 'left third of both lips pressed only', motion: { 'Upper Lip Left': down(0.8), 'Upper Lip Center': down(0.4), 'Lower Lip Left': up(0.8), 'Lower Lip Center': up(0.4) }, facs: 'L24B' },
    { name: 'lips part', motion: { ...lips('Upper', up(0.2)), ...lips('Lower', down(1.2)) }, facs: '25C' },
    { name: 'trace inner brow raise', motion: both('{side} Inner Eyebrow', () => up(0.3)), facs: '1A' },
    { name: 'strong inner brow raise', motion: both('{side} Inner Eyebrow', () => up(3)), facs: '1E' },
    { name: 'asymmetric but bilateral', motion: { 'Left Inner Eyebrow': up(1), 'Right Inner Eyebrow': up(0.6) }, facs: '1C' },
    // Image-right is inward for the right corner and outward for the left: the whole mouth shifted,
    // no stretch (the other corner moves in as far) and no dimpler (the other corner moves out as far).
    { name: 'mirror-image motion is neither "outward" nor "inward"', motion: both('{side} Mouth Corner', () => [0.8, 0]), facs: '' },
    { name: 'one corner inward', motion: { 'Right Mouth Corner': [0.8, 0] }, facs: 'R14B' },
    { name: 'one corner outward', motion: { 'Left Mouth Corner': [0.8, 0] }, facs: 'L20B' },
  ];
  it.each(cases)('$name → "$facs"', ({ motion, facs }) => {
    expect(facsString(inferAus(featuresFromMotion(motion), FACS_RULES))).toBe(facs);
  });

  it('flags a blink as AU45 and keeps it out of the FACS string', () => {
    const aus = inferAus(featuresFromMotion(lids('Upper', down(3))), FACS_RULES);
    expect(aus.map((a) => [a.au, a.blink, a.side])).toEqual([[45, true, 'B']]);
    expect(facsString(aus)).toBe('');
    // The same motion below the blink threshold is not a blink.
    expect(inferAus(featuresFromMotion(lids('Upper', down(0.5))), FACS_RULES)).toEqual([]);
  });

  it('reports evidence per side, confidence and the supporting regions', () => {
    const aus = inferAus(featuresFromMotion({ ...both('{side} Cheek', () => up(1)), ...lids('Lower', up(0.2)), 'Left Mouth Corner': [0.8, -0.8] }), FACS_RULES);
    const au6 = aus.find((a) => a.au === 6) as AuEvidence;
    // The left corner's AU12 explains part of the left cheek's rise: 0.5 − 0.05 × (0.8·√2 px = 0.566 %).
    expect(au6.left).toBeCloseTo(0.5 - 0.05 * ((0.8 * Math.SQRT2) / 200) * 100, 3);
    expect(au6.right).toBeCloseTo(0.5, 3);
    expect(au6.regions.slice(0, 2).sort()).toEqual(['Left Cheek', 'Right Cheek']);
    const au12 = aus.find((a) => a.au === 12) as AuEvidence;
    expect(au12.side).toBe('L');
    expect(au12.confidence).toBeGreaterThan(0.7);
    expect(au12.confidence).toBeLessThan(1);
  });

  it('more motion means more confidence', () => {
    const conf = (px: number): number => inferAus(featuresFromMotion(both('{side} Outer Eyebrow', () => up(px))), FACS_RULES)[0]?.confidence ?? 0;
    expect(conf(0.3)).toBeLessThan(conf(0.6));
    expect(conf(0.6)).toBeLessThan(conf(2));
  });

  it('the same motion on a bigger face is weaker evidence', () => {
    const motion = both('{side} Inner Eyebrow', () => up(1));
    expect(facsString(inferAus(featuresFromMotion(motion, 200), FACS_RULES))).toBe('1C');
    expect(facsString(inferAus(featuresFromMotion(motion, 600), FACS_RULES))).toBe('1A');
  });

  it('sees AU1 and AU4 together: the inward pull tells how much of the rise AU4 hid', () => {
    // AU1 lifts the inner brow by 0.5 %, AU4 (0.5 %) pulls it 0.3 % in and 0.4 % down: net 0.3 % in, 0.1 % up.
    const pulled = both('{side} Inner Eyebrow', (s) => [-outward(s, 0.6), -0.2]);
    const aus = inferAus(featuresFromMotion(pulled), FACS_RULES);
    expect(facsString(aus)).toBe('1C+4C');
    expect(aus.find((a) => a.au === 1)?.evidence).toBeCloseTo(0.1 + 1.33 * 0.3, 2);
    expect(aus.find((a) => a.au === 4)?.evidence).toBeCloseTo(1.67 * 0.3, 2);
    // A strong AU1 (1 %) over a B-level AU4 (0.4 %): the brow still rises, AU4 is read from its pull alone.
    const raised = both('{side} Inner Eyebrow', (s) => [-outward(s, 0.48), -(2 - 0.64)]);
    expect(facsString(inferAus(featuresFromMotion(raised), FACS_RULES))).toBe('1D+4B');
    // AU4 alone (down and in, no rise) leaves no AU1; a trace of inward motion is neither AU.
    const au4Alone = both('{side} Inner Eyebrow', (s) => [-outward(s, 0.6), 0.8]);
    expect(inferAus(featuresFromMotion(au4Alone), FACS_RULES).map((a) => a.au)).toEqual([4]);
    expect(inferAus(featuresFromMotion(both('{side} Inner Eyebrow', (s) => [-outward(s, 0.2), -0.1])), FACS_RULES)).toEqual([]);
  });

  it('does not read a raised upper lid into raised brows, nor a lowered corner into pressed lips', () => {
    // Brows up 1.2 % drag the upper lid up 0.15 %: AU1+2, no AU5; the lid rising alone is AU5.
    const brows = { ...both('{side} Inner Eyebrow', () => up(2.4)), ...both('{side} Outer Eyebrow', () => up(2.4)) };
    expect(facsString(inferAus(featuresFromMotion({ ...brows, ...lids('Upper', up(0.3)) }), FACS_RULES))).toBe('1E+2E');
    expect(facsString(inferAus(featuresFromMotion(lids('Upper', up(0.6))), FACS_RULES))).toBe('5B');
    // AU24's lowered upper lip drags the corner's edge down a little: no AU15.
    const pressed = { ...lips('Upper', down(0.8)), ...lips('Lower', up(0.8)), ...both('{side} Mouth Corner', () => down(0.4)) };
    expect(facsString(inferAus(featuresFromMotion(pressed), FACS_RULES))).toBe('24B');
  });

  it('reads directions in the face frame of a tilted face (roll)', () => {
    // Corners pulled up-outward in a face rolled by 30° (left eye lower): the image vectors turn by 30°.
    const roll = Math.PI / 6;
    const turn = ([x, y]: [number, number]): [number, number] => [x * Math.cos(roll) - y * Math.sin(roll), x * Math.sin(roll) + y * Math.cos(roll)];
    const motion = both('{side} Mouth Corner', (s) => turn([outward(s, 0.9), -0.9]));
    expect(facsString(inferAus(featuresFromMotion(motion), FACS_RULES, roll))).toBe('12C');
    // Read as if upright, the right corner's pull falls outside AU12's 40° cone.
    expect(facsString(inferAus(featuresFromMotion(motion), FACS_RULES))).not.toBe('12C');
  });

  it('maps subject directions to image axes (left = image right, y down)', () => {
    expect(imageDirection('outward', 'L')).toEqual([1, -0]);
    expect(imageDirection('outward', 'R')).toEqual([-1, -0]);
    expect(imageDirection('up', 'C')).toEqual([0, -1]);
    expect(imageDirection('inward', 'C')).toBeNull();
  });

  it('every rule names real ROIs and a FACS description', () => {
    for (const rule of FACS_RULES) {
      expect(rule.facs.length).toBeGreaterThan(20);
      for (const cue of rule.cues) {
        for (const template of cue.regions) {
          for (const side of ['Left', 'Right']) expect(ROI_NAMES).toContain(template.replace('{side}', side));
        }
      }
    }
  });
});

const inner = (px: number) => both('{side} Inner Eyebrow', () => up(px));

describe('the calibrated table (thresholds fitted against the flow estimator)', () => {

  it('applies a fit: threshold scale, side ratio and cue weights', () => {
    const au1 = FACS_RULES.find((r) => r.au === 1) as AuRule;
    const [fitted] = withCalibration([au1], { 1: { thresholdScale: 0.5, unilateralRatio: 0.3, weights: [2, 1] } });
    expect(fitted).toMatchObject({ thresholdScale: 0.5, unilateralRatio: 0.3 });
    expect(fitted?.cues[0]?.weight).toBe(2);
    // Half the thresholds: 0.3 px (0.15 %) reads as B instead of A.
    expect(facsString(inferAus(featuresFromMotion(inner(0.3)), [au1]))).toBe('1A');
    expect(facsString(inferAus(featuresFromMotion(inner(0.3)), [{ ...au1, thresholdScale: 0.5 }]))).toBe('1B');
    // The side ratio: 0.6 vs 1 px is bilateral at 0.5, one-sided at 0.7.
    const uneven = { 'Left Inner Eyebrow': up(1), 'Right Inner Eyebrow': up(0.6) };
    expect(inferAus(featuresFromMotion(uneven), [{ ...au1, unilateralRatio: 0.7 }])[0]?.side).toBe('L');
    expect(inferAus(featuresFromMotion(uneven), [{ ...au1, unilateralRatio: 0.5 }])[0]?.side).toBe('B');
  });

  it('no intensity level sits below the noise floor, whatever the calibration', () => {
    const au1 = { ...(FACS_RULES.find((r) => r.au === 1) as AuRule), thresholdScale: 0.5 };
    // 0.28 px is 0.14 % of the face: B at half the thresholds (0.125), but under the floor.
    expect(inferAus(featuresFromMotion(inner(0.28)), [au1])).toEqual([]);
    expect(facsString(inferAus(featuresFromMotion(inner(0.32)), [au1]))).toBe('1B');
    expect(intensityOf(TRACE_FLOOR - 1e-6, 0.1)).toBeNull();
  });

  it('keeps every AU monotone: more motion never reads a lower intensity', () => {
    const letters = ['A', 'B', 'C', 'D', 'E'];
    for (const rule of AU_RULES) {
      let last = -1;
      for (let evidence = 0; evidence <= 4; evidence += 0.01) {
        const letter = intensityOf(evidence, rule.thresholdScale ?? 1);
        const rank = letter ? letters.indexOf(letter) : -1;
        expect(rank).toBeGreaterThanOrEqual(last);
        last = rank;
      }
      expect(last).toBe(4);
    }
  });

  it('a still face stays without AUs, a clear one-sided AU12 keeps its side', () => {
    expect(inferAus(featuresFromMotion({}))).toEqual([]);
    const left = inferAus(featuresFromMotion({ 'Left Mouth Corner': [0.9, -0.9] })).find((a) => a.au === 12);
    expect(left?.side).toBe('L');
    const right = inferAus(featuresFromMotion({ 'Right Mouth Corner': [-0.9, -0.9] })).find((a) => a.au === 12);
    expect(right?.side).toBe('R');
  });
});

describe('the return check (an expression returns towards neutral, a step does not)', () => {
  it('keeps AUs that faded by the end, drops those still as strong', () => {
    const apex = inferAus(featuresFromMotion({ ...inner(1.2), 'Left Mouth Corner': [0.9, -0.9], 'Right Mouth Corner': [-0.9, -0.9] }));
    expect(apex.map((a) => a.au)).toEqual(expect.arrayContaining([1, 12]));
    // At the end the brows are back, the mouth corners are not (a held smile, a codec refresh).
    const atEnd = ruleEvidence(featuresFromMotion({ 'Left Mouth Corner': [0.9, -0.9], 'Right Mouth Corner': [-0.9, -0.9] }));
    const { returned, persistent } = checkReturn(apex, atEnd);
    expect(persistent.map((a) => a.au)).toEqual([12]);
    expect(returned.map((a) => a.au)).toContain(1);
    expect(returned.map((a) => a.au)).not.toContain(12);
    // The raw evidence matches what inferAus reports for the same motion.
    expect(atEnd.get(12)).toBeCloseTo(apex.find((a) => a.au === 12)?.evidence ?? 0, 2);
  });
});
