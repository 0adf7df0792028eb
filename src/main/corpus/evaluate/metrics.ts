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

/** Macro AU F1 over samples: per AU, TP/FP/FN across samples; `aus` limits the AUs scored. */
export function evaluateAus(predictions: readonly (readonly AuLabel[])[], truths: readonly (readonly AuLabel[])[], aus?: readonly number[]): AuScore {
  if (predictions.length !== truths.length) throw new AppError('INVALID_INPUT', `AU evaluation needs one prediction per sample (${predictions.length} vs ${truths.length}).`);
  const present = (labels: readonly AuLabel[]): Set<number> => new Set(labels.filter((l) => auPresent(l)).map((l) => l.au));
  const predSets = predictions.map(present);
  const truthSets = truths.map(present);
  const scored = aus ?? [...new Set([...predSets, ...truthSets].flatMap((s) => [...s]))].sort((a, b) => a - b);
  const perAu: Record<number, DetectionScore> = {};
  for (const au of scored) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    predSets.forEach((pred, i) => {
      const truth = truthSets[i] as Set<number>;
      if (pred.has(au) && truth.has(au)) tp += 1;
      else if (pred.has(au)) fp += 1;
      else if (truth.has(au)) fn += 1;
    });
    if (tp + fp + fn > 0) perAu[au] = detection(tp, fp, fn);
  }
  const f1s = Object.values(perAu).map((s) => s.f1);
  return { macroF1: f1s.length ? f1s.reduce((s, f) => s + f, 0) / f1s.length : 0, perAu };
}

export interface ClassScore {
  readonly accuracy: number;
  /** Unweighted F1: mean over classes of 2TP / (2TP + FP + FN) (MEGC). */
  readonly uf1: number;
  /** Unweighted average recall: mean over classes present in the truth of TP / N. */
  readonly uar: number;
  readonly samples: number;
}

/** MEGC recognition metrics; a null prediction (no ME found) counts as wrong for every class. */
export function evaluateClasses<C extends string>(predictions: readonly (C | null)[], truths: readonly C[], classes: readonly C[]): ClassScore {
  if (predictions.length !== truths.length) throw new AppError('INVALID_INPUT', `Class evaluation needs one prediction per sample (${predictions.length} vs ${truths.length}).`);
  let correct = 0;
  const f1s: number[] = [];
  const recalls: number[] = [];
  truths.forEach((t, i) => {
    if (predictions[i] === t) correct += 1;
  });
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truths.forEach((t, i) => {
      const p = predictions[i];
      if (p === c && t === c) tp += 1;
      else if (p === c) fp += 1;
      else if (t === c) fn += 1;
    });
    if (tp + fp + fn > 0) f1s.push((2 * tp) / (2 * tp + fp + fn));
    if (tp + fn > 0) recalls.push(tp / (tp + fn));
  }
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  return { accuracy: truths.length ? correct / truths.length : 0, uf1: mean(f1s), uar: mean(recalls), samples: truths.length };
}
