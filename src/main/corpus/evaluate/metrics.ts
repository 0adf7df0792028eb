import { AppError } from '@shared/errors';
import type { Intensity } from '../../analysis/au-table';
import { intervalIoU, matchIntervals, type FrameInterval as AgreementInterval } from '../agreement/intervals';

/**
 * Scores against ground truth, shared by the bench and `mellm evaluate`: MEGC spotting
 * (IoU ≥ 0.5 hit), macro AU F1 (an AU counts as present from intensity B), and MEGC
 * recognition metrics (accuracy, UF1, UAR). Pure functions on small records.
 */

export type FrameInterval = AgreementInterval & { readonly apex?: number };
export { intervalIoU };

export interface DetectionScore {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface SpottingScore extends DetectionScore {
  /** Mean |predicted apex − true apex| in frames over the hits; null without hits or apexes. */
  readonly meanApexError: number | null;
}

export function detection(tp: number, fp: number, fn: number): DetectionScore {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

/**
 * MEGC spotting evaluation: a proposal is a hit when its IoU with a true interval is
 * ≥ `iouThreshold`, one-to-one (the agreement's matching: greedy, best IoU first).
 */
export function evaluateSpotting(proposals: readonly FrameInterval[], truths: readonly FrameInterval[], iouThreshold = 0.5): SpottingScore {
  const { matches } = matchIntervals(truths, proposals, iouThreshold);
  const apexErrors: number[] = [];
  for (const { a, b } of matches) {
    const pa = proposals[b]?.apex;
    const ta = truths[a]?.apex;
    if (pa !== undefined && ta !== undefined) apexErrors.push(Math.abs(pa - ta));
  }
  const tp = matches.length;
  return {
    ...detection(tp, proposals.length - tp, truths.length - tp),
    meanApexError: apexErrors.length ? apexErrors.reduce((s, e) => s + e, 0) / apexErrors.length : null,
  };
}

export interface AuLabel {
  readonly au: number;
  /** Missing intensity means "present" (sheets that code AUs without intensity). */
  readonly intensity?: Intensity | null;
}

const LETTERS = ['A', 'B', 'C', 'D', 'E'];
/** FACS A is a trace: the bench counts an AU as present from intensity B. */
export function auPresent(label: AuLabel, minIntensity: Intensity = 'B'): boolean {
  return !label.intensity || LETTERS.indexOf(label.intensity) >= LETTERS.indexOf(minIntensity);
}

export interface AuScore {
  /** Mean F1 over the AUs that occur in the truth or the predictions. */
  readonly macroF1: number;
  readonly perAu: Readonly<Record<number, DetectionScore>>;
}

/** Per-AU TP / FP / FN of one sample or summed over samples. */
export interface AuCounts {
  readonly au: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** Where a sample's AU lands: TP (both), FP (prediction only) or FN (truth only); one set per sample. */
export function auOutcomes(pred: ReadonlySet<number>, truth: ReadonlySet<number>): { tp: number[]; fp: number[]; fn: number[] } {
  const tp: number[] = [];
  const fp: number[] = [];
  const fn: number[] = [];
  for (const au of pred) (truth.has(au) ? tp : fp).push(au);
  for (const au of truth) if (!pred.has(au)) fn.push(au);
  return { tp, fp, fn };
}

/** Per-AU scores and their mean; an AU with no TP, FP or FN is not scored. */
export function auScoreFromCounts(counts: readonly AuCounts[]): AuScore {
  const perAu: Record<number, DetectionScore> = {};
  let sum = 0;
  let scored = 0;
  for (const { au, tp, fp, fn } of counts) {
    if (tp + fp + fn === 0) continue;
    const score = detection(tp, fp, fn);
    perAu[au] = score;
    sum += score.f1;
    scored += 1;
  }
  return { macroF1: scored ? sum / scored : 0, perAu };
}

/** Macro AU F1 over samples: per AU, TP/FP/FN across samples; `aus` limits the AUs scored. */
export function evaluateAus(predictions: readonly (readonly AuLabel[])[], truths: readonly (readonly AuLabel[])[], aus?: readonly number[]): AuScore {
  if (predictions.length !== truths.length) throw new AppError('INVALID_INPUT', `AU evaluation needs one prediction per sample (${predictions.length} vs ${truths.length}).`);
  const present = (labels: readonly AuLabel[]): Set<number> => new Set(labels.filter((l) => auPresent(l)).map((l) => l.au));
  const counts = new Map<number, { au: number; tp: number; fp: number; fn: number }>();
  const at = (au: number) => counts.get(au) ?? counts.set(au, { au, tp: 0, fp: 0, fn: 0 }).get(au) as { au: number; tp: number; fp: number; fn: number };
  predictions.forEach((prediction, i) => {
    const outcome = auOutcomes(present(prediction), present(truths[i] as readonly AuLabel[]));
    for (const au of outcome.tp) at(au).tp += 1;
    for (const au of outcome.fp) at(au).fp += 1;
    for (const au of outcome.fn) at(au).fn += 1;
  });
  const scored = aus ?? [...counts.keys()].sort((a, b) => a - b);
  return auScoreFromCounts(scored.map((au) => counts.get(au) ?? { au, tp: 0, fp: 0, fn: 0 }));
}

export interface ClassScore {
  readonly accuracy: number;
  /** Unweighted F1: mean over classes of 2TP / (2TP + FP + FN) (MEGC). */
  readonly uf1: number;
  /** Unweighted average recall: mean over classes present in the truth of TP / N. */
  readonly uar: number;
  readonly samples: number;
}

/**
 * A confusion matrix, row-major: row = true class (the `classes` order), column = the
 * predicted class, and one last column for no prediction (no ME found, or a class outside
 * the set).
 */
export function confusionIndex(classes: number, truth: number, predicted: number | null): number {
  return truth * (classes + 1) + (predicted === null || predicted < 0 ? classes : predicted);
}

/** MEGC recognition metrics from a confusion matrix (see confusionIndex). */
export function classScoreFromConfusion(matrix: ArrayLike<number>, classes: number): ClassScore {
  const width = classes + 1;
  let samples = 0;
  let correct = 0;
  let f1Sum = 0;
  let f1N = 0;
  let recallSum = 0;
  let recallN = 0;
  for (let c = 0; c < classes; c += 1) {
    let row = 0;
    let column = 0;
    for (let k = 0; k < width; k += 1) row += matrix[c * width + k] as number;
    for (let r = 0; r < classes; r += 1) column += matrix[r * width + c] as number;
    const tp = matrix[c * width + c] as number;
    samples += row;
    correct += tp;
    const fp = column - tp;
    const fn = row - tp;
    if (tp + fp + fn > 0) {
      f1Sum += (2 * tp) / (2 * tp + fp + fn);
      f1N += 1;
    }
    if (row > 0) {
      recallSum += tp / row;
      recallN += 1;
    }
  }
  return { accuracy: samples ? correct / samples : 0, uf1: f1N ? f1Sum / f1N : 0, uar: recallN ? recallSum / recallN : 0, samples };
}

/** The confusion matrix of predictions against truths over `classes` (see confusionIndex). */
export function confusionMatrix<C extends string>(predictions: readonly (C | null)[], truths: readonly C[], classes: readonly C[]): number[] {
  if (predictions.length !== truths.length) throw new AppError('INVALID_INPUT', `Class evaluation needs one prediction per sample (${predictions.length} vs ${truths.length}).`);
  const matrix = new Array<number>(classes.length * (classes.length + 1)).fill(0);
  truths.forEach((t, i) => {
    const row = classes.indexOf(t);
    if (row < 0) throw new AppError('INVALID_INPUT', `The true class “${t}” is not one of ${classes.join(', ')}.`);
    const p = predictions[i];
    const cell = confusionIndex(classes.length, row, p === null || p === undefined ? null : classes.indexOf(p));
    matrix[cell] = (matrix[cell] as number) + 1;
  });
  return matrix;
}

/** MEGC recognition metrics; a null prediction (no ME found) counts as wrong for every class. */
export function evaluateClasses<C extends string>(predictions: readonly (C | null)[], truths: readonly C[], classes: readonly C[]): ClassScore {
  return classScoreFromConfusion(confusionMatrix(predictions, truths, classes), classes.length);
}
