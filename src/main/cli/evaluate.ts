import { AppError } from '@shared/errors';
import { FACS_INTENSITIES, type FacsIntensity } from '@shared/facs';
import { compareWorkspaceRuns, evaluateWorkspace, evaluationReportHtml, parseAnalysisChoice, parseReference, type WorkspaceComparison, type WorkspaceEvaluation } from '../app/evaluation';
import { GROUP_BY, evaluationCsv, type ClassSection, type Estimate, type EvaluationFigures, type GroupBy, type LabelMin } from '../corpus/evaluate';
import { openWorkspace } from '../store';
import { writeFileAtomic } from '../util/atomic-write';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';
import { outputFile } from './output';

const USAGE =
  'mellm evaluate --workspace w.mellm [--against dataset|approved|<annotator>] [--analysis latest|<analysis id>] [--versus latest|<analysis id>]\n' +
  '       [--json | --csv out.csv | --html out.html [--force]] [--by subject|dataset|emotion] [--pred-min B] [--label-min any] [--resamples 1000] [--seed 1]';

const fmt = (v: number | null, digits = 3): string => (v === null ? '—' : v.toFixed(digits));
const est = (e: Estimate, digits = 3): string => (e.value === null ? '—' : `${fmt(e.value, digits)} [${fmt(e.low, digits)}, ${fmt(e.high, digits)}]`);

function classLines(s: ClassSection): string[] {
  return [
    `${s.name}: UF1 ${est(s.uf1)}  UAR ${est(s.uar)}  accuracy ${fmt(s.accuracy)}  (n ${s.n}, ${s.excluded} excluded: no class)`,
    `  ${s.classes.map((c) => `${c.label} ${fmt(c.f1)} (${c.support})`).join('  ')}`,
  ];
}

function figureLines(f: EvaluationFigures): string[] {
  const { aus, timing: t, spotting: s } = f;
  const missing = f.missingAnalysis.length ? ` — without analysis: ${f.missingAnalysis.slice(0, 20).join(', ')}${f.missingAnalysis.length > 20 ? ' …' : ''}` : '';
  return [
    `events: ${f.labelled} labelled, ${f.analysed} analysed, ${f.missingAnalysis.length} without analysis, ${f.unreadableAnalysis.length} unreadable${missing}`,
    `AU macro F1 ${est(aus.macroF1)}  AU+side macro F1 ${est(aus.sideMacroF1)}  (n ${aus.n}; ${aus.uncertainLabels} labels "?" left out, ${aus.alternatives} with alternatives, ${aus.uncertainCodes} codes marked ?, ${aus.unreadableLabels.length} unreadable)`,
    ...aus.perAu.map((a) => `  AU${a.au}: P ${fmt(a.precision)} R ${fmt(a.recall)} F1 ${est(a.f1)} (tp ${a.tp} fp ${a.fp} fn ${a.fn})`),
    ...classLines(f.megc),
    ...f.datasetClasses.flatMap(classLines),
    `timing (n ${t.spotted} spotted; ${t.givenFrames} at the label's frames, ${t.notFound} not found): apex error median ${est(t.apexFrames.median, 1)} p90 ${est(t.apexFrames.p90, 1)} frames, median ${est(t.apexMs.median, 1)} ms; onset error median ${est(t.onsetFrames.median, 1)} frames, ${est(t.onsetMs.median, 1)} ms`,
    `spotting (${s.clips} clips, IoU ≥ 0.5): P ${est(s.precision)} R ${est(s.recall)} F1 ${est(s.f1)} (tp ${s.tp} fp ${s.fp} fn ${s.fn})`,
  ];
}

export function formatEvaluation(e: WorkspaceEvaluation): string {
  const { report } = e;
  const st = report.settings;
  return [
    `against ${e.reference}; analysis ${e.analysis}; predictions from ${st.predMin}, labels from ${st.labelMin}; 95 % intervals from ${st.resamples} bootstrap resamples (seed ${st.seed})`,
    ...figureLines(report),
    ...report.groups.flatMap((g) => [`— ${st.by} ${g.key}`, ...figureLines(g).map((l) => `  ${l}`)]),
    `AU labels: ${report.aus.rule}`,
  ].join('\n');
}

export function formatComparison(c: WorkspaceComparison): string {
  const { comparison: cmp } = c;
  return [
    `against ${c.reference}; A = ${c.a}, B = ${c.b}; ${cmp.paired} events analysed by both (${cmp.unpaired} left out); paired bootstrap, ${cmp.settings.resamples} resamples (seed ${cmp.settings.seed})`,
    ...cmp.rows.map((r) => `${r.metric.padEnd(20)} A ${est(r.a)}   B ${est(r.b)}   A − B ${est(r.difference)}`),
  ].join('\n');
}

const LABEL_MINS = ['any', ...FACS_INTENSITIES] as const;

const OPTIONS = defineOptions({
  workspace: { kind: 'text', value: 'file|url', help: 'the workspace to evaluate' },
  against: { kind: 'text', value: 'who', default: 'dataset', help: 'the reference labels: dataset, approved or an annotator' },
  analysis: { kind: 'text', value: 'id', default: 'latest', help: 'the analysis run scored: latest or an analysis id' },
  versus: { kind: 'text', value: 'id', help: 'a second run to compare side by side (latest or an analysis id)' },
  json: { kind: 'flag', help: 'print the result as JSON' },
  csv: { kind: 'text', value: 'file', help: 'write the long-format table' },
  html: { kind: 'text', value: 'file', help: 'write the self-contained printable report' },
  force: { kind: 'flag', help: 'replace an existing output file' },
  by: { kind: 'choice', values: GROUP_BY, help: 'figures per group as well' },
  'pred-min': { kind: 'choice', values: FACS_INTENSITIES, default: 'B', help: 'the weakest predicted intensity counted as present' },
  'label-min': { kind: 'choice', values: LABEL_MINS, default: 'any', help: 'the weakest labelled intensity counted as present' },
  resamples: { kind: 'int', value: 'N', min: 1, max: 100_000, default: 1000, help: 'bootstrap resamples for the 95 % intervals' },
  seed: { kind: 'int', value: 'N', min: 0, max: 2 ** 31 - 1, default: 1, help: 'the bootstrap seed' },
});

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: "score the analyses against a reference's labels (AU F1, MEGC UF1/UAR, timing, spotting; bootstrap 95 % intervals)",
  usage: USAGE,
  options: OPTIONS,
  async run(args, io) {
    const { values } = parseOptions(OPTIONS, args);
    if (!values.workspace) throw new AppError('INVALID_INPUT', `expected --workspace\nUsage: ${USAGE}`);
    const reference = parseReference(values.against);
    const choice = parseAnalysisChoice(values.analysis);
    const options = {
      predMin: values['pred-min'] as FacsIntensity,
      labelMin: values['label-min'] as LabelMin,
      resamples: values.resamples,
      seed: values.seed,
      by: (values.by ?? null) as GroupBy | null,
    };
    if (values.csv !== undefined && values.html !== undefined) throw new AppError('INVALID_INPUT', `give --csv or --html, not both\nUsage: ${USAGE}`);
    if (values.versus !== undefined) {
      if (values.csv !== undefined || values.html !== undefined || values.by !== undefined) throw new AppError('INVALID_INPUT', `--versus prints the side-by-side table (text or --json); it takes no --csv, --html or --by\nUsage: ${USAGE}`);
      const versus = parseAnalysisChoice(values.versus);
      const ws = await openWorkspace(values.workspace);
      let compared: WorkspaceComparison;
      try {
        compared = await compareWorkspaceRuns(ws, reference, choice, versus, options);
      } finally {
        await ws.close();
      }
      io.out(values.json ? JSON.stringify(compared, null, 2) : formatComparison(compared));
      return 0;
    }
    const csv = await outputFile(values.csv, values.force);
    const html = await outputFile(values.html, values.force);
    const ws = await openWorkspace(values.workspace);
    let evaluation: WorkspaceEvaluation;
    try {
      evaluation = await evaluateWorkspace(ws, reference, choice, options);
    } finally {
      await ws.close();
    }
    if (csv) {
      await writeFileAtomic(csv, evaluationCsv(evaluation.report), 0o644);
      io.out(values.json ? JSON.stringify({ csv }) : `wrote ${csv}`);
    } else if (html) {
      await writeFileAtomic(html, await evaluationReportHtml(evaluation), 0o644);
      io.out(values.json ? JSON.stringify({ html }) : `wrote ${html}`);
    } else {
      const { cases: _cases, ...rest } = evaluation;
      io.out(values.json ? JSON.stringify(rest, null, 2) : formatEvaluation(evaluation));
    }
    return 0;
  },
};
