export interface AlphaResult {
  /** α = 1 − D_o / D_e; NaN when there is no variation at all (D_e = 0). */
  readonly alpha: number;
  /** Observed and expected disagreement (nominal metric). */
  readonly observedDisagreement: number;
  readonly expectedDisagreement: number;
  /** Pairable values n.. (values in units with at least two values). */
  readonly pairable: number;
  /** Units with at least two values. */
  readonly units: number;
}

/**
 * Krippendorff's alpha for nominal data, any number of coders, missing values allowed
 * (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C).
 * `units[u]` lists the values the coders gave unit u; null/undefined = not coded.
 * Built from the coincidence matrix: o_ck = Σ_u (number of c–k pairs in u) / (m_u − 1).
 */
export function krippendorffAlphaNominal(units: Iterable<readonly (string | number | null | undefined)[]>): AlphaResult {
  // Only the diagonal of the coincidence matrix and its marginals are needed for the
  // nominal metric: D_o ∝ n.. − Σ o_cc, D_e ∝ n..² − Σ n_c².
  const marginals = new Map<string | number, number>();
  let diagonal = 0;
  let pairable = 0;
  let unitCount = 0;
  const counts = new Map<string | number, number>();
  for (const values of units) {
    counts.clear();
    let m = 0;
    for (const value of values) {
      if (value === null || value === undefined) continue;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      m += 1;
    }
    if (m < 2) continue;
    unitCount += 1;
    pairable += m;
    for (const [value, count] of counts) {
      diagonal += (count * (count - 1)) / (m - 1);
      marginals.set(value, (marginals.get(value) ?? 0) + count);
    }
  }
  return nominalAlphaFromCoincidences(pairable, diagonal, marginals.values(), unitCount);
}

/**
 * α from the coincidence matrix's totals: n.. pairable values, Σ o_cc on the diagonal and
 * the marginals n_c. For callers that count coincidences themselves (per-AU presence).
 */
export function nominalAlphaFromCoincidences(pairable: number, diagonal: number, marginals: Iterable<number>, units: number): AlphaResult {
  if (pairable === 0) return { alpha: Number.NaN, observedDisagreement: Number.NaN, expectedDisagreement: Number.NaN, pairable, units };
  let sumSquares = 0;
  for (const count of marginals) sumSquares += count * count;
  const observedDisagreement = (pairable - diagonal) / pairable;
  const expectedDisagreement = (pairable * pairable - sumSquares) / (pairable * (pairable - 1));
  const alpha = expectedDisagreement === 0 ? Number.NaN : 1 - observedDisagreement / expectedDisagreement;
  return { alpha, observedDisagreement, expectedDisagreement, pairable, units };
}
