/** One FACS code (`A/L12C?(k)`, `AD38`, `AU 12`) and a reference to one (`ref(7B)`), read from the scanner. */
import { adName, auName } from '../au-names';
import type { FacsCode, FacsIntensity, FacsKind } from './notation';
import { continuesCode, isDigit, isIntensity, isLetter, isPosition, isSide, isSpace, isTextChar, showChar, upper, type Scanner } from './scanner';

/** AU and AD numbers have at most this many digits. */
const MAX_DIGITS = 3;

function parseNumber(s: Scanner, kind: FacsKind): number {
  const start = s.pos;
  let end = start;
  while (isDigit(s.text[end] ?? '')) {
    end++;
    if (end - start > MAX_DIGITS) s.fail('numberTooLong', { kind, max: MAX_DIGITS }, start);
  }
  if (end === start) s.fail(kind === 'AD' ? 'expectedAdNumber' : 'expectedAuNumber', { found: s.describeHere() });
  const au = Number(s.text.slice(start, end));
  if ((kind === 'AU' ? auName(au) : adName(au)) === null) s.fail('unknownCode', { kind, au }, start);
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
  if (!isIntensity(low)) s.fail('badIntensity', { found: showChar(next) });
  code.intensity = low;
  if (s.peek(1) !== '/') {
    s.take('intensity', 1);
    return;
  }
  const high = upper(s.peek(2));
  if (!isIntensity(high)) s.fail('rangeNotClosed', { range: `${next}/`, found: showChar(s.peek(2)) }, s.pos + 2);
  if (high <= low) s.fail('rangeMustRise', { range: s.text.slice(s.pos, s.pos + 3) });
  code.intensityTo = high;
  s.take('intensity', 3);
}

function parseMarker(s: Scanner): string {
  const open = s.pos;
  let close = open + 1;
  while (close < s.text.length && s.text[close] !== ')') {
    const ch = s.text[close] as string;
    if (ch === '(') s.fail('markerNested', { open: open + 1 }, close);
    if (!isTextChar(ch) && !isSpace(ch) && !/^[\p{P}\p{S}]$/u.test(ch)) s.fail('markerBadCharacter', { found: showChar(ch) }, close);
    close++;
  }
  if (close >= s.text.length) s.fail('unclosedParenthesis', {}, open);
  const marker = s.text.slice(open + 1, close).trim();
  if (!marker) s.fail('markerEmpty', {}, open);
  s.take('marker', close + 1 - open);
  return marker;
}

type MutableCode = { -readonly [K in keyof FacsCode]: FacsCode[K] };

export function parseCode(s: Scanner): FacsCode {
  const start = s.pos;
  const kind = parseKindPrefix(s) ?? 'AU';
  const code: MutableCode = { kind, au: 0, side: null, intensity: null };
  if (kind === 'AU') {
    if (upper(s.peek()) === 'A') {
      code.asymmetric = true;
      if (s.peek(1) === '/') {
        if (!isSide(upper(s.peek(2)))) s.fail('expectedSide', { found: showChar(s.peek(2)) }, s.pos + 2);
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
    s.fail('unexpectedAfterCode', { found: s.describeHere(), code: s.text.slice(start, s.pos) });
  }
  return code;
}

/** `ref(7B)`: a code the coder references rather than scores. */
export function parseReference(s: Scanner): FacsCode {
  s.take('ref', 3);
  const open = s.pos;
  s.take('open', 1);
  s.skipSpace();
  const code = parseCode(s);
  s.skipSpace();
  if (s.done) s.fail('unclosedReference', {}, open);
  if (s.peek() !== ')') s.fail('referenceHoldsOne', { found: s.describeHere() });
  s.take('close', 1);
  if (!s.done && continuesCode(s.peek())) s.fail('unexpectedAfterReference', { found: s.describeHere() });
  return { ...code, reference: true };
}
