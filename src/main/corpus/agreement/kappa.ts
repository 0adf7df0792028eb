import { AppError } from '@shared/errors';

export interface KappaResult {
  /** Cohen's κ = (p_o − p_e) / (1 − p_e); NaN when p_e = 1 (both coders used one category). */
  readonly kappa: number;
  readonly observed: number;
  readonly expected: number;
  /** Units both coders coded. */
  readonly n: number;
}

/**
 * Cohen's kappa (Cohen 1960) for two coders on nominal categories. Units where either
 * coder gave no value are left out, since κ is defined on the paired table only.
 */
export function cohenKappa(a: readonly (string | number | null | undefined)[], b: readonly (string | number | null | undefined)[]): KappaResult {
  if (a.length !== b.length) throw new AppError('INVALID_INPUT', 'Cohen’s kappa needs the two coders’ values for the same units.');
  const marginalA = new Map<string | number, number>();
  const marginalB = new Map<string | number, number>();
  let agreed = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    n += 1;
    if (x === y) agreed += 1;
    marginalA.set(x, (marginalA.get(x) ?? 0) + 1);
    marginalB.set(y, (marginalB.get(y) ?? 0) + 1);
  }
  if (n === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, n };
  let expected = 0;
  for (const [category, count] of marginalA) expected += (count / n) * ((marginalB.get(category) ?? 0) / n);
  const observed = agreed / n;
  const kappa = expected === 1 ? Number.NaN : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
}
