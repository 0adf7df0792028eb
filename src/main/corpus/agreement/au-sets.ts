import { AppError } from '@shared/errors';
import { facsReading, parseFacsOrThrow } from '@shared/facs';
import type { AuCode, AuSet } from './types';

/** Turns a FACS string into the AUs it scores; injected so the real FACS grammar can be used. */
export type FacsParser = (facs: string) => AuSet;

/** The key two AU codes are compared by; `ignoreSide` counts L12 and R12 as the same AU. */
export function auKey(code: AuCode, ignoreSide = false): string {
  return ignoreSide || code.side === null ? String(code.au) : `${code.side}${code.au}`;
}

/** The distinct AU keys of a set (a coder writing 12 twice scored it once). */
export function auKeys(aus: AuSet, ignoreSide = false): string[] {
  return [...new Set(aus.map((code) => auKey(code, ignoreSide)))];
}

export interface AuComparison {
  /** AUs both coders scored. */
  readonly agreed: number;
  /** |A| + |B|: AUs scored by the two coders together (Ekman & Friesen's denominator). */
  readonly total: number;
  readonly onlyA: number;
  readonly onlyB: number;
}

export function compareAuSets(a: AuSet, b: AuSet, ignoreSide = false): AuComparison {
  return compareAuKeys(auKeys(a, ignoreSide), auKeys(b, ignoreSide));
}

/** The comparison on distinct keys already extracted (sets are a handful of AUs: a scan beats hashing). */
export function compareAuKeys(a: readonly string[], b: readonly string[]): AuComparison {
  let agreed = 0;
  for (const key of a) if (b.includes(key)) agreed += 1;
  return { agreed, total: a.length + b.length, onlyA: a.length - agreed, onlyB: b.length - agreed };
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
 * The shared FACS grammar as an AU-set parser. Intensity letters and markers are not
 * compared; `U` (unilateral, side unknown) compares as unsided; of alternatives
 * (`R12 or R15`) the first is the coder's reading. Unparseable codes throw.
 */
export const facsAuSet: FacsParser = (facs) => {
  const first = facsReading(parseFacsOrThrow(facs)) ?? [];
  return first.map((code): AuCode => ({ au: code.au, side: code.side === 'L' || code.side === 'R' ? code.side : null }));
};

/** FACS string → AU set through the injected parser (the shared FACS grammar when present). */
export function auSetFromFacs(facs: string, parse: FacsParser = facsAuSet): AuSet {
  try {
    return parse(facs);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `Cannot read the AU code “${facs}”.`, { cause: error });
  }
}
