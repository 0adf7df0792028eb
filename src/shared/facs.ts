/**
 * FACS codes as coders write them in dataset sheets and annotations, parsed into
 * structured codes that keep every qualifier: `1+2+5B+L12C`, `R14A+R17A`, `AU 12`,
 * `12(k)`, `R12 or R15` and what the released sheets hold: `A9E+ref(10)`, `B18+25`,
 * `4A/B`, `A/L12`, `(R6 or R12)+R15`, `R4+AD38`, `R14+17+soft focus`, `?`.
 *
 * The grammar (EBNF, with what each qualifier means and how comparisons read it) is in
 * docs/facs-grammar.md. Parsing is one left-to-right pass over at most
 * FACS_MAX_LENGTH characters; every character lands in exactly one token, so the
 * tokens print the coder's text back verbatim (`printFacsTokens`) while `formatFacs`
 * gives the canonical form. No Node APIs: the renderer uses this module too.
 */
import { adName, auName } from './au-names';

export const FACS_SIDES = ['L', 'R', 'U'] as const;
export type FacsSide = (typeof FACS_SIDES)[number];
export const FACS_POSITIONS = ['T', 'B'] as const;
/** `T18`: the top (upper lip) part of the action; `B18`: the bottom (lower lip) part. */
export type FacsPosition = (typeof FACS_POSITIONS)[number];
export const FACS_INTENSITIES = ['A', 'B', 'C', 'D', 'E'] as const;
export type FacsIntensity = (typeof FACS_INTENSITIES)[number];
/** `AU` = Action Unit, `AD` = Action Descriptor (`AD38`, Nostril Dilator). */
export type FacsKind = 'AU' | 'AD';

/** The longest FACS text accepted; real cells are a few dozen characters. */
export const FACS_MAX_LENGTH = 500;
/** AU and AD numbers have at most this many digits. */
const MAX_DIGITS = 3;

export interface FacsCode {
  readonly kind: FacsKind;
  /** The AU number, or the AD number when `kind` is `AD`. */
  readonly au: number;
  /** L / R = the subject's left / right side only; U = one side, not said which. */
  readonly side: FacsSide | null;
  /** Intensity (A trace … E maximum); with `intensityTo`, the low end of a range. */
  readonly intensity: FacsIntensity | null;
  /** `4A/B`: the coder hesitated between A and B; this is the high end. */
  readonly intensityTo?: FacsIntensity;
  /** `T18` / `B18`: top or bottom part only. */
  readonly position?: FacsPosition;
  /** `A12`, `A/L12`: asymmetric (stronger on one side; `side` says which when given). */
  readonly asymmetric?: true;
  /** `ref(7B)`: referenced by the coder, not scored for this event. */
  readonly reference?: true;
  /** `12?`: the coder is not sure of this code. */
  readonly uncertain?: true;
  /** Free annotation in parentheses after the code, e.g. `k` in `12(k)`. */
  readonly marker?: string;
}

/** `(R6 or R12)` inside a conjunction: one of these code combinations. */
export interface FacsChoice {
  readonly choice: readonly (readonly FacsCode[])[];
}

export type FacsTerm = FacsCode | FacsChoice;

export interface Facs {
  /** Top-level alternatives (`R12 or R15`), each a list of terms present together. Empty = no AUs. */
  readonly alternatives: readonly (readonly FacsTerm[])[];
  /** The whole text is `?`: the coder could not tell which AUs (no codes). */
  readonly uncertain: boolean;
  /** Trailing free text after the codes, e.g. `soft focus` in `R14+17+soft focus`. */
  readonly note: string | null;
}

export type FacsTokenKind =
  | 'space'
  | 'separator'
  | 'or'
  | 'open'
  | 'close'
  | 'ref'
  | 'prefix'
  | 'asymmetric'
  | 'side'
  | 'position'
  | 'number'
  | 'intensity'
  | 'uncertain'
  | 'marker'
  | 'note';

/** One piece of the coder's text as written; the tokens of a parse cover the text exactly. */
export interface FacsToken {
  readonly kind: FacsTokenKind;
  readonly text: string;
  readonly start: number;
}

export type FacsParseResult =
  | { ok: true; value: Facs; tokens: readonly FacsToken[] }
  | { ok: false; error: { message: string; position: number } };

export const EMPTY_FACS: Facs = { alternatives: [], uncertain: false, note: null };

export function isFacsChoice(term: FacsTerm): term is FacsChoice {
  return 'choice' in term;
}

class FacsSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const SPACE = /^[\t\p{Zs}]$/u;
const LETTER = /^\p{L}$/u;
/** Characters a note may hold besides letters, digits and spaces. */
const NOTE_PUNCTUATION = new Set([...`-'.,:;!&/()"`]);
const NOTE_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
/** A note starts with a word of at least this many letters (shorter words are mistyped codes). */
const NOTE_MIN_WORD = 3;

// Character classes with an ASCII fast path: a sheet import parses every row's code.
const isSpace = (ch: string) => ch === ' ' || ch === '\t' || (ch > '\u007f' && SPACE.test(ch));
const isLetter = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch > '\u007f' && LETTER.test(ch));
const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isWordChar = (ch: string) => isLetter(ch) || isDigit(ch) || (ch > '\u007f' && /^\p{N}$/u.test(ch));
/** A character that would continue a complete code (`12AB`, `12(k)x`): not allowed right after one. */
const isTextChar = (ch: string) => isLetter(ch) || isDigit(ch) || (ch > '\u007f' && NOTE_CHAR.test(ch));
const continuesCode = (ch: string) => isWordChar(ch) || ch === '(' || ch === '/' || ch === '?';

const upper = (ch: string) => ch.toUpperCase();
const isSide = (ch: string): ch is FacsSide => (FACS_SIDES as readonly string[]).includes(ch);
const isPosition = (ch: string): ch is FacsPosition => (FACS_POSITIONS as readonly string[]).includes(ch);
const isIntensity = (ch: string): ch is FacsIntensity => (FACS_INTENSITIES as readonly string[]).includes(ch);

/** A character as an error message shows it: invisible ones by code point. */
function showChar(ch: string): string {
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) return `'${ch}'`;
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{Cc}\p{Cf}]$/u.test(ch) ? `control character ${code}` : code;
}

/** Scans one FACS string; positions in errors are 0-based character offsets. */
class Scanner {
  pos = 0;
  readonly tokens: FacsToken[] = [];
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  /** Does `word` (lower case) start here, in any case? */
  at(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      const code = this.text.charCodeAt(this.pos + i);
      if ((code >= 65 && code <= 90 ? code + 32 : code) !== word.charCodeAt(i)) return false;
    }
    return true;
  }

  take(kind: FacsTokenKind, length: number): string {
    const text = this.text.slice(this.pos, this.pos + length);
    this.tokens.push({ kind, text, start: this.pos });
    this.pos += length;
    return text;
  }

  skipSpace(): boolean {
    let end = this.pos;
    while (isSpace(this.text[end] ?? '')) end++;
    if (end === this.pos) return false;
    this.take('space', end - this.pos);
    return true;
  }

  /** True when the word `or` (any case) starts here as a whole word. */
  atOr(): boolean {
    return this.at('or') && !isWordChar(this.peek(2));
  }

  fail(message: string, position = this.pos): never {
    throw new FacsSyntaxError(message, position);
  }

  describeHere(): string {
    return this.done ? 'end of text' : showChar(this.peek());
  }
}

function parseNumber(s: Scanner, kind: FacsKind): number {
  const start = s.pos;
  let end = start;
  while (isDigit(s.text[end] ?? '')) {
    end++;
    if (end - start > MAX_DIGITS) s.fail(`${kind} number at position ${start} is too long (at most ${MAX_DIGITS} digits)`, start);
  }
  if (end === start) s.fail(`Expected ${kind === 'AD' ? 'an AD' : 'an AU'} number at position ${s.pos}, found ${s.describeHere()}`);
  const au = Number(s.text.slice(start, end));
  if ((kind === 'AU' ? auName(au) : adName(au)) === null) s.fail(`Unknown ${kind} ${au} at position ${start}`, start);
  s.take('number', end - start);
  return au;
}

/** `AU` / `AD` with an optional space before the number (`AU 12`); false when neither starts here. */
function parseKindPrefix(s: Scanner): FacsKind | null {
  const kind = s.at('ad') ? 'AD' : s.at('au') ? 'AU' : null;
  if (!kind) return null;
  s.take('prefix', 2);
  let end = s.pos;
  while (isSpace(s.text[end] ?? '')) end++;
  if (end > s.pos && isDigit(s.text[end] ?? '')) s.take('space', end - s.pos);
  return kind;
}

function parseIntensity(s: Scanner, code: { intensity: FacsIntensity | null; intensityTo?: FacsIntensity }): void {
  const next = s.peek();
  if (!isLetter(next)) return;
  const low = upper(next);
  if (!isIntensity(low)) s.fail(`Invalid intensity ${showChar(next)} at position ${s.pos} (expected A–E)`);
  code.intensity = low;
  if (s.peek(1) !== '/') {
    s.take('intensity', 1);
    return;
  }
  const high = upper(s.peek(2));
  if (!isIntensity(high)) s.fail(`Expected an intensity (A–E) at position ${s.pos + 2} to close the range '${next}/', found ${s.peek(2) ? showChar(s.peek(2)) : 'end of text'}`, s.pos + 2);
  if (high <= low) s.fail(`Intensity range '${s.text.slice(s.pos, s.pos + 3)}' at position ${s.pos} must rise (e.g. A/B)`);
  code.intensityTo = high;
  s.take('intensity', 3);
}

function parseMarker(s: Scanner): string {
  const open = s.pos;
  let close = open + 1;
  while (close < s.text.length && s.text[close] !== ')') {
    const ch = s.text[close] as string;
    if (ch === '(') s.fail(`Invalid marker at position ${open}: '(' at position ${close} inside it`, close);
    if (!isTextChar(ch) && !isSpace(ch) && !/^[\p{P}\p{S}]$/u.test(ch)) s.fail(`Invalid character ${showChar(ch)} in the marker at position ${close}`, close);
    close++;
  }
  if (close >= s.text.length) s.fail(`Unclosed '(' at position ${open}`, open);
  const marker = s.text.slice(open + 1, close).trim();
  if (!marker) s.fail(`Invalid marker at position ${open}: empty parentheses`, open);
  s.take('marker', close + 1 - open);
  return marker;
}

type MutableCode = { -readonly [K in keyof FacsCode]: FacsCode[K] };

function parseCode(s: Scanner): FacsCode {
  const start = s.pos;
  const kind = parseKindPrefix(s) ?? 'AU';
  const code: MutableCode = { kind, au: 0, side: null, intensity: null };
  if (kind === 'AU') {
    if (upper(s.peek()) === 'A') {
      code.asymmetric = true;
      if (s.peek(1) === '/') {
        if (!isSide(upper(s.peek(2)))) s.fail(`Expected a side (L, R or U) after 'A/' at position ${s.pos + 2}, found ${s.peek(2) ? showChar(s.peek(2)) : 'end of text'}`, s.pos + 2);
        s.take('asymmetric', 2);
      } else s.take('asymmetric', 1);
    }
    const sideChar = upper(s.peek());
    if (isSide(sideChar)) {
      code.side = sideChar;
      s.take('side', 1);
    }
    const positionChar = upper(s.peek());
    if (isPosition(positionChar)) {
      code.position = positionChar;
      s.take('position', 1);
    }
  }
  code.au = parseNumber(s, kind);
  if (kind === 'AU') parseIntensity(s, code);
  if (s.peek() === '?') {
    code.uncertain = true;
    s.take('uncertain', 1);
  }
  if (s.peek() === '(') code.marker = parseMarker(s);
  if (!s.done && continuesCode(s.peek())) {
    s.fail(`Unexpected ${s.describeHere()} at position ${s.pos} after code '${s.text.slice(start, s.pos)}'`);
  }
  return code;
}

/** `ref(7B)`: a code the coder references rather than scores. */
function parseReference(s: Scanner): FacsCode {
  s.take('ref', 3);
  const open = s.pos;
  s.take('open', 1);
  s.skipSpace();
  const code = parseCode(s);
  s.skipSpace();
  if (s.done) s.fail(`Unclosed 'ref(' at position ${open}`, open);
  if (s.peek() !== ')') s.fail(`Expected ')' to close 'ref(' at position ${s.pos}, found ${s.describeHere()}: a reference holds one code`);
  s.take('close', 1);
  if (!s.done && continuesCode(s.peek())) s.fail(`Unexpected ${s.describeHere()} at position ${s.pos} after a reference`);
  return { ...code, reference: true };
}

const SIDE_PHRASES: Record<FacsSide | 'both', string> = { both: 'both sides', L: 'the left side only', R: 'the right side only', U: 'one side' };
const POSITION_PHRASES: Record<FacsPosition | 'both', string> = { both: 'top and bottom', T: 'the top only', B: 'the bottom only' };
const opposite = <T>(a: T | null | undefined, b: T | null | undefined, x: T, y: T) => (a === x && b === y) || (a === y && b === x);

/**
 * One conjunction lists what a face does at once, so a code appears in it once, except
 * for its two halves: L and R (an asymmetric action) or T and B. A second code for the
 * same AU otherwise contradicts or repeats the first: `12+L12` (both sides and the left
 * only), `12E+12A` (two intensities), `AU12+AU12`. References and AD codes are checked
 * among their own kind. Kept per code, so the check stays linear in the codes.
 */
class ConjunctionCodes {
  readonly #byKey = new Map<string, Array<{ code: FacsCode; at: number }>>();

  add(s: Scanner, code: FacsCode, at: number): void {
    const key = `${code.reference ? 'ref' : ''}${code.kind}${code.au}`;
    const earlier = this.#byKey.get(key) ?? [];
    for (const { code: other, at: otherAt } of earlier) {
      if (opposite(other.side, code.side, 'L', 'R') || opposite(other.position, code.position, 'T', 'B')) continue;
      const name = `${code.reference ? 'referenced ' : ''}${code.kind}${code.au}`;
      if (other.side !== code.side) {
        s.fail(`${name} is coded for ${SIDE_PHRASES[other.side ?? 'both']} (${formatFacsCode(other)}) and for ${SIDE_PHRASES[code.side ?? 'both']} (${formatFacsCode(code)}) at position ${at}: code it once, or as L and R for an asymmetric action`, at);
      }
      if (other.position !== code.position) {
        s.fail(`${name} is coded for ${POSITION_PHRASES[other.position ?? 'both']} (${formatFacsCode(other)}) and for ${POSITION_PHRASES[code.position ?? 'both']} (${formatFacsCode(code)}) at position ${at}: code it once, or as T and B`, at);
      }
      if (other.intensity && code.intensity && other.intensity !== code.intensity) {
        s.fail(`${name} is coded with two intensities (${other.intensity} and ${code.intensity}) at position ${at}: keep one`, at);
      }
      s.fail(`${name} is coded twice (at positions ${otherAt} and ${at}): keep one`, at);
    }
    earlier.push({ code, at });
    this.#byKey.set(key, earlier);
  }
}

/** Where a term of a conjunction may stand: at the top level (groups, a trailing note) or inside `( … )`. */
type Scope = 'top' | 'group';

/** A note starts here: a word of letters not followed by what continues a code (`ALT12`, `ABC(`, `Lat/`). */
function atNote(s: Scanner): boolean {
  let end = s.pos;
  while (isLetter(s.text[end] ?? '')) end++;
  return end - s.pos >= NOTE_MIN_WORD && !/^[0-9(/?]$/.test(s.text[end] ?? '');
}

function parseNote(s: Scanner): string {
  const start = s.pos;
  let end = s.pos;
  while (end < s.text.length) {
    const ch = s.text[end] as string;
    if (!isTextChar(ch) && !isSpace(ch) && !NOTE_PUNCTUATION.has(ch)) {
      s.fail(`Unexpected ${showChar(ch)} at position ${end} in the note '${s.text.slice(start, end).trim()}': a note comes last and runs to the end of the text`, end);
    }
    end++;
  }
  let trimmed = end;
  while (trimmed > start && isSpace(s.text[trimmed - 1] as string)) trimmed--;
  const note = s.take('note', trimmed - start);
  s.skipSpace();
  return note;
}

function parseGroup(s: Scanner): FacsChoice {
  const open = s.pos;
  s.take('open', 1);
  s.skipSpace();
  if (s.peek() === '(') s.fail(`Unexpected '(' at position ${s.pos}: parentheses do not nest`);
  const choice: FacsCode[][] = [parseConjunction(s, 'group').terms as FacsCode[]];
  for (;;) {
    s.skipSpace();
    if (s.done) s.fail(`Unclosed '(' at position ${open}`, open);
    if (s.peek() === ')') break;
    if (!s.atOr()) s.fail(`Expected 'or' or ')' at position ${s.pos}, found ${s.describeHere()}`);
    s.take('or', 2);
    s.skipSpace();
    if (s.done || s.peek() === ')') s.fail(`Expected an alternative after 'or' at position ${s.pos}`);
    choice.push(parseConjunction(s, 'group').terms as FacsCode[]);
  }
  s.take('close', 1);
  if (!s.done && continuesCode(s.peek())) s.fail(`Unexpected ${s.describeHere()} at position ${s.pos} after ')'`);
  return { choice };
}

function parseConjunction(s: Scanner, scope: Scope): { terms: FacsTerm[]; note: string | null } {
  const codes = new ConjunctionCodes();
  const terms: FacsTerm[] = [];
  const term = () => {
    const at = s.pos;
    if (s.at('ref(')) {
      const code = parseReference(s);
      codes.add(s, code, at);
      terms.push(code);
    } else if (s.peek() === '(') {
      if (scope === 'group') s.fail(`Unexpected '(' at position ${at}: parentheses do not nest`);
      terms.push(parseGroup(s));
    } else {
      const code = parseCode(s);
      codes.add(s, code, at);
      terms.push(code);
    }
  };
  term();
  for (;;) {
    const spaced = s.skipSpace();
    if (s.done || s.atOr() || (scope === 'group' && s.peek() === ')')) return { terms, note: null };
    const sep = s.peek();
    if (sep === '+' || sep === ',' || sep === ';') {
      s.take('separator', 1);
      s.skipSpace();
      if (s.done) s.fail(`Expected an AU code after '${sep}' at position ${s.pos}`);
      if ('+,;'.includes(s.peek())) s.fail(`Empty code between separators at position ${s.pos}`);
    } else if (!spaced) {
      s.fail(`Unexpected ${s.describeHere()} at position ${s.pos}`);
    }
    if (scope === 'top' && !s.at('ref(') && atNote(s)) return { terms, note: parseNote(s) };
    term();
  }
}

/**
 * Parses a FACS string; never throws. Empty (or blank) means "no AUs". On success the
 * tokens cover the text exactly (see `printFacsTokens`).
 */
export function parseFacs(text: string): FacsParseResult {
  const s = new Scanner(text);
  try {
    if (text.length > FACS_MAX_LENGTH) s.fail(`FACS text is ${text.length} characters long (at most ${FACS_MAX_LENGTH})`, FACS_MAX_LENGTH);
    s.skipSpace();
    if (s.done) return { ok: true, value: EMPTY_FACS, tokens: s.tokens };
    if (s.peek() === '?') {
      s.take('uncertain', 1);
      s.skipSpace();
      if (!s.done) s.fail(`Unexpected ${s.describeHere()} at position ${s.pos}: '?' alone means the AUs are not known; mark one code uncertain as 12?`);
      return { ok: true, value: { alternatives: [], uncertain: true, note: null }, tokens: s.tokens };
    }
    const alternatives: FacsTerm[][] = [];
    let note: string | null = null;
    for (;;) {
      const conjunction = parseConjunction(s, 'top');
      alternatives.push(conjunction.terms);
      note = conjunction.note;
      if (s.done) break;
      if (!s.atOr()) s.fail(`Unexpected ${s.describeHere()} at position ${s.pos}`);
      s.take('or', 2);
      s.skipSpace();
      if (s.done) s.fail(`Expected an alternative after 'or' at position ${s.pos}`);
    }
    return { ok: true, value: { alternatives, uncertain: false, note }, tokens: s.tokens };
  } catch (error) {
    if (error instanceof FacsSyntaxError) return { ok: false, error: { message: error.message, position: error.position } };
    throw error;
  }
}

/** Parses or throws a plain Error carrying the message (for callers that already validated). */
export function parseFacsOrThrow(text: string): Facs {
  const result = parseFacs(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The coder's text exactly as written, from the tokens of a parse. */
export function printFacsTokens(tokens: readonly FacsToken[]): string {
  return tokens.map((token) => token.text).join('');
}

export function formatFacsCode(code: FacsCode): string {
  const prefix = code.kind === 'AD' ? 'AD' : `${code.asymmetric ? (code.side ? 'A/' : 'A') : ''}${code.side ?? ''}${code.position ?? ''}`;
  const intensity = `${code.intensity ?? ''}${code.intensityTo ? `/${code.intensityTo}` : ''}`;
  const text = `${prefix}${code.au}${intensity}${code.uncertain ? '?' : ''}${code.marker ? `(${code.marker})` : ''}`;
  return code.reference ? `ref(${text})` : text;
}

export function formatFacsTerm(term: FacsTerm): string {
  return isFacsChoice(term) ? `(${term.choice.map((codes) => codes.map(formatFacsCode).join('+')).join(' or ')})` : formatFacsCode(term);
}

/** The canonical form: codes joined by `+`, alternatives by ` or `, the note last after `+`. */
export function formatFacs(facs: Facs): string {
  if (facs.uncertain) return '?';
  const codes = facs.alternatives.map((terms) => terms.map(formatFacsTerm).join('+')).join(' or ');
  return facs.note ? `${codes}+${facs.note}` : codes;
}

/** Canonical form of a coder's string, or null when it does not parse. */
export function normalizeFacs(text: string): string | null {
  const result = parseFacs(text);
  return result.ok ? formatFacs(result.value) : null;
}

/** Every code in reading order, codes inside `( … or … )` included. */
export function facsCodes(facs: Facs): FacsCode[] {
  return facs.alternatives.flatMap((terms) => terms.flatMap((term) => (isFacsChoice(term) ? term.choice.flat() : [term])));
}

/** The coder wrote `?` for the whole text or after one of the codes. */
export function facsIsUncertain(facs: Facs): boolean {
  return facs.uncertain || facsCodes(facs).some((code) => code.uncertain === true);
}

/**
 * The codes a comparison (agreement, F1) scores: the first top-level alternative, the
 * first alternative of each choice, AUs only (AD codes are descriptors), references left
 * out; a code marked `12?` stays (it is the coder's reading, flagged). Null when the whole
 * text is `?` (the coder could not tell: nothing to compare). See docs/facs-grammar.md.
 */
export function facsReading(facs: Facs): FacsCode[] | null {
  if (facs.uncertain) return null;
  const first = facs.alternatives[0] ?? [];
  return first.flatMap((term) => (isFacsChoice(term) ? (term.choice[0] ?? []) : [term])).filter((code) => code.kind === 'AU' && !code.reference);
}

/** Every AU number scored or offered as an alternative, sorted and unique (filters, AU panels); refs and AD codes left out. */
export function facsAus(facs: Facs): number[] {
  return [...new Set(facsCodes(facs).filter((code) => code.kind === 'AU' && !code.reference).map((code) => code.au))].sort((a, b) => a - b);
}

/** `facs` with `code` added to its last alternative (a `?` is replaced by it; a note stays last). */
export function withFacsCode(facs: Facs, code: FacsCode): Facs {
  const alternatives = facs.alternatives.length ? facs.alternatives : [[]];
  return { ...facs, uncertain: false, alternatives: [...alternatives.slice(0, -1), [...(alternatives.at(-1) ?? []), code]] };
}

/** The codes of `facs` without the code at `index` of `facsCodes` (a group left with one alternative dissolves). */
export function withoutFacsCode(facs: Facs, index: number): Facs {
  let i = 0;
  const keep = () => i++ !== index;
  const alternatives = facs.alternatives
    .map((terms) =>
      terms.flatMap((term): FacsTerm[] => {
        if (!isFacsChoice(term)) return keep() ? [term] : [];
        const choice = term.choice.map((codes) => codes.filter(keep)).filter((codes) => codes.length);
        return choice.length > 1 ? [{ choice }] : (choice[0] ?? []);
      }),
    )
    .filter((terms) => terms.length);
  return { ...facs, alternatives };
}

const SIDE_WORDS: Record<FacsSide, string> = { L: 'left', R: 'right', U: 'unilateral' };
const POSITION_WORDS: Record<FacsPosition, string> = { T: 'top', B: 'bottom' };

/** Human description: `L12C` → "Lip Corner Puller (left, intensity C)". */
export function describeFacsCode(code: FacsCode): string {
  const details = [
    code.asymmetric ? 'asymmetric' : null,
    code.side ? SIDE_WORDS[code.side] : null,
    code.position ? POSITION_WORDS[code.position] : null,
    code.intensity ? `intensity ${code.intensity}${code.intensityTo ? `–${code.intensityTo}` : ''}` : null,
    code.uncertain ? 'uncertain' : null,
    code.marker ? `marker ${code.marker}` : null,
    code.reference ? 'referenced, not scored' : null,
  ].filter((d): d is string => d !== null);
  const name = (code.kind === 'AD' ? adName(code.au) : auName(code.au)) ?? `${code.kind}${code.au}`;
  const label = code.kind === 'AD' ? `${name} (AD${code.au})` : name;
  return details.length ? `${label} (${details.join(', ')})` : label;
}

/** Describes a FACS string; throws for unparsable input (check with parseFacs first). */
export function describeFacs(text: string): string {
  const facs = parseFacsOrThrow(text);
  if (facs.uncertain) return 'AUs not determined (?)';
  const codes = facs.alternatives
    .map((terms) =>
      terms.map((term) => (isFacsChoice(term) ? `(${term.choice.map((c) => c.map(describeFacsCode).join(' + ')).join(' or ')})` : describeFacsCode(term))).join(' + '),
    )
    .join(' or ');
  return facs.note ? `${codes}; note: ${facs.note}` : codes;
}
