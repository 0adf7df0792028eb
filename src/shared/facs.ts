/**
 * FACS codes as coders write them in dataset sheets and annotations: `1+2+5B+L12C`,
 * `R14A+R17A` (SAMM), `4+L10` (CASME II), `AU12`, `12(k)`, `R12 or R15`.
 *
 * Grammar (whitespace allowed between tokens):
 *   facs        := '' | alternative ( 'or' alternative )*
 *   alternative := code ( sep code )*          sep := '+' | ',' | ';' | whitespace
 *   code        := [AU|au] [L|R|U] number [A-E] [ '(' marker ')' ]   (`AU 12` allowed)
 * The canonical form joins codes with `+` and alternatives with ` or `.
 */
import { auName } from './au-names';

export const FACS_SIDES = ['L', 'R', 'U'] as const;
export type FacsSide = (typeof FACS_SIDES)[number];
export const FACS_INTENSITIES = ['A', 'B', 'C', 'D', 'E'] as const;
export type FacsIntensity = (typeof FACS_INTENSITIES)[number];

export interface FacsCode {
  au: number;
  side: FacsSide | null;
  intensity: FacsIntensity | null;
  /** Free annotation in parentheses after the code, e.g. `k` in `12(k)`. */
  marker?: string;
}

/** A list of alternatives (`R12 or R15`), each a list of codes present together. */
export type Facs = FacsCode[][];

export type FacsParseResult =
  | { ok: true; value: Facs }
  | { ok: false; error: { message: string; position: number } };

class FacsSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const SIDE_WORDS: Record<FacsSide, string> = { L: 'left', R: 'right', U: 'unilateral' };

/** Scans one FACS string; positions in errors are 0-based character offsets. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  skipSpace(): boolean {
    const start = this.pos;
    while (/\s/.test(this.peek())) this.pos++;
    return this.pos > start;
  }

  /** True when the word `or` (any case) starts here as a whole word. */
  atOr(): boolean {
    return /^or(?![A-Za-z0-9])/i.test(this.text.slice(this.pos, this.pos + 3));
  }

  fail(message: string, position = this.pos): never {
    throw new FacsSyntaxError(message, position);
  }

  describeHere(): string {
    return this.done ? 'end of text' : `'${this.peek()}'`;
  }
}

function parseCode(s: Scanner): FacsCode {
  const start = s.pos;
  if (/^au/i.test(s.text.slice(s.pos, s.pos + 2))) {
    s.pos += 2;
    if (/^\s+\d/.test(s.text.slice(s.pos))) s.skipSpace(); // `AU 12`
  }
  let side: FacsSide | null = null;
  const sideChar = s.peek().toUpperCase();
  if ((FACS_SIDES as readonly string[]).includes(sideChar) && /[A-Za-z]/.test(s.peek())) {
    side = sideChar as FacsSide;
    s.pos++;
  }
  const digitsStart = s.pos;
  while (/[0-9]/.test(s.peek())) s.pos++;
  if (s.pos === digitsStart) {
    s.fail(`Expected an AU number at position ${s.pos}, found ${s.describeHere()}`);
  }
  const au = Number(s.text.slice(digitsStart, s.pos));
  if (auName(au) === null) s.fail(`Unknown AU ${au} at position ${digitsStart}`, digitsStart);
  let intensity: FacsIntensity | null = null;
  const next = s.peek();
  if (/[A-Za-z]/.test(next)) {
    const upper = next.toUpperCase();
    if (!(FACS_INTENSITIES as readonly string[]).includes(upper)) {
      s.fail(`Invalid intensity '${next}' at position ${s.pos} (expected A–E)`);
    }
    intensity = upper as FacsIntensity;
    s.pos++;
  }
  const code: FacsCode = { au, side, intensity };
  if (s.peek() === '(') {
    const open = s.pos;
    const close = s.text.indexOf(')', open + 1);
    if (close < 0) s.fail(`Unclosed '(' at position ${open}`, open);
    const marker = s.text.slice(open + 1, close).trim();
    if (!marker || /[()]/.test(marker)) s.fail(`Invalid marker at position ${open}`, open);
    code.marker = marker;
    s.pos = close + 1;
  }
  if (!s.done && /[A-Za-z0-9(]/.test(s.peek())) {
    s.fail(`Unexpected ${s.describeHere()} at position ${s.pos} after code '${s.text.slice(start, s.pos)}'`);
  }
  return code;
}

const SIDE_PHRASES: Record<FacsSide | 'both', string> = { both: 'both sides', L: 'the left side only', R: 'the right side only', U: 'one side' };
const sidePhrase = (code: FacsCode) => SIDE_PHRASES[code.side ?? 'both'];

/**
 * One alternative lists what a face does at once, so an AU appears in it once, except
 * L and R together (an asymmetric action). A second code for the same AU contradicts
 * or repeats the first: `12+L12` (both sides and the left only), `12E+12A` (two
 * intensities), `AU12+AU12`. Kept per AU, so the check stays linear in the codes.
 */
class AlternativeCodes {
  readonly codes: FacsCode[] = [];
  readonly #byAu = new Map<number, Array<{ code: FacsCode; at: number }>>();

  add(s: Scanner, code: FacsCode, at: number): void {
    const earlier = this.#byAu.get(code.au) ?? [];
    for (const { code: other, at: otherAt } of earlier) {
      const au = `AU${code.au}`;
      if (other.side !== code.side) {
        if ((other.side === 'L' && code.side === 'R') || (other.side === 'R' && code.side === 'L')) continue;
        s.fail(`${au} is coded for ${sidePhrase(other)} (${formatFacsCode(other)}) and for ${sidePhrase(code)} (${formatFacsCode(code)}) at position ${at}: code it once, or as L and R for an asymmetric action`, at);
      }
      if (other.intensity && code.intensity && other.intensity !== code.intensity) {
        s.fail(`${au} is coded with two intensities (${other.intensity} and ${code.intensity}) at position ${at}: keep one`, at);
      }
      s.fail(`${au} is coded twice (at positions ${otherAt} and ${at}): keep one`, at);
    }
    earlier.push({ code, at });
    this.#byAu.set(code.au, earlier);
    this.codes.push(code);
  }
}

function parseAlternative(s: Scanner): FacsCode[] {
  const alternative = new AlternativeCodes();
  const next = () => {
    const at = s.pos;
    alternative.add(s, parseCode(s), at);
  };
  next();
  for (;;) {
    const spaced = s.skipSpace();
    if (s.done || s.atOr()) return alternative.codes;
    const sep = s.peek();
    if (sep === '+' || sep === ',' || sep === ';') {
      s.pos++;
      s.skipSpace();
      if (s.done) s.fail(`Expected an AU code after '${sep}' at position ${s.pos}`);
      if ('+,;'.includes(s.peek())) s.fail(`Empty code between separators at position ${s.pos}`);
    } else if (!spaced) {
      s.fail(`Unexpected ${s.describeHere()} at position ${s.pos}`);
    }
    next();
  }
}

/** Parses a FACS string; never throws. Empty (or blank) means "no AUs": `[]`. */
export function parseFacs(text: string): FacsParseResult {
  const s = new Scanner(text);
  try {
    s.skipSpace();
    if (s.done) return { ok: true, value: [] };
    const value: Facs = [parseAlternative(s)];
    while (!s.done) {
      if (!s.atOr()) s.fail(`Unexpected ${s.describeHere()} at position ${s.pos}`);
      s.pos += 2;
      s.skipSpace();
      if (s.done) s.fail(`Expected an alternative after 'or' at position ${s.pos}`);
      value.push(parseAlternative(s));
    }
    return { ok: true, value };
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

export function formatFacsCode(code: FacsCode): string {
  return `${code.side ?? ''}${code.au}${code.intensity ?? ''}${code.marker ? `(${code.marker})` : ''}`;
}

/** The canonical form: codes joined by `+`, alternatives by ` or `. */
export function formatFacs(facs: Facs): string {
  return facs.map((alternative) => alternative.map(formatFacsCode).join('+')).join(' or ');
}

/** Canonical form of a coder's string, or null when it does not parse. */
export function normalizeFacs(text: string): string | null {
  const result = parseFacs(text);
  return result.ok ? formatFacs(result.value) : null;
}

/** Human description: `L12C` → "Lip Corner Puller (left, intensity C)". */
export function describeFacsCode(code: FacsCode): string {
  const details = [
    code.side ? SIDE_WORDS[code.side] : null,
    code.intensity ? `intensity ${code.intensity}` : null,
    code.marker ? `marker ${code.marker}` : null,
  ].filter((d): d is string => d !== null);
  const name = auName(code.au) ?? `AU${code.au}`;
  return details.length ? `${name} (${details.join(', ')})` : name;
}

/** Describes a FACS string; throws for unparsable input (check with parseFacs first). */
export function describeFacs(text: string): string {
  return parseFacsOrThrow(text)
    .map((alternative) => alternative.map(describeFacsCode).join(' + '))
    .join(' or ');
}

/** Every AU number mentioned, sorted and unique (for filters and AU panels). */
export function facsAus(facs: Facs): number[] {
  return [...new Set(facs.flat().map((c) => c.au))].sort((a, b) => a - b);
}
