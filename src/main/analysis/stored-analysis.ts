import { z } from 'zod';
import {
  AnalyzeReportSchema,
  ExpressionReportSchema,
  OVERLAY_KINDS,
  SpottingReportSchema,
  StoredAnalysisSchema,
  type AnalyzeReport,
  type ExpressionReport,
  type OverlayKind,
  type StoredFace,
} from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { REFERENCE_CROP } from '@shared/rois';
import type { LABELS3 } from '@shared/workspace';

/**
 * What one analysis row of a workspace holds (`analyses.result`), written by the store
 * side (app/analysis-store.ts) and read by everything that shows or exports it (review,
 * the export records, analysis.get): one schema, the pipeline's own report schemas. A
 * row this schema does not describe (written by another version, or by hand) reads as
 * null with the reason, never as half a result.
 */
export const StoredResultSchema = z.object({
  /** The expression this row analysed: ROI features, AUs, emotion, prompt and description. */
  expression: ExpressionReportSchema,
  spotting: SpottingReportSchema,
  subject: AnalyzeReportSchema.shape.subject,
  clip: AnalyzeReportSchema.shape.clip,
  overlays: z.array(z.enum(OVERLAY_KINDS)),
  /** The subject's face on the onset frame in frame pixels; only the run's primary expression keeps it. */
  face: StoredAnalysisSchema.shape.face,
});
export type StoredResult = z.infer<typeof StoredResultSchema>;

/** What the readers of an event's model evidence need: the spotting curve (one number per frame) is left unparsed. */
const StoredEvidenceSchema = StoredResultSchema.pick({ expression: true, face: true });
export type StoredEvidence = z.infer<typeof StoredEvidenceSchema>;

/** A stored row as read: the value, or null and why. */
export type StoredRead<T> = { readonly value: T; readonly reason: null } | { readonly value: null; readonly reason: string };

const ISSUES_NAMED = 3;

function read<T>(schema: z.ZodType<T>, raw: unknown): StoredRead<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: null, reason: 'the result is not an object' };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { value: parsed.data, reason: null };
  const issues = parsed.error.issues;
  const named = issues.slice(0, ISSUES_NAMED).map((issue) => `${issue.path.map(String).join('.') || '(result)'}: ${issue.message}`);
  const more = issues.length > ISSUES_NAMED ? ` (and ${issues.length - ISSUES_NAMED} more)` : '';
  return { value: null, reason: `${named.join('; ')}${more}` };
}

/** The whole row (analysis.get). A reason names the first fields that differ from this version's format. */
export function readStoredResult(raw: unknown): StoredRead<StoredResult> {
  return read(StoredResultSchema, raw);
}

/** The expression and face of a row (review, export): what the model said about the event. */
export function readStoredEvidence(raw: unknown): StoredRead<StoredEvidence> {
  return read(StoredEvidenceSchema, raw);
}

/** The row for one expression of a run, checked against the schema before it is written. */
export function storedResult(expression: ExpressionReport, report: Pick<AnalyzeReport, 'spotting' | 'subject' | 'clip'>, overlays: readonly OverlayKind[], face?: StoredFace): StoredResult {
  const row = { expression, spotting: report.spotting, subject: report.subject, clip: report.clip, overlays: [...overlays], ...(face ? { face } : {}) };
  const { value, reason } = read(StoredResultSchema, row);
  // The pipeline and the schema disagree: refuse to store what no reader could read back.
  if (!value) throw new AppError('INVALID_OUTPUT', `The analysis result does not match the stored analysis format (${reason}); nothing was stored.`);
  return value;
}

type Label3 = (typeof LABELS3)[number];

/** The model's reading of an event as review and export show it. */
export interface ModelReading {
  /** FACS string of the AUs the rules found, e.g. "1C+2B" (empty when none). */
  readonly aus: string;
  /** CASME II emotion word; null without a micro-expression. */
  readonly emotion: string | null;
  readonly label3: Label3 | null;
  readonly description: string;
}

export function modelReading(expression: ExpressionReport): ModelReading {
  const { emotion } = expression;
  return { aus: expression.facs, emotion: emotion.label, label3: emotion.label3 ? (emotion.label3.toLowerCase() as Label3) : null, description: expression.description };
}

/**
 * The face height the ROI features of `expression` are normalised by, in the same
 * reference-crop pixels (400 × 480) as their magnitudes: the stored landmarks' vertical
 * extent in frame pixels, scaled by the crop. Null when the row kept no face.
 */
export function storedFaceHeight(face: StoredFace | undefined): number | null {
  if (!face || face.landmarks.length === 0 || !(face.crop[3] > 0)) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const [, y] of face.landmarks) {
    min = Math.min(min, y);
    max = Math.max(max, y);
  }
  const height = ((max - min) * REFERENCE_CROP.height) / face.crop[3];
  return height > 0 && Number.isFinite(height) ? height : null;
}
