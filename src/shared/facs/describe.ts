/** FACS in words for people: `L12C` → "Lip Corner Puller (left, intensity C)". */
import { adName, auName } from '../au-names';
import { isFacsChoice, type FacsCode, type FacsPosition, type FacsSide } from './notation';
import { parseFacsOrThrow } from './parse';

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
