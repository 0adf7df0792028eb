import type { FacsIntensity } from '@shared/facs';
import type { UnitCounts } from './bootstrap';
import type { SectionPlan } from './plan';
import { LABEL_RULE, labelAus, predictedAus, type ScoredAus } from './labels';
import { auOutcomes, auScoreFromCounts, type AuCounts } from './metrics';
import type { AuSection, Estimate, EvaluationCase, EvaluationPrediction, LabelMin } from './types';

interface Scored {
  readonly truth: ScoredAus;
  readonly pred: ScoredAus;
}

/** Per-AU counts laid out as [tp, fp, fn] per key, in `keys` order. */
function countsOf(sums: ArrayLike<number>, keys: readonly number[], base: number): AuCounts[] {
  return keys.map((au, i) => ({ au, tp: sums[base + 3 * i] as number, fp: sums[base + 3 * i + 1] as number, fn: sums[base + 3 * i + 2] as number }));
}

/** AU detection: per-AU P / R / F1, macro F1 and AU + side macro F1, each F1 with its interval. */
export function auSection(cases: readonly EvaluationCase[], predMin: FacsIntensity, labelMin: LabelMin): SectionPlan<AuSection> {
  // Label texts repeat across a corpus: each is read once.
  const labels = new Map<string, ReturnType<typeof labelAus>>();
  const read = (text: string) => labels.get(text) ?? labels.set(text, labelAus(text, labelMin)).get(text) as ReturnType<typeof labelAus>;
  const scored: (Scored | null)[] = [];
  const unreadableLabels: string[] = [];
  let uncertainLabels = 0;
  let alternatives = 0;
  let uncertainCodes = 0;
  for (const { label, prediction } of cases) {
    const aus = prediction ? read(label.aus) : null;
    if (aus?.kind === 'unreadable') unreadableLabels.push(label.eventId);
    else if (aus?.kind === 'uncertain') uncertainLabels += 1;
    else if (aus?.kind === 'scored') {
      if (aus.alternatives) alternatives += 1;
      uncertainCodes += aus.uncertainCodes;
      scored.push({ truth: aus.scored, pred: predictedAus(prediction as EvaluationPrediction, predMin) });
      continue;
    }
    scored.push(null);
  }
  const present = scored.filter((s): s is Scored => s !== null);
  const keysOf = (pick: (s: ScoredAus) => ReadonlySet<number>) => [...new Set(present.flatMap((s) => [...pick(s.truth), ...pick(s.pred)]))].sort((a, b) => a - b);
  const auKeys = keysOf((s) => s.aus);
  const sideKeys = keysOf((s) => s.sided);
  const sideBase = 3 * auKeys.length;
  const auIndex = new Map(auKeys.map((k, i) => [k, 3 * i]));
  const sideIndex = new Map(sideKeys.map((k, i) => [k, sideBase + 3 * i]));
  const units: (UnitCounts | null)[] = scored.map((s) => {
    if (!s) return null;
    const { truth, pred } = s;
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
  const totals = new Float64Array(sideBase);
  for (const unit of units) for (const d of unit?.dims ?? []) if (d < sideBase) totals[d] = (totals[d] as number) + 1;
  const score = auScoreFromCounts(countsOf(totals, auKeys, 0));
  return {
    tasks: [{ units, size: sideBase + 3 * sideKeys.length, statistics }],
    finish: ([figures = []]) => {
      const [macroF1, sideMacroF1, ...perAuF1] = figures as Estimate[];
      return {
        n: present.length,
        uncertainLabels,
        alternatives,
        uncertainCodes,
        unreadableLabels,
        macroF1: macroF1 as Estimate,
        sideMacroF1: sideMacroF1 as Estimate,
        perAu: countsOf(totals, auKeys, 0).map((c, i) => ({ ...c, precision: score.perAu[c.au]?.precision ?? 0, recall: score.perAu[c.au]?.recall ?? 0, f1: perAuF1[i] as Estimate })),
        rule: LABEL_RULE,
      };
    },
  };
}
