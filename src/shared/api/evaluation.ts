import { z } from 'zod';
import { channel } from './channel';

/**
 * The Evaluation view's call: the open workspace's analyses scored against a reference's
 * labels (main: app/evaluation.ts on corpus/evaluate, the same as `mellm evaluate`). The
 * answer is the headline of the report; `mellm evaluate --json` has all of it.
 */

const INTENSITY = z.enum(['A', 'B', 'C', 'D', 'E']);

export const EstimateSchema = z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
export type EvaluationEstimate = z.infer<typeof EstimateSchema>;

export const EVALUATION_FIGURES = ['auMacroF1', 'auSideMacroF1', 'megcUf1', 'megcUar', 'apexErrorFrames', 'onsetErrorFrames', 'spottingF1'] as const;

export const EvaluationSummarySchema = z.object({
  reference: z.string(),
  analysis: z.string(),
  labelled: z.number().int(),
  analysed: z.number().int(),
  /** Labelled events without an analysis, by id. */
  missingAnalysis: z.array(z.string()),
  unreadableAnalysis: z.number().int(),
  resamples: z.number().int(),
  seed: z.number().int(),
  /** Headline figures with their event counts and 95 % intervals (timing: medians). */
  figures: z.array(EstimateSchema.extend({ key: z.enum(EVALUATION_FIGURES), n: z.number().int() })),
  perAu: z.array(z.object({ au: z.number().int(), tp: z.number().int(), fp: z.number().int(), fn: z.number().int(), f1: EstimateSchema })),
  megcClasses: z.array(z.object({ label: z.string(), support: z.number().int(), predicted: z.number().int(), f1: z.number().nullable() })),
  /** Rows labelled class, columns predicted class then none. */
  megcConfusion: z.array(z.array(z.number().int())),
  /** How the label AUs were counted (uncertain labels, alternatives, `?` codes). */
  auCounts: z.object({ n: z.number().int(), uncertainLabels: z.number().int(), alternatives: z.number().int(), uncertainCodes: z.number().int() }),
});
export type EvaluationSummary = z.infer<typeof EvaluationSummarySchema>;

/**
 * Why an evaluation found nothing to score, for the window to word in its language: the
 * reference asked for, and whose labels the workspace does hold (at most a few names).
 */
export const NothingLabelledSchema = z.object({
  reason: z.literal('nothing-labelled'),
  reference: z.union([z.object({ kind: z.enum(['dataset', 'approved']) }), z.object({ kind: z.literal('annotator'), name: z.string() })]),
  annotators: z.array(z.string()),
});
export type NothingLabelled = z.infer<typeof NothingLabelledSchema>;

export const evaluationChannels = {
  'evaluation.run': channel(
    z
      .object({
        /** dataset, approved, or an annotator's name. */
        against: z.string().min(1).max(200).default('dataset'),
        /** latest, or the id of one analysis of the run to score. */
        analysis: z.string().min(1).max(20).default('latest'),
        predMin: INTENSITY.default('B'),
        labelMin: z.union([INTENSITY, z.literal('any')]).default('any'),
      })
      .strict(),
    EvaluationSummarySchema,
  ),
};
