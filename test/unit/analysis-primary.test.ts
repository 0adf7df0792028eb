import { describe, expect, it } from 'vitest';
import type { ExpressionReport } from '../../src/shared/api/analysis';
import { leadFirst, type Candidate } from '../../src/main/analysis/pipeline/primary';
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
