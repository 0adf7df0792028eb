import type { UnitCounts } from './bootstrap';
import { DATASET_CLASSES, MEGC_CLASSES, datasetClassOf, megcClassOf } from './classes';
import { classScoreFromConfusion, confusionIndex } from './metrics';
import type { SectionPlan } from './plan';
import type { ClassSection, Estimate, EvaluationCase } from './types';

/** One analysed event: its true class (null: excluded from this scheme) and the predicted one (null: none); null for an event this section does not score. */
interface ClassPair {
  readonly truth: string | null;
  readonly predicted: string | null;
}

/** Recognition figures over `classes`: UF1 and UAR with intervals, accuracy, per class, the confusion matrix. */
export function classSection(name: string, classes: readonly string[], pairs: readonly (ClassPair | null)[]): SectionPlan<ClassSection> {
  const width = classes.length + 1;
  let excluded = 0;
  const units = pairs.map((pair): UnitCounts | null => {
    if (!pair) return null;
    const row = pair.truth === null ? -1 : classes.indexOf(pair.truth);
    if (row < 0) {
      excluded += 1;
      return null;
    }
    return { dims: [confusionIndex(classes.length, row, pair.predicted === null ? null : classes.indexOf(pair.predicted))] };
  });
  const statistics = (sums: Float64Array): number[] => {
    const score = classScoreFromConfusion(sums, classes.length);
    return score.samples ? [score.uf1, score.uar] : [Number.NaN, Number.NaN];
  };
  const matrix = new Array<number>(classes.length * width).fill(0);
  for (const unit of units) {
    if (!unit) continue;
    const cell = unit.dims[0] as number;
    matrix[cell] = (matrix[cell] as number) + 1;
  }
  const confusion = classes.map((_, r) => matrix.slice(r * width, (r + 1) * width));
  const figures = classes.map((label, c) => {
    const support = (confusion[c] as number[]).reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, row) => s + (row[c] as number), 0);
    const tp = confusion[c]?.[c] as number;
    const seen = support + predicted > 0;
    return { label, support, predicted, f1: seen ? (2 * tp) / (support + predicted) : null, recall: support ? tp / support : null };
  });
  const n = units.filter((u) => u !== null).length;
  const accuracy = classScoreFromConfusion(matrix, classes.length).accuracy;
  return {
    tasks: [{ units, size: classes.length * width, statistics }],
    finish: ([section = []]) => {
      const [uf1, uar] = section as Estimate[];
      return { name, n, excluded, classes: figures, uf1: uf1 as Estimate, uar: uar as Estimate, accuracy, confusion };
    },
  };
}

/** MEGC 3-class: the label's emotion word through the mapping table, the model's 3-class label. */
export function megcSection(cases: readonly EvaluationCase[]): SectionPlan<ClassSection> {
  const pairs = cases.map(({ label, prediction }) =>
    prediction ? { truth: megcClassOf(label.emotion) ?? megcClassOf(label.label3), predicted: prediction.label3 ? prediction.label3.toLowerCase() : null } : null,
  );
  return classSection('MEGC 3-class', MEGC_CLASSES, pairs);
}

/** Each dataset's own classes (CASME II 5-class …), for the datasets in `cases` that have a protocol. */
export function datasetSections(cases: readonly EvaluationCase[]): SectionPlan<ClassSection>[] {
  const datasets = [...new Set(cases.map((c) => c.label.dataset))].filter((d) => DATASET_CLASSES[d]).sort();
  return datasets.map((dataset) => {
    const table = DATASET_CLASSES[dataset] as (typeof DATASET_CLASSES)[string];
    const pairs = cases.map(({ label, prediction }) =>
      prediction && label.dataset === dataset ? { truth: datasetClassOf(dataset, label.emotion), predicted: datasetClassOf(dataset, prediction.emotion) } : null,
    );
    return classSection(table.name, table.classes, pairs);
  });
}
