/**
 * Scores an AU rule table on cached ROI features (features.ts): macro AU F1 (≥ B), AU +
 * side F1, MEGC 3-class accuracy / UF1 / UAR, per-AU precision and recall, and how many
 * still faces get an AU. Shared by the fitting script and quick rule experiments.
 */
import { inferAus, type AuEvidence } from '../../src/main/analysis/au-rules';
import type { AuRule } from '../../src/main/analysis/au-table';
import { inferEmotion, THREE_CLASSES, type ThreeClass } from '../../src/main/analysis/emotion';
import { evaluateAus, evaluateClasses } from '../../src/main/corpus/evaluate/metrics';
import type { RoiFeature } from '../../src/main/analysis/roi-features';
import type { FitClip, FitFeature } from './features';

export type FeatureSource = 'exact' | 'oracle' | 'pipeline';

const SIDE_CODE = { B: 0, L: 1, R: 2 } as const;

/** The rules read only side, pixels and the mean vector: the cached subset stands in for a full feature. */
export const asFeatures = (features: readonly FitFeature[] | null): RoiFeature[] => (features ?? []) as unknown as RoiFeature[];

/** The face tilt the AU rules got for this source (caches older than `rolls` fall back to the true onset's). */
export const rollFor = (clip: FitClip, source: FeatureSource): number => (source === 'exact' ? clip.roll : (clip.rolls?.[source] ?? clip.roll));

export function predict(clip: FitClip, source: FeatureSource, rules: readonly AuRule[]): AuEvidence[] {
  return inferAus(asFeatures(clip[source]), rules, rollFor(clip, source));
}

export interface Score {
  readonly auF1: number;
  readonly sideF1: number;
  readonly accuracy: number;
  readonly uf1: number;
  readonly uar: number;
  readonly stillWithAu: number;
  readonly perAu: Record<number, { f1: number; precision: number; recall: number }>;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** `rules` may differ per clip (cross-validation folds): predictions are pooled before scoring. */
export function score(clips: readonly FitClip[], source: FeatureSource, rules: readonly AuRule[] | ((clip: FitClip) => readonly AuRule[])): Score {
  const rulesFor = typeof rules === 'function' ? rules : () => rules;
  const me = clips.filter((c) => c.kind === 'me');
  const still = clips.filter((c) => c.kind === 'still');
  const preds = me.map((c) => predict(c, source, rulesFor(c)));
  const aus = evaluateAus(preds.map((p) => p.map((a) => ({ au: a.au, intensity: a.intensity }))), me.map((c) => c.truth.aus.map((a) => ({ au: a.au, intensity: a.intensity }))));
  const sided = evaluateAus(
    preds.map((p) => p.map((a) => ({ au: a.au * 10 + SIDE_CODE[a.side], intensity: a.intensity }))),
    me.map((c) => c.truth.aus.map((a) => ({ au: a.au * 10 + SIDE_CODE[a.side], intensity: a.intensity }))),
  );
  const classes = evaluateClasses(preds.map((p) => inferEmotion(p).label), me.map((c) => c.truth.label as ThreeClass), THREE_CLASSES);
  const perAu: Score['perAu'] = {};
  for (const [au, s] of Object.entries(aus.perAu)) perAu[Number(au)] = { f1: r3(s.f1), precision: r3(s.precision), recall: r3(s.recall) };
  return {
    auF1: r3(aus.macroF1),
    sideF1: r3(sided.macroF1),
    accuracy: r3(classes.accuracy),
    uf1: r3(classes.uf1),
    uar: r3(classes.uar),
    stillWithAu: still.filter((c) => predict(c, source, rulesFor(c)).length > 0).length,
    perAu,
  };
}

export function formatScore(label: string, s: Score): string {
  const per = Object.entries(s.perAu).map(([au, v]) => `AU${au} ${v.f1.toFixed(2)} (P${v.precision.toFixed(2)} R${v.recall.toFixed(2)})`).join(', ');
  return `${label}: AU F1 ${s.auF1}, side F1 ${s.sideF1}, acc ${s.accuracy}, UF1 ${s.uf1}, UAR ${s.uar}, still with AU ${s.stillWithAu}\n  ${per}`;
}
