/** Adding and removing codes of a parsed FACS text (the AU panel's picker). */
import { isFacsChoice, type Facs, type FacsCode, type FacsTerm } from './notation';

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
