import { toCsv, type CsvValue } from '../csv';
import type { AgreementFigures, AgreementReport } from './report';

export const AGREEMENT_CSV_HEADER = ['scope', 'coder_a', 'coder_b', 'metric', 'value', 'n'] as const;

function figureRows(scope: string, a: string, b: string, figures: AgreementFigures): CsvValue[][] {
  const n = figures.sharedEvents;
  const s = figures.spotting;
  return [
    [scope, a, b, 'facs_agreement_ratio', figures.facsRatio, figures.auEvents],
    [scope, a, b, 'au_f1', figures.auF1, figures.auEvents],
    [scope, a, b, 'onset_abs_diff_mean', figures.onset.mean, figures.onset.n],
    [scope, a, b, 'onset_abs_diff_median', figures.onset.median, figures.onset.n],
    [scope, a, b, 'apex_abs_diff_mean', figures.apex.mean, figures.apex.n],
    [scope, a, b, 'apex_abs_diff_median', figures.apex.median, figures.apex.n],
    [scope, a, b, 'offset_abs_diff_mean', figures.offset.mean, figures.offset.n],
    [scope, a, b, 'offset_abs_diff_median', figures.offset.median, figures.offset.n],
    [scope, a, b, 'interval_iou_mean', figures.meanIoU, n],
    [scope, a, b, 'spotting_f1_iou50', s.f1, s.truePositives + s.falsePositives + s.falseNegatives],
  ];
}

/** The agreement report as a long-format table: one metric per row, NaN as an empty cell. */
export function agreementToCsv(report: AgreementReport): string {
  const rows: CsvValue[][] = [
    ['corpus', '', '', 'emotion_krippendorff_alpha', report.emotionAlpha.alpha, report.emotionAlpha.units],
    ['corpus', '', '', 'label3_krippendorff_alpha', report.label3Alpha.alpha, report.label3Alpha.units],
    ...figureRows('corpus', '', '', report),
  ];
  for (const pair of report.pairs) {
    rows.push(['pair', pair.coderA, pair.coderB, 'emotion_cohen_kappa', pair.emotionKappa.kappa, pair.emotionKappa.n]);
    rows.push(['pair', pair.coderA, pair.coderB, 'label3_cohen_kappa', pair.label3Kappa.kappa, pair.label3Kappa.n]);
    rows.push(...figureRows('pair', pair.coderA, pair.coderB, pair));
  }
  for (const au of report.perAu) {
    rows.push([`AU ${au.au}`, '', '', 'presence_krippendorff_alpha', au.alpha.alpha, au.alpha.units]);
    rows.push([`AU ${au.au}`, '', '', 'facs_agreement_ratio', au.ratio, au.scored]);
  }
  return toCsv(AGREEMENT_CSV_HEADER, rows);
}
