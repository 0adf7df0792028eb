import { AppError } from '@shared/errors';
import { facsReading, parseFacsOrThrow } from '@shared/facs';
import type { AuCode, AuSet } from './types';

/**
 * Turns a FACS string into the AUs it scores, or null when the coder could not tell
 * (`?`); injected so the real FACS grammar can be used.
 */
export type FacsParser = (facs: string) => AuSet | null;

const SCORED =
  "Of alternatives (`R12 or R15`, `(R6 or R12)`) the first is the coder's reading; references (`ref(7B)`), AD codes (`AD38`) and notes are not scored; " +
  'a code marked `12?` counts as scored; an event coded `?` is left out of the AU figures.';

/** How AU codes are compared, as the agreement output tells its reader. */
export const FACS_COMPARISON_RULE = `AUs are compared by number, and by side where both coders give one (L/R; U names no side). ${SCORED}`;

export function auComparisonRule(ignoreSide = false): string {
  return ignoreSide ? `AUs are compared by number (sides ignored). ${SCORED}` : FACS_COMPARISON_RULE;
}

/** Per AU number, the sides a coder scored it on; null when a code of it gave no side (or sides are ignored). */
export type AuSides = ReadonlyMap<number, ReadonlySet<'L' | 'R'> | null>;

export function auSides(aus: AuSet, ignoreSide = false): AuSides {
  const sides = new Map<number, Set<'L' | 'R'> | null>();
  for (const { au, side } of aus) {
    const known = sides.get(au);
    if (ignoreSide || side === null || known === null) sides.set(au, null);
    else sides.set(au, (known ?? new Set<'L' | 'R'>()).add(side));
  }
  return sides;
}

export interface AuComparison {
  /** AUs both coders scored. */
  readonly agreed: number;
  /** |A| + |B|: AUs scored by the two coders together (Ekman & Friesen's denominator). */
  readonly total: number;
  readonly onlyA: number;
  readonly onlyB: number;
}

/**
 * Compares two coders' AUs by number, and by side where both give one: `R12` against `12`
 * agrees (one AU each), `L12` against `R12` does not, `L12+R12` against `L12` agrees on
 * L and leaves R to the first coder. An AU only one coder scored counts once per side.
 */
export function compareAuSides(a: AuSides, b: AuSides): AuComparison {
  let agreed = 0;
  let onlyA = 0;
  let onlyB = 0;
  const count = (sides: ReadonlySet<string> | null) => (sides === null ? 1 : sides.size);
  for (const [au, sidesA] of a) {
    const sidesB = b.get(au);
    if (sidesB === undefined) onlyA += count(sidesA);
    else if (sidesA === null || sidesB === null) agreed += 1;
    else {
      let both = 0;
      for (const side of sidesA) if (sidesB.has(side)) both += 1;
      agreed += both;
      onlyA += sidesA.size - both;
      onlyB += sidesB.size - both;
    }
  }
  for (const [au, sidesB] of b) if (!a.has(au)) onlyB += count(sidesB);
  return { agreed, total: 2 * agreed + onlyA + onlyB, onlyA, onlyB };
}

export function compareAuSets(a: AuSet, b: AuSet, ignoreSide = false): AuComparison {
  return compareAuSides(auSides(a, ignoreSide), auSides(b, ignoreSide));
}

/**
 * FACS agreement ratio (Ekman & Friesen, FACS manual): 2 × AUs agreed / AUs scored by
 * both coders together. Both coders scoring nothing is full agreement (1).
 */
export function facsAgreementRatio(a: AuSet, b: AuSet, ignoreSide = false): number {
  const { agreed, total } = compareAuSets(a, b, ignoreSide);
  return total === 0 ? 1 : (2 * agreed) / total;
}

/**
 * F1 of coder B's AUs against coder A's as reference: 2PR / (P + R). On one event it
 * equals the FACS ratio (both are the Dice coefficient); they differ once pooled, which
 * the report does differently (ratio pooled over events, F1 averaged per event).
 */
export function auF1(reference: AuSet, other: AuSet, ignoreSide = false): number {
  const { agreed, onlyA, onlyB } = compareAuSets(reference, other, ignoreSide);
  if (agreed + onlyA + onlyB === 0) return 1;
  const precision = agreed + onlyB === 0 ? 0 : agreed / (agreed + onlyB);
  const recall = agreed + onlyA === 0 ? 0 : agreed / (agreed + onlyA);
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * The shared FACS grammar as an AU-set parser (FACS_COMPARISON_RULE): the coder's reading
 * (`facsReading`), intensity letters, positions and markers not compared, `U` (one side,
 * not said which) as unsided. `?` reads as null. Unparseable codes throw.
 */
export const facsAuSet: FacsParser = (facs) => {
  const reading = facsReading(parseFacsOrThrow(facs));
  return reading && reading.map((code): AuCode => ({ au: code.au, side: code.side === 'L' || code.side === 'R' ? code.side : null }));
};

/** FACS string → AU set (null for `?`) through the injected parser (the shared FACS grammar when present). */
export function auSetFromFacs(facs: string, parse: FacsParser = facsAuSet): AuSet | null {
  try {
    return parse(facs);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `Cannot read the AU code “${facs}”.`, { cause: error });
  }
}
