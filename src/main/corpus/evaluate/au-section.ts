import type { FacsIntensity } from '@shared/facs';
import type { BootstrapOptions, UnitCounts } from './bootstrap';
import { estimates } from './estimate';
import { LABEL_RULE, labelAus, predictedAus, type ScoredAus } from './labels';
import { auOutcomes, auScoreFromCounts, type AuCounts } from './metrics';
import type { AuSection, EvaluationCase, EvaluationPrediction, LabelMin } from './types';

interface Scored {
  readonly truth: ScoredAus;
  readonly pred: ScoredAus;
}

/** Per-AU counts laid out as [tp, fp, fn] per key, in `keys` order. */
function countsOf(sums: ArrayLike<number>, keys: readonly number[], base: number): AuCounts[] {
  return keys.map((au, i) => ({ au, tp: sums[base + 3 * i] as number, fp: sums[base + 3 * i + 1] as number, fn: sums[base + 3 * i + 2] as number }));
}

/** AU detection: per-AU P / R / F1, macro F1 and AU + side macro F1, each F1 with its interval. */
export function auSection(cases: readonly EvaluationCase[], predMin: FacsIntensity, labelMin: LabelMin, boot: BootstrapOptions): AuSection {
  const scored: Scored[] = [];
  const unreadableLabels: string[] = [];
  let uncertainLabels = 0;
  let alternatives = 0;
  let uncertainCodes = 0;
  for (const { label, prediction } of cases) {
    if (!prediction) continue;
    const read = labelAus(label.aus, labelMin);
    if (read.kind === 'unreadable') unreadableLabels.push(label.eventId);
    else if (read.kind === 'uncertain') uncertainLabels += 1;
    else {
      if (read.alternatives) alternatives += 1;
      uncertainCodes += read.uncertainCodes;
      scored.push({ truth: read.scored, pred: predictedAus(prediction as EvaluationPrediction, predMin) });
    }
  }
  const keysOf = (pick: (s: ScoredAus) => ReadonlySet<number>) => [...new Set(scored.flatMap((s) => [...pick(s.truth), ...pick(s.pred)]))].sort((a, b) => a - b);
  const auKeys = keysOf((s) => s.aus);
  const sideKeys = keysOf((s) => s.sided);
  const sideBase = 3 * auKeys.length;
  const auIndex = new Map(auKeys.map((k, i) => [k, 3 * i]));
  const sideIndex = new Map(sideKeys.map((k, i) => [k, sideBase + 3 * i]));
  const units: UnitCounts[] = scored.map(({ truth, pred }) => {
    const dims: number[] = [];
    const add = (index: Map<number, number>, t: ReadonlySet<number>, p: ReadonlySet<number>) => {
      const o = auOutcomes(p, t);
      for (const k of o.tp) dims.push(index.get(k) as number);
      for (const k of o.fp) dims.push((index.get(k) as number) + 1);
      for (const k of o.fn) dims.push((index.get(k) as number) + 2);
    };
    add(auIndex, truth.aus, pred.aus);
    add(sideIndex, truth.sided, pred.sided);
    return { dims };
  });
  const statistics = (sums: Float64Array): number[] => {
    const aus = auScoreFromCounts(countsOf(sums, auKeys, 0));
    const sided = auScoreFromCounts(countsOf(sums, sideKeys, sideBase));
    const empty = (score: typeof aus) => (Object.keys(score.perAu).length ? score.macroF1 : Number.NaN);
    return [empty(aus), empty(sided), ...auKeys.map((au) => aus.perAu[au]?.f1 ?? Number.NaN)];
  };
  const [macroF1, sideMacroF1, ...perAuF1] = estimates(units, sideBase + 3 * sideKeys.length, statistics, boot);
  const totals = new Float64Array(sideBase);
  for (const unit of units) for (const d of unit.dims) if (d < sideBase) totals[d] = (totals[d] as number) + 1;
  const score = auScoreFromCounts(countsOf(totals, auKeys, 0));
  return {
    n: scored.length,
    uncertainLabels,
    alternatives,
    uncertainCodes,
    unreadableLabels,
    macroF1: macroF1 as AuSection['macroF1'],
    sideMacroF1: sideMacroF1 as AuSection['sideMacroF1'],
    perAu: countsOf(totals, auKeys, 0).map((c, i) => ({ ...c, precision: score.perAu[c.au]?.precision ?? 0, recall: score.perAu[c.au]?.recall ?? 0, f1: perAuF1[i] as AuSection['macroF1'] })),
    rule: LABEL_RULE,
  };
}
