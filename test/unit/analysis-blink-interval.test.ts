import { describe, expect, it } from 'vitest';
import type { AuEvidence } from '../../src/main/analysis/au-rules';
import type { Intensity } from '../../src/main/analysis/au-table';
import { isBlinkInterval } from '../../src/main/analysis/blink-interval';

const au = (n: number, intensity: Intensity): AuEvidence => ({ au: n, name: `AU${n}`, side: 'B', intensity, evidence: 1, left: 1, right: 1, confidence: 0.6, regions: [], blink: n === 45 });
// What the fitting seeds' blink reopenings read as: the lids' AU45 and their spill on the brows and cheeks.
const spill = [au(1, 'B'), au(2, 'B'), au(6, 'B'), au(9, 'A'), au(10, 'B'), au(12, 'A')];

describe('isBlinkInterval (a spotted interval that is a blink)', () => {
  it('is the blink when AU45 peaks with a spotted blink and everything else reads as its spill', () => {
    expect(isBlinkInterval([...spill, au(45, 'D')], 41, [{ apex: 41 }], 6)).toBe(true);
    expect(isBlinkInterval([...spill, au(45, 'C')], 19, [{ apex: 5 }, { apex: 21 }], 6)).toBe(true);
  });

  it('keeps an expression that coincides with a blink but moves its own AUs beyond the spill', () => {
    expect(isBlinkInterval([au(1, 'D'), au(2, 'C'), au(45, 'D')], 41, [{ apex: 41 }], 6)).toBe(false);
  });

  it('keeps an interval that peaks away from every blink, or reads only a half blink', () => {
    expect(isBlinkInterval([...spill, au(45, 'D')], 30, [{ apex: 41 }], 6)).toBe(false);
    expect(isBlinkInterval([...spill, au(45, 'B')], 41, [{ apex: 41 }], 6)).toBe(false);
    expect(isBlinkInterval(spill, 41, [{ apex: 41 }], 6)).toBe(false);
    expect(isBlinkInterval([...spill, au(45, 'E')], 41, [], 6)).toBe(false);
  });
});
