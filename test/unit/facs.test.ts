import { describe, expect, it } from 'vitest';
import {
  describeFacs,
  facsAus,
  facsCodes,
  facsIsUncertain,
  facsReading,
  formatFacs,
  normalizeFacs,
  parseFacs,
  printFacsTokens,
  withFacsCode,
  withoutFacsCode,
  type Facs,
  type FacsCode,
} from '../../src/shared/facs';

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

const facs = (alternatives: Facs['alternatives'], extra: Partial<Facs> = {}): Facs => ({ alternatives, uncertain: false, note: null, ...extra });
const ad = (au: number): FacsCode => ({ kind: 'AD', au, side: null, intensity: null });

describe('parseFacs: what the released sheets hold', () => {
  // Each code as SAMM, CAS(ME)³, DFME and CASME II coders wrote it, with every qualifier kept.
  const cases: Array<[string, Facs]> = [
    ['A9E+ref(10)', facs([[{ ...code(9, null, 'E'), asymmetric: true }, { ...code(10), reference: true }]])],
    ['B18+25', facs([[{ ...code(18), position: 'B' }, code(25)]])],
    ['A7', facs([[{ ...code(7), asymmetric: true }]])],
    ['7C+A12B', facs([[code(7, null, 'C'), { ...code(12, null, 'B'), asymmetric: true }]])],
    ['T18+39', facs([[{ ...code(18), position: 'T' }, code(39)]])],
    ['4D+ref(6)+7C+43E', facs([[code(4, null, 'D'), { ...code(6), reference: true }, code(7, null, 'C'), code(43, null, 'E')]])],
    ['R14+17+soft focus', facs([[code(14, 'R'), code(17)]], { note: 'soft focus' })],
    ['A14C', facs([[{ ...code(14, null, 'C'), asymmetric: true }]])],
    ['4A/B', facs([[{ ...code(4, null, 'A'), intensityTo: 'B' }]])],
    ['10A/B', facs([[{ ...code(10, null, 'A'), intensityTo: 'B' }]])],
    ['A/L12', facs([[{ ...code(12, 'L'), asymmetric: true }]])],
    ['(R6 or R12)+R15', facs([[{ choice: [[code(6, 'R')], [code(12, 'R')]] }, code(15, 'R')]])],
    ['ref(7B)+43', facs([[{ ...code(7, null, 'B'), reference: true }, code(43)]])],
    ['T28+14', facs([[{ ...code(28), position: 'T' }, code(14)]])],
    ['B23', facs([[{ ...code(23), position: 'B' }]])],
    ['T18', facs([[{ ...code(18), position: 'T' }]])],
    ['24+T18+16', facs([[code(24), { ...code(18), position: 'T' }, code(16)]])],
    ['R4+AD38', facs([[code(4, 'R'), ad(38)]])],
    ['7+R10+AD39', facs([[code(7), code(10, 'R'), ad(39)]])],
    ['L1+L2+L5+AD38', facs([[code(1, 'L'), code(2, 'L'), code(5, 'L'), ad(38)]])],
    ['12+AD38', facs([[code(12), ad(38)]])],
    ['?', facs([], { uncertain: true })],
    ['12?', facs([[{ ...code(12), uncertain: true }]])],
    ['T18+B18', facs([[{ ...code(18), position: 'T' }, { ...code(18), position: 'B' }]])],
    ['AD 38', facs([[ad(38)]])],
  ];
  it.each(cases)('parses %j and prints it back verbatim and canonically', (text, expected) => {
    const result = parseFacs(text);
    expect(result).toEqual({ ok: true, value: expected, tokens: expect.any(Array) });
    if (!result.ok) return;
    expect(printFacsTokens(result.tokens)).toBe(text);
    const canonical = parseFacs(formatFacs(result.value));
    expect(canonical.ok && canonical.value).toEqual(expected);
  });

  it('keeps the spelling in tokens: case, AU prefixes, spaces, separators', () => {
    const text = ' au 6 , a/l12b?(k) ;ref( 7b )  OR  (r6 or R12)+AD38 soft focus. ';
    const result = parseFacs(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(printFacsTokens(result.tokens)).toBe(text);
    expect(result.tokens.filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`)).toEqual([
      'prefix:au', 'number:6', 'separator:,', 'asymmetric:a/', 'side:l', 'number:12', 'intensity:b', 'uncertain:?', 'marker:(k)', 'separator:;',
      'ref:ref', 'open:(', 'number:7', 'intensity:b', 'close:)', 'or:OR', 'open:(', 'side:r', 'number:6', 'or:or', 'side:R', 'number:12', 'close:)',
      'separator:+', 'prefix:AD', 'number:38', 'note:soft focus.',
    ]);
    expect(formatFacs(result.value)).toBe('6+A/L12B?(k)+ref(7B) or (R6 or R12)+AD38+soft focus.');
  });

  it('tells an uncertain code from a certain one, and what comparisons score', () => {
    const read = (text: string) => {
      const result = parseFacs(text);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    };
    expect(facsIsUncertain(read('?'))).toBe(true);
    expect(facsIsUncertain(read('1+12?'))).toBe(true);
    expect(facsIsUncertain(read('(6? or 7)+12'))).toBe(true);
    expect(facsIsUncertain(read('1+12'))).toBe(false);
    expect(facsReading(read('?'))).toBeNull();
    // First alternative of each choice, AUs only, references and notes left out, `12?` kept.
    expect(facsReading(read('(R6 or R12)+ref(7B)+AD38+15?+soft focus or 4'))).toEqual([code(6, 'R'), { ...code(15), uncertain: true }]);
    expect(facsAus(read('(R6 or R12)+ref(7B)+AD38+15 or 4'))).toEqual([4, 6, 12, 15]);
    expect(facsCodes(read('(R6 or R12)+ref(7B)')).map((c) => c.au)).toEqual([6, 12, 7]);
  });

  it('adds a code to the last alternative, before the note, in place of a lone ?', () => {
    const add = (text: string) => {
      const result = parseFacs(text);
      if (!result.ok) throw new Error(result.error.message);
      return formatFacs(withFacsCode(result.value, code(12, 'L', 'C')));
    };
    expect(add('R14+17+soft focus')).toBe('R14+17+L12C+soft focus');
    expect(add('?')).toBe('L12C');
    expect(add('')).toBe('L12C');
    expect(add('4 or 5')).toBe('4 or 5+L12C');
  });

  it('removes one code, dissolving a choice left with one alternative', () => {
    const result = parseFacs('(R6 or R12)+R15');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(formatFacs(withoutFacsCode(result.value, 1))).toBe('R6+R15');
    expect(formatFacs(withoutFacsCode(result.value, 2))).toBe('(R6 or R12)');
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
    ['AU12+AU12', 5, /AU12 is coded twice \(at characters 1 and 6\)/],
    ['12E+12A', 4, /AU12 is coded with two intensities \(E and A\)/],
    ['12+L12', 3, /AU12 is coded for both sides \(12\) and for the left side only \(L12\)/],
    ['R12+R12C', 4, /AU12 is coded twice/],
    ['12Z', 2, /Invalid intensity 'Z'/],
    ['AU999', 2, /Unknown AU 999/],
    ['AU1234', 2, /too long/],
    ['((', 1, /parentheses do not nest/],
    ['(12 or 13', 0, /Unclosed '\('/],
    ['(12 or 13)+(4 or (5))', 17, /parentheses do not nest/],
    ['1\u00072', 1, /control character U\+0007/],
    ['12+soft\u0000focus', 7, /control character U\+0000 at character 8 in the note 'soft'/],
    ['12\n+4', 2, /control character U\+000A/],
    ['x'.repeat(100_000), 500, /100000 characters long \(at most 500\)/],
    ['AD12', 2, /Unknown AD 12/],
    ['AD38B', 4, /Unexpected 'B'/],
    ['4B/A', 1, /range 'B\/A' .* must rise/],
    ['4A/', 3, /close the range/],
    ['4A/F', 3, /close the range/],
    ['A/12', 2, /Expected a side \(L, R or U\) after 'A\/'/],
    ['T18+18', 4, /AU18 is coded for the top only \(T18\) and for top and bottom \(18\)/],
    ['AD38+AD38', 5, /AD38 is coded twice/],
    ['ref(6)+ref(6)', 7, /referenced AU6 is coded twice/],
    ['ref(1+2)', 5, /a reference holds one code/],
    ['ref(12', 3, /Unclosed 'ref\('/],
    ['?12', 1, /'\?' alone means the AUs are not known/],
    ['12+soft focus+4', 13, /a note comes last/],
    ['soft focus', 0, /Expected an AU number/],
    ['12+AU', 5, /Expected an AU number/],
    ['12+L', 4, /Expected an AU number/],
    ['12 or soft', 6, /Expected an AU number/],
    ['12??', 3, /Unexpected '\?'/],
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
    ['A/L12B?', 'Lip Corner Puller (asymmetric, left, intensity B, uncertain)'],
    ['T18+4A/B', 'Lip Pucker (top) + Brow Lowerer (intensity A–B)'],
    ['(R6 or R12)+ref(7)+AD38+soft focus', '(Cheek Raiser (right) or Lip Corner Puller (right)) + Lid Tightener (referenced, not scored) + Nostril Dilator (AD38); note: soft focus'],
    ['?', 'AUs not determined (?)'],
    ['54', 'Head Down'],
  ])('describes %j', (text, description) => {
    expect(describeFacs(text)).toBe(description);
  });

  it('throws on garbage and lists AUs', () => {
    expect(() => describeFacs('X1')).toThrow(/at character 1\b/);
    const parsed = parseFacs('R12 or 12+L4');
    expect(parsed.ok && facsAus(parsed.value)).toEqual([4, 12]);
  });
});
