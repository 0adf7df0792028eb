/**
 * Parses a FACS text in one left-to-right pass: alternatives joined by `or`, conjunctions
 * of codes, `( … or … )` groups and a trailing note. The grammar is in docs/facs-grammar.md.
 */
import { parseCode, parseReference } from './code-parser';
import { ConjunctionCodes } from './conjunction-codes';
import { formatFacs } from './format';
import { EMPTY_FACS, FACS_MAX_LENGTH, type Facs, type FacsChoice, type FacsCode, type FacsParseResult, type FacsTerm } from './notation';
import { continuesCode, FacsSyntaxError, isLetter, isSpace, isTextChar, Scanner, showChar } from './scanner';

/** Characters a note may hold besides letters, digits and spaces. */
const NOTE_PUNCTUATION = new Set([...`-'.,:;!&/()"`]);
/** A note starts with a word of at least this many letters (shorter words are mistyped codes). */
const NOTE_MIN_WORD = 3;

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
      s.fail('noteNotLast', { found: showChar(ch), note: s.text.slice(start, end).trim() }, end);
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
  if (s.peek() === '(') s.fail('parenthesesNest');
  const choice: FacsCode[][] = [parseConjunction(s, 'group').terms as FacsCode[]];
  for (;;) {
    s.skipSpace();
    if (s.done) s.fail('unclosedParenthesis', {}, open);
    if (s.peek() === ')') break;
    if (!s.atOr()) s.fail('expectedOrOrClose', { found: s.describeHere() });
    s.take('or', 2);
    s.skipSpace();
    if (s.done || s.peek() === ')') s.fail('expectedAlternative');
    choice.push(parseConjunction(s, 'group').terms as FacsCode[]);
  }
  s.take('close', 1);
  if (!s.done && continuesCode(s.peek())) s.fail('unexpectedAfterGroup', { found: s.describeHere() });
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
      if (scope === 'group') s.fail('parenthesesNest', {}, at);
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
      if (s.done) s.fail('expectedCodeAfter', { separator: sep });
      if ('+,;'.includes(s.peek())) s.fail('emptyCode');
    } else if (!spaced) {
      s.fail('unexpected', { found: s.describeHere() });
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
    if (text.length > FACS_MAX_LENGTH) s.fail('tooLong', { length: text.length, max: FACS_MAX_LENGTH }, FACS_MAX_LENGTH);
    s.skipSpace();
    if (s.done) return { ok: true, value: EMPTY_FACS, tokens: s.tokens };
    if (s.peek() === '?') {
      s.take('uncertain', 1);
      s.skipSpace();
      if (!s.done) s.fail('uncertainAlone', { found: s.describeHere() });
      return { ok: true, value: { alternatives: [], uncertain: true, note: null }, tokens: s.tokens };
    }
    const alternatives: FacsTerm[][] = [];
    let note: string | null = null;
    for (;;) {
      const conjunction = parseConjunction(s, 'top');
      alternatives.push(conjunction.terms);
      note = conjunction.note;
      if (s.done) break;
      if (!s.atOr()) s.fail('unexpected', { found: s.describeHere() });
      s.take('or', 2);
      s.skipSpace();
      if (s.done) s.fail('expectedAlternative');
    }
    return { ok: true, value: { alternatives, uncertain: false, note }, tokens: s.tokens };
  } catch (error) {
    if (error instanceof FacsSyntaxError) return { ok: false, error: { message: error.message, position: error.position, text: error.text } };
    throw error;
  }
}

/** Parses or throws a plain Error carrying the message (for callers that already validated). */
export function parseFacsOrThrow(text: string): Facs {
  const result = parseFacs(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Canonical form of a coder's string, or null when it does not parse. */
export function normalizeFacs(text: string): string | null {
  const result = parseFacs(text);
  return result.ok ? formatFacs(result.value) : null;
}
