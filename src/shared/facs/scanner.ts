/**
 * Reads one FACS text character by character: the character classes (with an ASCII fast
 * path, as a sheet import parses every row's code), the tokens taken so far, and syntax
 * errors that carry their 0-based position.
 */
import { facsMessage, type FacsMessageKey, type FacsPhrase, type FacsText } from './messages';
import { FACS_INTENSITIES, FACS_POSITIONS, FACS_SIDES, type FacsIntensity, type FacsPosition, type FacsSide, type FacsToken, type FacsTokenKind } from './notation';

export class FacsSyntaxError extends Error {
  constructor(
    readonly text: FacsText,
    readonly position: number,
  ) {
    super(facsMessage(text));
  }
}

/** A message's values: numbers and the coder's text as they are, phrases in the reader's words. */
export type FacsArgs = Readonly<Record<string, string | number | FacsPhrase>>;

const SPACE = /^[\t\p{Zs}]$/u;
const LETTER = /^\p{L}$/u;
const NOTE_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

export const isSpace = (ch: string) => ch === ' ' || ch === '\t' || (ch > '\u007f' && SPACE.test(ch));
export const isLetter = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch > '\u007f' && LETTER.test(ch));
export const isDigit = (ch: string) => ch >= '0' && ch <= '9';
export const isWordChar = (ch: string) => isLetter(ch) || isDigit(ch) || (ch > '\u007f' && /^\p{N}$/u.test(ch));
/** A character that would continue a complete code (`12AB`, `12(k)x`): not allowed right after one. */
export const isTextChar = (ch: string) => isLetter(ch) || isDigit(ch) || (ch > '\u007f' && NOTE_CHAR.test(ch));
export const continuesCode = (ch: string) => isWordChar(ch) || ch === '(' || ch === '/' || ch === '?';

export const upper = (ch: string) => ch.toUpperCase();
export const isSide = (ch: string): ch is FacsSide => (FACS_SIDES as readonly string[]).includes(ch);
export const isPosition = (ch: string): ch is FacsPosition => (FACS_POSITIONS as readonly string[]).includes(ch);
export const isIntensity = (ch: string): ch is FacsIntensity => (FACS_INTENSITIES as readonly string[]).includes(ch);

/** A character as an error message shows it: invisible ones by code point, the end of the text as such. */
export function showChar(ch: string): FacsPhrase {
  if (ch === '') return { key: 'endOfText' };
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) return { key: 'character', params: { character: ch } };
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return { key: /^[\p{Cc}\p{Cf}]$/u.test(ch) ? 'controlCharacter' : 'codePoint', params: { code } };
}

/** Scans one FACS string; positions in errors are 0-based character offsets. */
export class Scanner {
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

  /**
   * Refuses the text at `position` (0-based, where the error points); the message names
   * that character counted from 1, as a person counts along the text.
   */
  fail(key: FacsMessageKey, args: FacsArgs = {}, position = this.pos): never {
    const params: Record<string, string | number> = { position: position + 1 };
    const phrases: Record<string, FacsPhrase> = {};
    for (const [name, value] of Object.entries(args)) {
      if (typeof value === 'object') phrases[name] = value;
      else params[name] = value;
    }
    throw new FacsSyntaxError({ key, params, ...(Object.keys(phrases).length ? { phrases } : {}) }, position);
  }

  describeHere(): FacsPhrase {
    return showChar(this.peek());
  }
}
