import { toCsv, type CsvValue } from '../csv';
import type { ClassSection, Estimate, EvaluationFigures, EvaluationReport, QuantileFigure } from './types';

export const EVALUATION_CSV_HEADER = ['group', 'section', 'metric', 'key', 'n', 'value', 'ci_low', 'ci_high'] as const;

type Row = readonly CsvValue[];

function rows(group: string, f: EvaluationFigures): Row[] {
  const out: Row[] = [];
  const add = (section: string, metric: string, key: string, n: number, e: Estimate | number | null) => {
    if (typeof e === 'number' || e === null) out.push([group, section, metric, key, n, e, null, null]);
    else out.push([group, section, metric, key, n, e.value, e.low, e.high]);
  };
  add('events', 'labelled', '', f.labelled, f.labelled);
  add('events', 'analysed', '', f.labelled, f.analysed);
  add('events', 'missing_analysis', f.missingAnalysis.join(' '), f.labelled, f.missingAnalysis.length);
  add('events', 'unreadable_analysis', f.unreadableAnalysis.map((u) => u.eventId).join(' '), f.labelled, f.unreadableAnalysis.length);
  const { aus } = f;
  add('au', 'macro_f1', '', aus.n, aus.macroF1);
  add('au', 'au_side_macro_f1', '', aus.n, aus.sideMacroF1);
  add('au', 'uncertain_labels', '', aus.n, aus.uncertainLabels);
  add('au', 'labels_with_alternatives', '', aus.n, aus.alternatives);
  add('au', 'uncertain_codes', '', aus.n, aus.uncertainCodes);
  add('au', 'unreadable_labels', aus.unreadableLabels.join(' '), aus.n, aus.unreadableLabels.length);
  for (const a of aus.perAu) {
    const key = `AU${a.au}`;
    add('au', 'precision', key, a.tp + a.fp, a.precision);
    add('au', 'recall', key, a.tp + a.fn, a.recall);
    add('au', 'f1', key, a.tp + a.fp + a.fn, a.f1);
  }
  const classes = (section: ClassSection) => {
    const name = section.name;
    add(name, 'uf1', '', section.n, section.uf1);
    add(name, 'uar', '', section.n, section.uar);
    add(name, 'accuracy', '', section.n, section.accuracy);
    add(name, 'excluded', '', section.n + section.excluded, section.excluded);
    for (const c of section.classes) {
      add(name, 'f1', c.label, c.support, c.f1);
      add(name, 'recall', c.label, c.support, c.recall);
    }
    const columns = [...section.classes.map((c) => c.label), 'none'];
    section.confusion.forEach((row, r) => row.forEach((count, k) => add(name, 'confusion', `${section.classes[r]?.label}->${columns[k]}`, section.n, count)));
  };
  classes(f.megc);
  f.datasetClasses.forEach(classes);
  const t = f.timing;
  add('timing', 'spotted', '', t.spotted, t.spotted);
  add('timing', 'given_frames', '', t.givenFrames, t.givenFrames);
  add('timing', 'not_found', '', t.notFound, t.notFound);
  const quantiles = (metric: string, q: QuantileFigure) => {
    add('timing', `${metric}_median`, '', q.n, q.median);
    add('timing', `${metric}_p90`, '', q.n, q.p90);
  };
  quantiles('apex_error_frames', t.apexFrames);
  quantiles('onset_error_frames', t.onsetFrames);
  quantiles('apex_error_ms', t.apexMs);
  quantiles('onset_error_ms', t.onsetMs);
  const s = f.spotting;
  add('spotting', 'precision', '', s.proposals, s.precision);
  add('spotting', 'recall', '', s.truths, s.recall);
  add('spotting', 'f1', '', s.clips, s.f1);
  return out;
}

/** The report as one long CSV table: a row per figure, overall first (group "all"), then each group. */
export function evaluationCsv(report: EvaluationReport): string {
  return toCsv(EVALUATION_CSV_HEADER, [...rows('all', report), ...report.groups.flatMap((g) => rows(g.key, g))]);
}
