import { describe, expect, it } from 'vitest';
import { describeFacs, facsAus, formatFacs, normalizeFacs, parseFacs, type FacsCode } from '../../src/shared/facs';

const code = (au: number, side: 'L' | 'R' | 'U' | null = null, intensity: 'A' | 'B' | 'C' | 'D' | 'E' | null = null): FacsCode => ({
  kind: 'AU',
  au,
  side,
  intensity,
});

describe('parseFacs: coders\' notations', () => {
  const cases: Array<[string, FacsCode[][]]> = [
    ['12', [[code(12)]]],
    ['1+2', [[code(1), code(2)]]],
    ['4+L10', [[code(4), code(10, 'L')]]],
    ['1+2+5B+L12C', [[code(1), code(2), code(5, null, 'B'), code(12, 'L', 'C')]]],
    ['R14A', [[code(14, 'R', 'A')]]],
    ['R14A+R17A', [[code(14, 'R', 'A'), code(17, 'R', 'A')]]],
    ['4+7', [[code(4), code(7)]]],
    ['1+R2+25', [[code(1), code(2, 'R'), code(25)]]],
    ['L10', [[code(10, 'L')]]],
    ['U14', [[code(14, 'U')]]],
    ['R12 or R15', [[code(12, 'R')], [code(15, 'R')]]],
    ['12(k)', [[{ ...code(12), marker: 'k' }]]],
    ['6+12C(k)', [[code(6), { ...code(12, null, 'C'), marker: 'k' }]]],
    ['AU12', [[code(12)]]],
    ['au12', [[code(12)]]],
    ['AU1+AU2', [[code(1), code(2)]]],
    ['AU 6 + AU 12', [[code(6), code(12)]]],
    ['AUL12', [[code(12, 'L')]]],
    ['12c', [[code(12, null, 'C')]]],
    ['r14a', [[code(14, 'R', 'A')]]],
    ['1, 2; 4', [[code(1), code(2), code(4)]]],
    ['1 2  4', [[code(1), code(2), code(4)]]],
    [' 1 + 2 ', [[code(1), code(2)]]],
    ['51+64', [[code(51), code(64)]]],
    ['12 OR 14', [[code(12)], [code(14)]]],
    ['L12A+R12C', [[code(12, 'L', 'A'), code(12, 'R', 'C')]]],
    ['12 or L12', [[code(12)], [code(12, 'L')]]],
    ['', []],
    ['   ', []],
  ];
  it.each(cases)('parses %j', (text, expected) => {
    const result = parseFacs(text);
    expect(result).toEqual({ ok: true, value: { alternatives: expected, uncertain: false, note: null }, tokens: expect.any(Array) });
  });
});

describe('parseFacs: garbage is rejected with a position', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['1++2', 2, /Empty code/],
    ['X12', 0, /Expected an AU number/],
    ['12F', 2, /Invalid intensity 'F'/],
    ['99', 0, /Unknown AU 99/],
    ['AU', 2, /Expected an AU number/],
    ['AU X', 2, /Expected an AU number/],
    ['1+', 2, /Expected an AU code after '\+'/],
    ['+1', 0, /Expected an AU number/],
    ['1+2 or', 6, /Expected an alternative after 'or'/],
    ['12(k', 2, /Unclosed/],
    ['12()', 2, /Invalid marker/],
    ['1+3', 2, /Unknown AU 3/],
    ['L', 1, /Expected an AU number/],
    ['12AB', 3, /Unexpected 'B'/],
    ['1/2', 1, /Unexpected '\/'/],
    ['12 or or 4', 6, /Expected an AU number/],
    ['AU12+AU12', 5, /AU12 is coded twice \(at positions 0 and 5\)/],
    ['12E+12A', 4, /AU12 is coded with two intensities \(E and A\)/],
    ['12+L12', 3, /AU12 is coded for both sides \(12\) and for the left side only \(L12\)/],
    ['R12+R12C', 4, /AU12 is coded twice/],
  ];
  it.each(cases)('rejects %j at %i', (text, position, message) => {
    const result = parseFacs(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.position).toBe(position);
    expect(result.error.message).toMatch(message);
  });
});

describe('formatFacs', () => {
  it.each(['1+2+5B+L12C', 'R14A+R17A', '4+L10', '12(k)', 'R12 or R15', '1+R2+25', 'U14E', '51+63', ''])(
    'round-trips the canonical %j exactly',
    (text) => {
      const parsed = parseFacs(text);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(formatFacs(parsed.value)).toBe(text);
    },
  );

  it.each([
    ['AU1 + au2', '1+2'],
    ['r14a, r17a', 'R14A+R17A'],
    ['12  OR  15', '12 or 15'],
  ])('normalizes %j to %j', (text, canonical) => {
    expect(normalizeFacs(text)).toBe(canonical);
  });

  it('normalizeFacs returns null for garbage', () => {
    expect(normalizeFacs('1++2')).toBeNull();
  });
});

describe('describeFacs', () => {
  it.each([
    ['L12C', 'Lip Corner Puller (left, intensity C)'],
    ['12', 'Lip Corner Puller'],
    ['R14A+17', 'Dimpler (right, intensity A) + Chin Raiser'],
    ['U14', 'Dimpler (unilateral)'],
    ['12(k) or 15', 'Lip Corner Puller (marker k) or Lip Corner Depressor'],
    ['54', 'Head Down'],
  ])('describes %j', (text, description) => {
    expect(describeFacs(text)).toBe(description);
  });

  it('throws on garbage and lists AUs', () => {
    expect(() => describeFacs('X1')).toThrow(/position 0/);
    const parsed = parseFacs('R12 or 12+L4');
    expect(parsed.ok && facsAus(parsed.value)).toEqual([4, 12]);
  });
});
