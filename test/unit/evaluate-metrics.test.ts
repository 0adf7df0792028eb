import { describe, expect, it } from 'vitest';
import { auPresent, evaluateAus, evaluateClasses, evaluateSpotting, intervalIoU } from '../../src/main/corpus/evaluate/metrics';

describe('spotting evaluation (MEGC IoU ≥ 0.5)', () => {
  it('computes IoU on inclusive frame intervals', () => {
    expect(intervalIoU({ onset: 0, offset: 9 }, { onset: 0, offset: 9 })).toBe(1);
    expect(intervalIoU({ onset: 0, offset: 9 }, { onset: 5, offset: 14 })).toBeCloseTo(5 / 15, 10);
    expect(intervalIoU({ onset: 0, offset: 9 }, { onset: 10, offset: 19 })).toBe(0);
  });

  it('worked example: 3 proposals, 2 truths', () => {
    const truths = [{ onset: 100, apex: 110, offset: 130 }, { onset: 400, apex: 420, offset: 440 }];
    const proposals = [
      { onset: 102, apex: 112, offset: 128 }, // IoU 27/31, but truth 1 goes to the better proposal → FP
      { onset: 98, apex: 111, offset: 132 }, // IoU 31/35 → hit, apex error 1
      { onset: 425, apex: 430, offset: 470 }, // IoU 16/71 → FP; truth 2 missed
    ];
    const score = evaluateSpotting(proposals, truths);
    expect(score).toMatchObject({ truePositives: 1, falsePositives: 2, falseNegatives: 1, meanApexError: 1 });
    expect(score.precision).toBeCloseTo(1 / 3, 10);
    expect(score.recall).toBeCloseTo(0.5, 10);
    expect(score.f1).toBeCloseTo(0.4, 10);
  });

  it('scores nothing found as zero, not NaN', () => {
    expect(evaluateSpotting([], [{ onset: 0, offset: 5 }])).toMatchObject({ f1: 0, precision: 0, recall: 0, meanApexError: null });
    expect(evaluateSpotting([], [])).toMatchObject({ f1: 0 });
  });
});

describe('AU evaluation (present from intensity B)', () => {
  it('counts intensity A as absent', () => {
    expect(auPresent({ au: 1, intensity: 'A' })).toBe(false);
    expect(auPresent({ au: 1, intensity: 'B' })).toBe(true);
    expect(auPresent({ au: 1 })).toBe(true);
  });

  it('worked example: macro F1 over AU1, AU4, AU12', () => {
    const truths = [[{ au: 1 }, { au: 4 }], [{ au: 12, intensity: 'C' as const }], [{ au: 4 }]];
    const predictions = [[{ au: 1, intensity: 'B' as const }], [{ au: 12, intensity: 'B' as const }, { au: 4, intensity: 'A' as const }], [{ au: 4, intensity: 'D' as const }, { au: 12, intensity: 'C' as const }]];
    const score = evaluateAus(predictions, truths);
    // AU1: TP1 → F1 1. AU4: TP1 (sample 3), FN1 (sample 1), the A in sample 2 is absent → F1 2/3. AU12: TP1, FP1 → 2/3.
    expect(score.perAu[1]?.f1).toBe(1);
    expect(score.perAu[4]?.f1).toBeCloseTo(2 / 3, 10);
    expect(score.perAu[12]?.f1).toBeCloseTo(2 / 3, 10);
    expect(score.macroF1).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 10);
  });

  it('rejects mismatched sample counts', () => {
    expect(() => evaluateAus([[]], [])).toThrow(/one prediction per sample/);
  });
});

describe('3-class evaluation (accuracy, UF1, UAR)', () => {
  it('worked example', () => {
    const classes = ['Negative', 'Positive', 'Surprise'] as const;
    const truths = ['Negative', 'Negative', 'Negative', 'Positive', 'Surprise', 'Surprise'] as const;
    const predictions = ['Negative', 'Negative', 'Positive', 'Positive', 'Surprise', null] as const;
    const score = evaluateClasses<(typeof classes)[number]>([...predictions], [...truths], classes);
    expect(score.accuracy).toBeCloseTo(4 / 6, 10);
    // F1: Negative 2·2/(4+0+1)=0.8, Positive 2/(2+1+0)=2/3, Surprise 2/(2+0+1)=2/3.
    expect(score.uf1).toBeCloseTo((0.8 + 2 / 3 + 2 / 3) / 3, 10);
    // Recall: Negative 2/3, Positive 1, Surprise 1/2.
    expect(score.uar).toBeCloseTo((2 / 3 + 1 + 0.5) / 3, 10);
  });
});
