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
export * from './facs/notation';
export { normalizeFacs, parseFacs, parseFacsOrThrow } from './facs/parse';
export * from './facs/format';
export * from './facs/reading';
export * from './facs/edit';
export * from './facs/describe';
export * from './facs/messages';
