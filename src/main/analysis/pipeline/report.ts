import type { AnalyzeReport, ExpressionReport, PromptFormat, RoiReport } from '@shared/api/analysis';
import type { HeadMotion } from '../../inference/flow/expression';
import { facsString } from '../au-rules';
import type { AnalysisEvidence } from '../describer';
import type { ClassThresholds, SpottingResult } from '../spotting';

/** The analysis' evidence in the documented (CLI / stored) shape. */

export interface DescribedBy {
  readonly source: 'rules' | 'llm';
  readonly model: string;
  /** The language model's content fingerprint (the rules describer has none). */
  readonly content?: string | null;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function headMotionReport(head: HeadMotion): ExpressionReport['head_motion'] {
  return { model: head.model, tx: round3(head.tx), ty: round3(head.ty), rotation_deg: round3(head.rotationDeg), scale: round3(head.scale), residual_px: round3(head.residualPx) };
}

/** The prompt of an expression and what it was written from. */
export interface PromptReport {
  readonly rois: readonly RoiReport[];
  readonly text: string;
  readonly format: PromptFormat;
}

export function expressionReport(
  interval: { onset: number; apex: number; offset: number },
  evidence: AnalysisEvidence,
  prompt: PromptReport,
  head: ExpressionReport['head_motion'],
  description: string,
  by: DescribedBy,
): ExpressionReport {
  const { emotion } = evidence;
  return {
    onset: interval.onset,
    apex: interval.apex,
    offset: interval.offset,
    head_motion: head,
    rois: [...prompt.rois],
    aus: evidence.aus.map((a) => ({ code: `AU${a.au}`, side: a.side, intensity: a.intensity, confidence: round3(a.confidence) })),
    facs: facsString(evidence.aus),
    emotion: { label3: emotion.label, label: emotion.emotion, confidence: round3(emotion.confidence) },
    prompt: prompt.text,
    prompt_format: prompt.format,
    description,
    description_source: by.source,
    description_model: by.model,
    ...(by.content ? { description_model_content: by.content } : {}),
  };
}

/** What a clip without a micro-expression reports: no ROI motion, no AU, no emotion. */
export function noExpressionReport(description: string, format: PromptFormat): ExpressionReport {
  return {
    onset: 0,
    apex: 0,
    offset: 0,
    head_motion: null,
    rois: [],
    aus: [],
    facs: '',
    emotion: { label3: null, label: null, confidence: 0 },
    prompt: '',
    prompt_format: format,
    description,
    description_source: 'rules',
    description_model: 'describer',
  };
}

export function spottingReport(
  result: SpottingResult | null,
  primary: { onset: number; apex: number; offset: number } | null,
  userGiven: boolean,
  lag: number,
  rate: { readonly fps: number; readonly thresholds: ClassThresholds },
  readAsBlink: ReadonlyArray<{ readonly onset: number; readonly apex: number; readonly offset: number; readonly facs: string }> = [],
): AnalyzeReport['spotting'] {
  return {
    onset: primary?.onset ?? null,
    apex: primary?.apex ?? null,
    offset: primary?.offset ?? null,
    source: userGiven ? 'user' : primary ? 'spotting' : 'none',
    curve: result ? Array.from(result.faceSignal, round3) : [],
    threshold: result ? round3(result.threshold) : 0,
    curve_unit: result?.signalUnit === 'quiet-deviations' ? 'quiet_deviations' : 'face_height_percent',
    lag,
    intervals: (result?.intervals ?? []).map((iv) => ({
      onset: iv.onset,
      apex: iv.apex,
      offset: iv.offset,
      kind: iv.kind,
      strength: iv.strength,
      score: iv.score,
      duration_ms: iv.durationMs,
      offset_unclear: iv.offsetUnclear,
      ...(iv.facs !== undefined ? { facs: iv.facs } : {}),
    })),
    blinks: (result?.blinks ?? []).map((b) => ({ onset: b.onset, apex: b.apex, offset: b.offset })),
    confounders: (result?.confounders ?? []).map((c) => ({ cause: c.cause, onset: c.onset, apex: c.apex, offset: c.offset, reason: c.reason })),
    ...(readAsBlink.length ? { read_as_blink: readAsBlink.map((iv) => ({ onset: iv.onset, apex: iv.apex, offset: iv.offset, facs: iv.facs })) } : {}),
    capture_fps: rate.fps,
    class_thresholds: { microMaxMs: rate.thresholds.microMaxMs, microOnsetApexMaxMs: rate.thresholds.microOnsetApexMaxMs },
  };
}
