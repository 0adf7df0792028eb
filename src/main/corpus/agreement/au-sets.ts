import { AppError } from '@shared/errors';
import type { AuCode, AuSet, AuSide } from './types';

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
 * Minimal FACS tokeniser ("R12A+L4+25", "AU1+AU2", "12, 14"), used only when no parser
 * is injected. TODO(facs): replace with `parseFacs` from `src/shared/facs.ts` once it
 * lands on main; intensity letters and unknown tokens are dropped here, not validated.
 */
export const minimalFacsTokeniser: FacsParser = (facs) => {
  const codes: AuCode[] = [];
  for (const raw of facs.split(/[+,;\s]+/)) {
    const match = /^(?:AU)?([LRB])?(?:AU)?(\d{1,2})[A-E]?$/i.exec(raw.trim());
    if (!match) continue;
    const letter = match[1]?.toUpperCase();
    const side: AuSide = letter === 'L' || letter === 'R' ? letter : null;
    codes.push({ au: Number(match[2]), side });
  }
  return codes;
};

/** FACS string → AU set through the injected parser (the shared FACS grammar when present). */
export function auSetFromFacs(facs: string, parse: FacsParser = minimalFacsTokeniser): AuSet {
  try {
    return parse(facs);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `Cannot read the AU code “${facs}”.`, { cause: error });
  }
}
