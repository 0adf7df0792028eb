import { describe, expect, it } from 'vitest';
import {
  agreementToCsv,
  auF1,
  auSetFromFacs,
  cohenKappa,
  computeAgreement,
  facsAgreementRatio,
  intervalIoU,
  krippendorffAlphaNominal,
  matchIntervals,
  facsAuSet,
  FACS_COMPARISON_RULE,
  summariseDifferences,
  type CodedEvent,
} from '../../../src/main/corpus/agreement';
import { codedEventsFromRecords } from '../../../src/main/corpus/coded-events';
import { makeRecord } from '../../helpers/corpus-records';

/** Expands a 2×2 (or k×k) contingency table into paired ratings. */
function fromTable(table: number[][], labels: string[]): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  table.forEach((row, i) => row.forEach((count, j) => {
    for (let k = 0; k < count; k += 1) { a.push(labels[i] as string); b.push(labels[j] as string); }
  }));
  return [a, b];
}

describe('Cohen’s kappa', () => {
  it('reproduces the textbook 2×2 example (p_o = 0.70, p_e = 0.50, κ = 0.40)', () => {
    const [a, b] = fromTable([[20, 5], [10, 15]], ['yes', 'no']);
    const result = cohenKappa(a, b);
    expect(result.observed).toBeCloseTo(0.7, 10);
    expect(result.expected).toBeCloseTo(0.5, 10);
    expect(result.kappa).toBeCloseTo(0.4, 10);
  });

  it('gives different κ for the same p_o = 0.60 when marginals differ (0.1304 vs 0.2593)', () => {
    expect(cohenKappa(...fromTable([[45, 15], [25, 15]], ['yes', 'no'])).kappa).toBeCloseTo(0.1304, 4);
    expect(cohenKappa(...fromTable([[25, 35], [5, 35]], ['yes', 'no'])).kappa).toBeCloseTo(0.2593, 4);
  });

  it('skips units one coder left empty and is NaN when there is no variation', () => {
    expect(cohenKappa(['a', 'b', null], ['a', 'b', 'b']).n).toBe(2);
    expect(cohenKappa(['a', 'b'], ['a', 'b']).kappa).toBe(1);
    expect(cohenKappa(['a', 'a'], ['a', 'a']).kappa).toBeNaN();
    expect(() => cohenKappa(['a'], [])).toThrow(/same units/);
  });
});

describe('Krippendorff’s alpha (nominal)', () => {
  it('reproduces Krippendorff (2011) worked example with missing data: α = 0.743', () => {
    // Reliability data matrix: 4 observers (rows) × 12 units (columns), null = missing.
    const _ = null;
    const observers = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const units = observers[0]!.map((_value, unit) => observers.map((row) => row[unit] ?? null));
    const result = krippendorffAlphaNominal(units);
    expect(result.pairable).toBe(40);
    expect(result.units).toBe(11); // unit 12 has a single value: not pairable
    expect(result.alpha).toBeCloseTo(0.743, 3);
  });

  it('reproduces Krippendorff (2011) binary example for two observers: α = 0.095', () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(krippendorffAlphaNominal(a.map((value, i) => [value, b[i]])).alpha).toBeCloseTo(0.095, 3);
  });

  it('is 1 for perfect agreement and NaN without any pairable variation', () => {
    expect(krippendorffAlphaNominal([['x', 'x'], ['y', 'y', null]]).alpha).toBe(1);
    expect(krippendorffAlphaNominal([['x', 'x'], ['x', 'x']]).alpha).toBeNaN();
    expect(krippendorffAlphaNominal([['x', null]]).alpha).toBeNaN();
  });
});

describe('AU agreement', () => {
  const parse = (facs: string) => facsAuSet(facs) ?? [];
  it('computes the Ekman–Friesen FACS agreement ratio 2·agreed / total scored', () => {
    // Coder 1: 1+2+5+26, coder 2: 1+2+26+27 → 3 agreed, 8 scored → 6/8.
    expect(facsAgreementRatio(parse('1+2+5+26'), parse('1+2+26+27'))).toBeCloseTo(0.75, 10);
    expect(facsAgreementRatio(parse('4'), parse('12'))).toBe(0);
    expect(facsAgreementRatio([], [])).toBe(1);
  });

  it('computes F1 of AU sets from precision and recall', () => {
    // Reference 1+2+4, other 1+2+5+7: P = 2/4, R = 2/3 → F1 = 4/7.
    expect(auF1(parse('1+2+4'), parse('AU1+AU2+AU5+AU7'))).toBeCloseTo(4 / 7, 10);
    expect(auF1(parse('4'), [])).toBe(0);
  });

  it('compares sides only where both coders give one, unless told to ignore them', () => {
    expect(facsAgreementRatio(parse('L12'), parse('R12'))).toBe(0);
    expect(facsAgreementRatio(parse('L12'), parse('R12'), true)).toBe(1);
    expect(facsAgreementRatio(parse('R12'), parse('12'))).toBe(1);
    expect(facsAgreementRatio(parse('L12+R12'), parse('12'))).toBe(1);
    // U (one side, not said which) gives no side to compare.
    expect(facsAgreementRatio(parse('U12'), parse('L12'))).toBe(1);
    // L agreed, R scored by A only: 2·1 / (2 + 1).
    expect(facsAgreementRatio(parse('L12+R12'), parse('L12'))).toBeCloseTo(2 / 3, 12);
    expect(auF1(parse('L12+R12+4'), parse('L12'))).toBeCloseTo(2 / 4, 12);
  });

  it('scores what the coder scored: the first alternative, no references, AD codes or notes; `12?` counts; `?` is no reading', () => {
    const sided = (au: number, side: 'L' | 'R' | null = null) => ({ au, side });
    expect(facsAuSet('(R6 or R12)+R15')).toEqual([sided(6, 'R'), sided(15, 'R')]);
    expect(facsAuSet('R12 or R15')).toEqual([sided(12, 'R')]);
    expect(facsAuSet('4D+ref(6)+7C+43E')).toEqual([sided(4), sided(7), sided(43)]);
    expect(facsAuSet('7+R10+AD39')).toEqual([sided(7), sided(10, 'R')]);
    expect(facsAuSet('R14+17+soft focus')).toEqual([sided(14, 'R'), sided(17)]);
    expect(facsAuSet('12?+A/L14+T18+4A/B')).toEqual([sided(12), sided(14, 'L'), sided(18), sided(4)]);
    expect(facsAuSet('')).toEqual([]);
    expect(facsAuSet('?')).toBeNull();
    expect(FACS_COMPARISON_RULE).toMatch(/first is the coder's reading.*references.*AD codes.*notes are not scored.*12\?. counts.*`\?` is left out/);
  });

  it('reads FACS strings through an injected parser, tolerating intensity letters', () => {
    expect(auSetFromFacs('R12A+L4+25')).toEqual([{ au: 12, side: 'R' }, { au: 4, side: 'L' }, { au: 25, side: null }]);
    expect(auSetFromFacs('x', () => [{ au: 9, side: null }])).toEqual([{ au: 9, side: null }]);
    expect(() => auSetFromFacs('bad', () => { throw new Error('grammar'); })).toThrow(/Cannot read the AU code/);
  });
});

describe('intervals', () => {
  it('computes inclusive-frame IoU', () => {
    expect(intervalIoU({ onset: 10, offset: 19 }, { onset: 15, offset: 24 })).toBeCloseTo(5 / 15, 10);
    expect(intervalIoU({ onset: 0, offset: 4 }, { onset: 5, offset: 9 })).toBe(0);
    expect(intervalIoU({ onset: 3, offset: 3 }, { onset: 3, offset: 3 })).toBe(1);
  });

  it('matches one-to-one at IoU ≥ 0.5, best pairs first', () => {
    const a = [{ onset: 0, offset: 9 }, { onset: 100, offset: 119 }, { onset: 300, offset: 310 }];
    const b = [{ onset: 1, offset: 10 }, { onset: 0, offset: 8 }, { onset: 105, offset: 124 }, { onset: 500, offset: 510 }];
    const result = matchIntervals(a, b);
    expect(result.matches.map(({ a: i, b: j }) => [i, j])).toEqual([[0, 1], [1, 2]]);
    expect([result.truePositives, result.falsePositives, result.falseNegatives]).toEqual([2, 2, 1]);
    expect(result.f1).toBeCloseTo(4 / 7, 10);
    // IoU of [100,119] and [110,129] is 10/30 < 0.5: no match.
    expect(matchIntervals([{ onset: 100, offset: 119 }], [{ onset: 110, offset: 129 }]).truePositives).toBe(0);
  });

  it('summarises absolute frame differences', () => {
    expect(summariseDifferences([-3, 1, 2, -10])).toEqual({ mean: 4, median: 2.5, n: 4 });
    expect(summariseDifferences([]).mean).toBeNaN();
  });
});

describe('computeAgreement', () => {
  const event = (eventId: string, annotator: string, onset: number, apex: number, offset: number, facs: string, emotion: string, label3: string): CodedEvent => ({
    eventId, clipId: eventId.split('/')[0] as string, annotator, onset, apex, offset, aus: auSetFromFacs(facs), emotion, label3,
  });
  const events = [
    event('c1/e1', 'ann', 10, 15, 20, '1+2', 'surprise', 'surprise'),
    event('c1/e1', 'bob', 11, 15, 22, '1+2+5', 'surprise', 'surprise'),
    event('c1/e1', 'cyd', 10, 16, 20, '1+2', 'surprise', 'surprise'),
    event('c2/e2', 'ann', 0, 5, 9, '4', 'disgust', 'negative'),
    event('c2/e2', 'bob', 30, 33, 39, '4+7', 'repression', 'negative'),
    event('c2/e2', 'cyd', 0, 4, 9, '12', 'happiness', 'positive'),
  ];

  it('reports per pair and for the corpus', () => {
    const report = computeAgreement(events);
    expect(report.coders).toEqual(['ann', 'bob', 'cyd']);
    expect(report.events).toBe(2);
    const annBob = report.pairs.find((pair) => pair.coderA === 'ann' && pair.coderB === 'bob')!;
    expect(annBob.sharedEvents).toBe(2);
    // e1: agreed 2 of 5 scored; e2: agreed 1 of 3 → pooled 2·3/8.
    expect(annBob.facsRatio).toBeCloseTo(6 / 8, 10);
    expect(annBob.auF1).toBeCloseTo((0.8 + 2 / 3) / 2, 10);
    expect(annBob.onset).toEqual({ mean: 15.5, median: 15.5, n: 2 });
    expect(annBob.spotting).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 1 });
    const annCyd = report.pairs.find((pair) => pair.coderB === 'cyd' && pair.coderA === 'ann')!;
    expect(annCyd.label3Kappa.observed).toBe(0.5);
    expect(annCyd.spotting.f1).toBe(1);
    expect(report.sharedEvents).toBe(6);
    expect(report.label3Alpha.alpha).toBeCloseTo(krippendorffAlphaNominal([['surprise', 'surprise', 'surprise'], ['negative', 'negative', 'positive']]).alpha, 12);
    const au1 = report.perAu.find((au) => au.au === '1')!;
    expect(au1.ratio).toBe(1);
    expect(au1.scored).toBe(3);
    // The counted per-AU α equals α on the explicit presence matrix (e1: nobody, e2: ann + bob).
    const au4 = report.perAu.find((au) => au.au === '4')!;
    expect(au4.alpha.alpha).toBeCloseTo(krippendorffAlphaNominal([[0, 0, 0], [1, 1, 0]]).alpha, 12);
    expect(au4.ratio).toBeCloseTo(2 / 4, 12);
    expect(report.perAu.map((au) => au.au)).toEqual(['1', '2', '4', '5', '7', '12']);
  });

  it('takes export records through the adapter, with an injected FACS parser', () => {
    const records = [makeRecord({ annotator: 'ann', aus: 'R12' }), makeRecord({ annotator: 'bob', aus: 'L12', onset: 2 })];
    const coded = codedEventsFromRecords(records, (facs) => (facsAuSet(facs) ?? []).map((code) => ({ ...code, side: null })));
    expect(coded[1]).toMatchObject({ eventId: 'ev-1', annotator: 'bob', onset: 2, aus: [{ au: 12, side: null }], label3: 'positive' });
    expect(computeAgreement(coded).facsRatio).toBe(1);
    expect(computeAgreement(codedEventsFromRecords(records)).facsRatio).toBe(0);
  });

  it('leaves an event coded `?` out of the AU figures, and keeps it in the interval figures', () => {
    const coded = [
      event('c1/e1', 'ann', 10, 15, 20, '1+2', 'surprise', 'surprise'),
      event('c1/e1', 'bob', 10, 15, 20, '?', 'surprise', 'surprise'),
      event('c2/e2', 'ann', 0, 5, 9, '4', 'disgust', 'negative'),
      event('c2/e2', 'bob', 0, 5, 9, '4+7', 'disgust', 'negative'),
    ];
    const report = computeAgreement(coded);
    expect(report.sharedEvents).toBe(2);
    expect(report.auEvents).toBe(1);
    // Only e2 is compared: 4 agreed, 7 by bob alone → 2·1 / 3; F1 the same on one event.
    expect(report.facsRatio).toBeCloseTo(2 / 3, 12);
    expect(report.auF1).toBeCloseTo(2 / 3, 12);
    expect(report.meanIoU).toBe(1);
    // Per AU, the `?` coder is no value for e1: AU1 is scored by ann alone in a unit of one coder.
    expect(report.perAu.map((au) => [au.au, au.scored])).toEqual([['4', 2], ['7', 1]]);
    expect(agreementToCsv(report).split('\r\n')).toContain('pair,ann,bob,facs_agreement_ratio,0.6666666666666666,1');
  });

  it('writes the report as a CSV table', () => {
    const csv = agreementToCsv(computeAgreement(events));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('scope,coder_a,coder_b,metric,value,n');
    expect(lines).toContain('pair,ann,bob,facs_agreement_ratio,0.75,2');
    expect(lines.some((line) => line.startsWith('AU 5,,,facs_agreement_ratio,0,1'))).toBe(true);
  });
});
