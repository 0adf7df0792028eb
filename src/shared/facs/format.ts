/** FACS as text: the coder's own text from a parse's tokens, and the canonical form. */
import { isFacsChoice, type Facs, type FacsCode, type FacsTerm, type FacsToken } from './notation';

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
