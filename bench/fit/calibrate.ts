/**
 * The fitting of the AU rule table's free numbers on cached ROI features of a training
 * set (see fit-au-rules.ts for what is fitted and why).
 */
import { inferAus } from '../../src/main/analysis/au-rules';
import { FACS_RULES, INTENSITY_LEVELS, UNILATERAL_RATIO, withCalibration, type AuCalibration, type AuRule } from '../../src/main/analysis/au-table';
import { auPresent } from '../../src/main/corpus/evaluate/metrics';
import type { FitClip } from './features';
import { asFeatures, rollFor, score, type FeatureSource, type Score } from './score';

const B: number = INTENSITY_LEVELS[1].min;
const WEIGHT_STEPS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];

interface Sample {
  readonly left: number;
  readonly right: number;
  readonly truth: 'L' | 'R' | 'B' | null;
}

/** Raw per-side evidence of one rule on every ME clip (the threshold set to ~0 so nothing is cut). */
function samples(clips: readonly FitClip[], source: FeatureSource, rule: AuRule): Sample[] {
  const open: AuRule = { ...rule, thresholdScale: 1e-9 };
  return clips.map((clip) => {
    const found = inferAus(asFeatures(clip[source]), [open], rollFor(clip, source))[0];
    const truth = clip.truth.aus.find((a) => a.au === rule.au && auPresent(a));
    return { left: found?.left ?? 0, right: found?.right ?? 0, truth: truth ? truth.side : null };
  });
}

/** The threshold (evidence units) with the best F1; the middle of the best run of candidates. */
function bestThreshold(data: readonly Sample[]): { threshold: number; f1: number } {
  const positives = data.filter((d) => d.truth).length;
  const values = [...new Set(data.map((d) => Math.max(d.left, d.right)).filter((v) => v > 0))].sort((a, b) => a - b);
  const candidates = values.map((v, i) => (i === 0 ? v * 0.999 : (v + (values[i - 1] as number)) / 2));
  let best = { threshold: B, f1: -1 };
  let run: number[] = [];
  for (const t of candidates) {
    const detected = data.filter((d) => Math.max(d.left, d.right) >= t);
    const tp = detected.filter((d) => d.truth).length;
    const fp = detected.length - tp;
    const f1 = (2 * tp) / (2 * tp + fp + (positives - tp));
    if (f1 > best.f1 + 1e-9) {
      best = { threshold: t, f1 };
      run = [t];
    } else if (Math.abs(f1 - best.f1) <= 1e-9 && run.length) run.push(t);
    else if (run.length) {
      best = { ...best, threshold: run[Math.floor(run.length / 2)] as number };
      run = [];
    }
  }
  if (run.length) best = { ...best, threshold: run[Math.floor(run.length / 2)] as number };
  return best;
}

/** Side ratio maximising correct L/R/B calls among the detected, truly present samples. */
function bestRatio(data: readonly Sample[], threshold: number): number {
  let best = { ratio: UNILATERAL_RATIO, correct: -1 };
  for (let ratio = 0.2; ratio <= 0.9001; ratio += 0.05) {
    let correct = 0;
    for (const d of data) {
      const strong = Math.max(d.left, d.right);
      if (!d.truth || strong < threshold) continue;
      const side = Math.min(d.left, d.right) / strong >= ratio ? 'B' : d.right > d.left ? 'R' : 'L';
      if (side === d.truth) correct += 1;
    }
    if (correct > best.correct) best = { ratio: Math.round(ratio * 100) / 100, correct };
  }
  return best.ratio;
}

const withWeights = (rule: AuRule, weights: readonly number[]): AuRule => ({ ...rule, cues: rule.cues.map((c, i) => ({ ...c, weight: weights[i] as number })) });

export interface FitOptions {
  /** Also search the core/against cue weights (more freedom, more over-fitting). */
  readonly weights: boolean;
  /**
   * 0 = the measured response (or one shared scale), 1 = each AU its own best-F1 scale;
   * in between, the per-AU scale is pulled towards the former (geometric blend): few
   * examples per AU make per-AU thresholds noisy.
   */
  readonly perAu: number;
  /** Scale each AU's thresholds by the estimator's measured response to it (measuredResponse). */
  readonly response: boolean;
  /** No scale below this (the levels' noise floor is TRACE_FLOOR in au-table.ts). */
  readonly floor: number;
}

/**
 * Each AU's thresholds scale with the estimator's measured response to it (measuredResponse):
 * an intensity letter then means the same motion whatever the AU. The alternatives maximise
 * presence F1 and bend the letters: the one scale with the best macro F1 sits on a flat,
 * jagged optimum (0.65–0.9 within noise on two pooled training seeds), and each AU's own
 * best-F1 scale (`perAu: 1`, AU F1 0.887 vs 0.875 out of identity) slides thresholds down
 * wherever the synthetic set has no confounders (AU12 to the 0.5 floor though the flow reads
 * 85 % of it), so the letter matches the truth on 59 % of detected AUs (shared scale 70 %, response 73 %).
 */
export const DEFAULT_FIT: FitOptions = { weights: false, perAu: 0, response: true, floor: 0.5 };

const scaleAll = (table: readonly AuRule[], k: number): AuRule[] => table.map((r) => ({ ...r, thresholdScale: (r.thresholdScale ?? 1) * k }));

/** The one threshold scale (0.3–1.5) with the best macro AU F1. */
function sharedScale(clips: readonly FitClip[], source: FeatureSource, table: readonly AuRule[]): number {
  let best = { k: 1, f1: -1 };
  for (let k = 0.3; k <= 1.5001; k += 0.05) {
    const { auF1 } = score(clips, source, scaleAll(table, k));
    if (auF1 > best.f1 + 1e-9) best = { k: Math.round(k * 100) / 100, f1: auF1 };
  }
  return best.k;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : 1;
};

/**
 * Per AU, how much of its motion the estimator reads: the median of `source` / exact-flow
 * evidence over the training MEs showing it at ≥ B, on lossless frames (compression
 * belongs to the clip, not the region). Most AUs read 0.85–0.97; the thin eyelids (AU5,
 * AU7) ~0.72.
 */
export function measuredResponse(clips: readonly FitClip[], source: FeatureSource, table: readonly AuRule[]): Map<number, number> {
  const open = table.map((r) => ({ ...r, thresholdScale: 1e-9 }));
  const ratios = new Map<number, number[]>();
  for (const clip of clips) {
    if (clip.kind !== 'me' || clip.degraded || !clip[source]) continue;
    const exact = new Map(inferAus(asFeatures(clip.exact), open, clip.roll).map((a) => [a.au, a.evidence]));
    const read = new Map(inferAus(asFeatures(clip[source]), open, rollFor(clip, source)).map((a) => [a.au, a.evidence]));
    for (const truth of clip.truth.aus.filter((a) => auPresent(a))) {
      const reference = exact.get(truth.au) ?? 0;
      if (reference >= B) ratios.set(truth.au, [...(ratios.get(truth.au) ?? []), (read.get(truth.au) ?? 0) / reference]);
    }
  }
  return new Map([...ratios].map(([au, r]) => [au, median(r)]));
}

/** Per AU: (optionally) cue weights by coordinate search, then threshold scale and side ratio. */
export function fitCalibration(clips: readonly FitClip[], source: FeatureSource, table: readonly AuRule[] = FACS_RULES, options: FitOptions = DEFAULT_FIT): AuCalibration {
  const me = clips.filter((c) => c.kind === 'me');
  // Measured response, or the one scale with the best macro F1 (a flat, jagged optimum).
  const response = options.response ? measuredResponse(clips, source, table) : null;
  const shared = response ? 1 : sharedScale(clips, source, table);
  const responseOf = (au: number): number => response?.get(au) ?? 1;
  const out: Record<number, AuCalibration[number]> = {};
  for (const rule of table) {
    if (rule.au === 45) continue; // the synth set has no blinks to fit on
    let weights = rule.cues.map((c) => c.weight);
    let best = bestThreshold(samples(me, source, rule)).f1;
    for (let pass = 0; pass < (options.weights ? 2 : 0); pass += 1) {
      rule.cues.forEach((cue, i) => {
        if (cue.role === 'support') return;
        for (const step of WEIGHT_STEPS) {
          const trial = weights.map((w, j) => (j === i ? (rule.cues[j]?.weight as number) * step : w));
          if (cue.role === 'core' && trial.every((w, j) => rule.cues[j]?.role !== 'core' || w === 0)) continue;
          const f1 = bestThreshold(samples(me, source, withWeights(rule, trial))).f1;
          if (f1 > best + 0.003) [best, weights] = [f1, trial];
        }
      });
    }
    const data = samples(me, source, withWeights(rule, weights));
    const own = bestThreshold(data).threshold / (B * (rule.thresholdScale ?? 1));
    const scale = Math.max(options.floor, (shared * responseOf(rule.au)) ** (1 - options.perAu) * own ** options.perAu);
    out[rule.au] = {
      thresholdScale: Math.round(scale * 1000) / 1000,
      ...(rule.lateral ? { unilateralRatio: bestRatio(data, scale * B) } : {}),
      ...(options.weights ? { weights: weights.map((w) => Math.round(w * 1000) / 1000) } : {}),
    };
  }
  return out;
}

/** Leave-one-identity-out: fit on five faces, predict the sixth, score all predictions together. */
export function leaveIdentityOut(clips: readonly FitClip[], source: FeatureSource, evalSource: FeatureSource, table: readonly AuRule[] = FACS_RULES, options: FitOptions = DEFAULT_FIT): Score {
  const folds = [...new Set(clips.map((c) => c.identity))];
  const byFold = new Map(folds.map((id) => [id, withCalibration(table, fitCalibration(clips.filter((c) => c.identity !== id), source, table, options))]));
  return score(clips, evalSource, (clip) => byFold.get(clip.identity) ?? table);
}
