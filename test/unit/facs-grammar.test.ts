/**
 * Property test of the FACS grammar (docs/facs-grammar.md): a seeded generator writes
 * random codes from the grammar's productions — prefixes, sides, positions, AU and AD
 * numbers, intensities and ranges, `?`, markers, references, choices, alternatives,
 * notes, letter case and spacing — together with the structure each one means. Every
 * text must parse to that structure, print back verbatim from its tokens, and keep its
 * structure through the canonical form.
 */
import { describe, expect, it } from 'vitest';
import { AD_NUMBERS, AU_NAMES } from '../../src/shared/au-names';
import { seededRandom } from '../../src/main/util/random';
import { FACS_MAX_LENGTH, formatFacs, parseFacs, printFacsTokens, type Facs, type FacsCode, type FacsTerm } from '../../src/shared/facs';

/** Seeded, so a failure names the case that reproduces it. */
const prng = seededRandom;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Writer {
  constructor(readonly random: () => number) {}

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  /** A letter in either case (coders write `r14a` as well as `R14A`). */
  letter(upper: string): string {
    return this.chance(0.25) ? upper.toLowerCase() : upper;
  }

  /** Optional space: none mostly, else spaces, a tab or a no-break space. */
  space(p = 0.2): string {
    return this.chance(p) ? this.pick([' ', '  ', '\t', '\u00a0', '\u3000']) : '';
  }
}

const AU_NUMBERS = Object.keys(AU_NAMES).map(Number);
const INTENSITIES = ['A', 'B', 'C', 'D', 'E'] as const;
const NOTE_WORDS = ['soft', 'focus', 'blink', 'head', 'movement', 'talking', 'unclear', 'onset', 'glasses', 'très', 'léger', '眨眼动作', 'x2', 'a', '-', 'of'];
const MARKERS = ['k', 'x', 'k2', 'trace', 'see 4', 'a.b'];

/** A code as written and as it parses; `fixed` pins the AU and its side or position (L/R and T/B pairs). */
function writeCode(w: Writer, fixed?: { au: number; side?: 'L' | 'R'; position?: 'T' | 'B' }): [string, FacsCode] {
  if (!fixed && w.chance(0.1)) {
    const au = w.pick(AD_NUMBERS);
    const prefix = w.pick(['AD', 'ad', 'Ad', 'AD ', 'AD  ']);
    const code: Mutable<FacsCode> = { kind: 'AD', au, side: null, intensity: null };
    let text = `${prefix}${au}`;
    if (w.chance(0.1)) {
      code.uncertain = true;
      text += '?';
    }
    return [text, code];
  }
  const au = fixed?.au ?? w.pick(AU_NUMBERS);
  const code: Mutable<FacsCode> = { kind: 'AU', au, side: fixed?.side ?? null, intensity: null };
  if (!fixed?.side && w.chance(0.3)) code.side = w.pick(['L', 'R', 'U'] as const);
  const position = fixed?.position ?? (w.chance(0.12) ? w.pick(['T', 'B'] as const) : undefined);
  if (position) code.position = position;
  if (w.chance(0.15)) code.asymmetric = true;
  const letters = code.asymmetric || code.side || code.position;
  // `AU` then a space is only read as the prefix when a digit follows.
  let text = letters ? w.pick(['', '', 'AU', 'au']) : w.pick(['', '', '', 'AU', 'au', 'Au', 'AU ', 'au  ']);
  // `A` + `U` would read as the AU prefix: the asymmetric unilateral code takes the slash.
  if (code.asymmetric) text += code.side && (code.side === 'U' || w.chance(0.5)) ? `${w.letter('A')}/` : w.letter('A');
  if (code.side) text += w.letter(code.side);
  if (code.position) text += w.letter(code.position);
  text += w.chance(0.05) && au < 10 ? `0${au}` : String(au);
  if (w.chance(0.4)) {
    const low = w.int(0, 3);
    code.intensity = INTENSITIES[low] as FacsCode['intensity'];
    text += w.letter(code.intensity as string);
    if (w.chance(0.25)) {
      code.intensityTo = INTENSITIES[w.int(low + 1, 4)] as FacsCode['intensity'] & string;
      text += `/${w.letter(code.intensityTo)}`;
    }
  }
  if (w.chance(0.1)) {
    code.uncertain = true;
    text += '?';
  }
  if (w.chance(0.06)) {
    code.marker = w.pick(MARKERS);
    text += `(${w.space()}${code.marker}${w.space()})`;
  }
  return [text, code];
}

function writeReference(w: Writer): [string, FacsCode] {
  const [inner, code] = writeCode(w);
  return [`${w.pick(['ref', 'Ref', 'REF'])}(${w.space()}${inner}${w.space()})`, { ...code, reference: true }];
}

function separator(w: Writer): string {
  return w.chance(0.15) ? w.pick([' ', '  ', '\t']) : `${w.space()}${w.pick(['+', '+', '+', ',', ';'])}${w.space()}`;
}

function orWord(w: Writer): string {
  return `${w.pick([' ', '  ', '\t'])}${w.pick(['or', 'OR', 'Or'])}${w.pick([' ', '  ', '\t'])}`;
}

/** Terms of one conjunction; a code's AU (and kind, and reference) appears once unless as an L/R or T/B pair. */
function writeConjunction(w: Writer, allowChoice: boolean, count: number): [string, FacsTerm[]] {
  const used = new Set<string>();
  const parts: string[] = [];
  const terms: FacsTerm[] = [];
  const fresh = (make: () => [string, FacsCode]): void => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const [text, code] = make();
      const key = `${code.reference ? 'ref' : ''}${code.kind}${code.au}`;
      if (used.has(key)) continue;
      used.add(key);
      parts.push(text);
      terms.push(code);
      return;
    }
  };
  while (terms.length < count) {
    const roll = w.random();
    if (allowChoice && roll < 0.1) {
      const alternatives = Array.from({ length: w.int(1, 3) }, () => writeConjunction(w, false, w.int(1, 3)));
      parts.push(`(${w.space()}${alternatives.map(([text]) => text).join(orWord(w))}${w.space()})`);
      terms.push({ choice: alternatives.map(([, codes]) => codes as FacsCode[]) });
    } else if (roll < 0.2) {
      fresh(() => writeReference(w));
    } else if (roll < 0.26) {
      const au = w.pick(AU_NUMBERS);
      if (used.has(`AU${au}`)) continue;
      used.add(`AU${au}`);
      const pair = w.chance(0.5) ? (['L', 'R'] as const).map((side) => writeCode(w, { au, side })) : (['T', 'B'] as const).map((position) => writeCode(w, { au, position }));
      for (const [text, code] of w.chance(0.5) ? pair : pair.reverse()) {
        parts.push(text);
        terms.push(code);
      }
    } else {
      fresh(() => writeCode(w));
    }
  }
  let text = parts[0] ?? '';
  for (const part of parts.slice(1)) text += separator(w) + part;
  return [text, terms];
}

function writeNote(w: Writer): string {
  const first = w.pick(NOTE_WORDS.filter((word) => [...word].length >= 3 && /^\p{L}+$/u.test(word)));
  const rest = Array.from({ length: w.int(0, 3) }, () => w.pick(NOTE_WORDS));
  return [first, ...rest].join(w.pick([' ', ' ', '  '])) + (w.chance(0.2) ? '.' : '');
}

/** A FACS text from the grammar and the structure it means. */
function writeFacs(w: Writer): [string, Facs] {
  const lead = w.space(0.1);
  const trail = w.space(0.1);
  const roll = w.random();
  if (roll < 0.03) return [`${lead}${trail}`, { alternatives: [], uncertain: false, note: null }];
  if (roll < 0.06) return [`${lead}?${trail}`, { alternatives: [], uncertain: true, note: null }];
  const alternatives = Array.from({ length: w.chance(0.8) ? 1 : w.int(2, 3) }, () => writeConjunction(w, true, w.int(1, 5)));
  let text = alternatives.map(([written]) => written).join(orWord(w));
  let note: string | null = null;
  if (w.chance(0.12)) {
    note = writeNote(w);
    text += separator(w) + note;
  }
  return [`${lead}${text}${trail}`, { alternatives: alternatives.map(([, terms]) => terms), uncertain: false, note }];
}

const CASES = 4000;

describe('FACS grammar: random codes written from the grammar', () => {
  it(`parses ${CASES} generated codes to their structure, prints them verbatim, keeps them through the canonical form`, () => {
    const w = new Writer(prng(0x18fac5));
    const kinds = new Set<string>();
    let checked = 0;
    for (let i = 0; i < CASES; i++) {
      const [text, expected] = writeFacs(w);
      if (text.length > FACS_MAX_LENGTH) continue;
      const result = parseFacs(text);
      if (!result.ok) throw new Error(`case ${i} ${JSON.stringify(text)}: ${result.error.message}`);
      expect(result.value, `case ${i} ${JSON.stringify(text)}`).toEqual(expected);
      expect(printFacsTokens(result.tokens), `case ${i}`).toBe(text);
      // Tokens are contiguous: each starts where the previous ended.
      let at = 0;
      for (const token of result.tokens) {
        expect(token.start).toBe(at);
        at += token.text.length;
        kinds.add(token.kind);
      }
      const canonical = formatFacs(result.value);
      const again = parseFacs(canonical);
      if (!again.ok) throw new Error(`case ${i}: canonical ${JSON.stringify(canonical)} of ${JSON.stringify(text)}: ${again.error.message}`);
      expect(again.value, `case ${i} canonical ${JSON.stringify(canonical)}`).toEqual(expected);
      expect(formatFacs(again.value)).toBe(canonical);
      checked++;
    }
    expect(checked).toBeGreaterThan(CASES * 0.99);
    // The generator reached every production of the grammar.
    expect([...kinds].sort()).toEqual(['asymmetric', 'close', 'intensity', 'marker', 'note', 'number', 'open', 'or', 'prefix', 'ref', 'separator', 'side', 'space', 'uncertain', 'position'].sort());
  });

  it('points at a control character put anywhere into a generated code', () => {
    const w = new Writer(prng(7));
    let exact = 0;
    let cases = 0;
    for (let i = 0; i < 1000; i++) {
      const [text] = writeFacs(w);
      if (!text.trim()) continue;
      const at = w.int(0, text.length);
      const control = w.pick(['\u0000', '\u0007', '\n', '\u001b', '\u200b']);
      const broken = text.slice(0, at) + control + text.slice(at);
      const result = parseFacs(broken);
      expect(result.ok, `case ${i} ${JSON.stringify(broken)}`).toBe(false);
      if (result.ok) continue;
      cases++;
      // The parser stops at the first character that cannot continue the code: the inserted
      // one, or one before it that only the rest of a word would have made valid (`RE` of `REF(`,
      // the space of `AU 12`).
      const { position, message } = result.error;
      expect(position, `case ${i} ${JSON.stringify(broken)}: ${message}`).toBeLessThanOrEqual(at);
      if (position === at) {
        expect(message, `case ${i} ${JSON.stringify(broken)}`).toMatch(/control character U\+/);
        exact++;
      }
    }
    expect(exact / cases).toBeGreaterThan(0.9);
  });
});
