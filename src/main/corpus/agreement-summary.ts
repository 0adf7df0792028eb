import type { AgreementSummary } from '@shared/api';
import { agreementToCsv, computeAgreement, type AgreementFigures, type AgreementOptions } from './agreement';
import type { CodedEvent } from './agreement/types';

/** NaN (undefined statistic) becomes null: JSON and the channel schema carry no NaN. */
const stat = (value: number): number | null => (Number.isFinite(value) ? value : null);

const figures = (f: AgreementFigures) => ({
  sharedEvents: f.sharedEvents,
  auEvents: f.auEvents,
  facsRatio: stat(f.facsRatio),
  auF1: stat(f.auF1),
  meanIoU: stat(f.meanIoU),
  spottingF1: stat(f.spotting.f1),
});

/** The agreement report as the channel, the CLI and the Agreement panel read it (with its CSV table). */
export function agreementSummary(events: readonly CodedEvent[], options: AgreementOptions = {}): AgreementSummary {
  const report = computeAgreement(events, options);
  return {
    ...figures(report),
    auRule: report.auRule,
    coders: [...report.coders],
    events: report.events,
    emotionAlpha: { alpha: stat(report.emotionAlpha.alpha), units: report.emotionAlpha.units },
    label3Alpha: { alpha: stat(report.label3Alpha.alpha), units: report.label3Alpha.units },
    pairs: report.pairs.map((pair) => ({
      ...figures(pair),
      coderA: pair.coderA,
      coderB: pair.coderB,
      emotionKappa: stat(pair.emotionKappa.kappa),
      label3Kappa: stat(pair.label3Kappa.kappa),
    })),
    perAu: report.perAu.map((au) => ({ au: au.au, alpha: stat(au.alpha.alpha), ratio: stat(au.ratio), scored: au.scored })),
    csv: agreementToCsv(report),
  };
}
