import type { evaluationChannels, EvaluationSummary } from '@shared/api/evaluation';
import { evaluateWorkspace, parseAnalysisChoice, parseReference, type WorkspaceEvaluation } from '../app/evaluation';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

/** The headline of an evaluation, as the Evaluation view shows it. */
export function evaluationSummary(e: WorkspaceEvaluation): EvaluationSummary {
  const r = e.report;
  const t = r.timing;
  return {
    reference: e.reference,
    analysis: e.analysis,
    labelled: r.labelled,
    analysed: r.analysed,
    missingAnalysis: [...r.missingAnalysis],
    unreadableAnalysis: r.unreadableAnalysis.length,
    resamples: r.settings.resamples,
    seed: r.settings.seed,
    figures: [
      { key: 'auMacroF1', n: r.aus.n, ...r.aus.macroF1 },
      { key: 'auSideMacroF1', n: r.aus.n, ...r.aus.sideMacroF1 },
      { key: 'megcUf1', n: r.megc.n, ...r.megc.uf1 },
      { key: 'megcUar', n: r.megc.n, ...r.megc.uar },
      { key: 'apexErrorFrames', n: t.apexFrames.n, ...t.apexFrames.median },
      { key: 'onsetErrorFrames', n: t.onsetFrames.n, ...t.onsetFrames.median },
      { key: 'spottingF1', n: r.spotting.clips, ...r.spotting.f1 },
    ],
    perAu: r.aus.perAu.map((a) => ({ au: a.au, tp: a.tp, fp: a.fp, fn: a.fn, f1: a.f1 })),
    megcClasses: r.megc.classes.map((c) => ({ label: c.label, support: c.support, predicted: c.predicted, f1: c.f1 })),
    megcConfusion: r.megc.confusion.map((row) => [...row]),
    auCounts: { n: r.aus.n, uncertainLabels: r.aus.uncertainLabels, alternatives: r.aus.alternatives, uncertainCodes: r.aus.uncertainCodes },
  };
}

/** The open workspace's evaluation against a reference (the same module as `mellm evaluate`). */
export function evaluationHandlers(services: Services): Pick<HandlerTable, keyof typeof evaluationChannels> {
  return {
    'evaluation.run': async ({ against, analysis, predMin, labelMin }) =>
      evaluationSummary(await evaluateWorkspace(services.workspaces.require(), parseReference(against ?? 'dataset'), parseAnalysisChoice(analysis ?? 'latest'), { predMin, labelMin })),
  };
}
