/** What a parsed FACS text says: its codes, whether the coder was unsure, the AUs a comparison scores. */
import { isFacsChoice, type Facs, type FacsCode } from './notation';

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
