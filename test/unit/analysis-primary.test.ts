import { describe, expect, it } from 'vitest';
import type { ExpressionReport } from '../../src/shared/api/analysis';
import { LeadKeeper, leadFirst, type Candidate } from '../../src/main/analysis/pipeline/primary';
import { noExpressionReport } from '../../src/main/analysis/pipeline/report';

const expression = (onset: number, aus: Array<[string, 'A' | 'B' | 'C' | 'D' | 'E']>, kind: ExpressionReport['kind']): ExpressionReport => ({
  ...noExpressionReport('', 'mellm'),
  onset,
  apex: onset + 3,
  offset: onset + 8,
  aus: aus.map(([code, intensity]) => ({ code, side: 'B' as const, intensity, confidence: 0.6 })),
  kind,
});

describe('leadFirst (which analysed interval a clip reports)', () => {
  it('leads with a chin raise, not the stronger blink reopening whose spill reads as brows and cheeks', () => {
    // The shape of a long blink beside an AU17C: the blink's interval is spotted stronger.
    const blink: Candidate = { report: expression(38, [['AU1', 'B'], ['AU2', 'B'], ['AU6', 'A'], ['AU45', 'D']], 'micro'), score: 0.9 };
    const chin: Candidate = { report: expression(15, [['AU17', 'C']], 'micro'), score: 0.5 };
    expect(leadFirst([blink, chin]).map((e) => e.onset)).toEqual([15, 38]);
  });

  it('leads with an interval offered as an expression before one left with a blink alone', () => {
    const blinkOnly: Candidate = { report: expression(5, [['AU45', 'C']], null), score: 0.9 };
    const brow: Candidate = { report: expression(30, [['AU1', 'B'], ['AU45', 'B']], 'micro'), score: 0.3 };
    expect(leadFirst([blinkOnly, brow]).map((e) => e.onset)).toEqual([30, 5]);
  });

  it('among expressions alike, leads with the higher score and keeps the spotting order after it', () => {
    const a: Candidate = { report: expression(10, [['AU12', 'B']], 'micro'), score: 0.4 };
    const b: Candidate = { report: expression(20, [['AU4', 'C']], 'micro'), score: 0.7 };
    const c: Candidate = { report: expression(30, [['AU9', 'C']], 'macro'), score: 0.7 };
    expect(leadFirst([a, b, c]).map((e) => e.onset)).toEqual([20, 10, 30]);
    expect(leadFirst([a]).map((e) => e.onset)).toEqual([10]);
    expect(leadFirst([])).toEqual([]);
  });
});

describe('LeadKeeper (the lead’s flow, kept while a recording is analysed)', () => {
  it('holds one payload at a time, the lead’s so far, and ends on the one leadFirst leads with', () => {
    const blink: Candidate = { report: expression(38, [['AU1', 'B'], ['AU45', 'D']], 'micro'), score: 0.9 };
    const a: Candidate = { report: expression(10, [['AU12', 'B']], 'micro'), score: 0.4 };
    const b: Candidate = { report: expression(20, [['AU4', 'C']], 'micro'), score: 0.7 };
    const c: Candidate = { report: expression(30, [['AU9', 'C']], 'macro'), score: 0.7 };
    const keeper = new LeadKeeper<{ onset: number }>();
    expect(keeper.value).toBeNull();
    const held: number[] = [];
    for (const candidate of [blink, a, b, c]) {
      keeper.offer(candidate, { onset: candidate.report.onset });
      held.push(keeper.value!.onset);
    }
    // Each payload it let go is no longer reachable from it: one is held, never the run's.
    expect(held).toEqual([38, 10, 20, 20]);
    expect(keeper.value?.onset).toBe(leadFirst([blink, a, b, c])[0]?.onset);
  });

  it('picks what leadFirst picks on every order of a mixed set', () => {
    const set: Candidate[] = [
      { report: expression(5, [['AU45', 'C']], null), score: 0.95 },
      { report: expression(15, [['AU17', 'C']], 'micro'), score: 0.5 },
      { report: expression(25, [['AU1', 'B'], ['AU45', 'B']], 'micro'), score: 0.8 },
      { report: expression(35, [['AU12', 'C']], 'macro'), score: 0.5 },
    ];
    const orders = (xs: Candidate[]): Candidate[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => orders(xs.filter((_, j) => j !== i)).map((rest) => [x, ...rest])));
    for (const order of orders(set)) {
      const keeper = new LeadKeeper<number>();
      for (const candidate of order) keeper.offer(candidate, candidate.report.onset);
      expect(keeper.value).toBe(leadFirst(order)[0]?.onset);
    }
  });
});
