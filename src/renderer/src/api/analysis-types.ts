/** Shapes of analysis results as the UI reads them (see api/analysis.ts for the channels). */
import type { Suggestion } from '../state/annotation';

export interface RoiBox {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The stored flow overlay images of one analysis and where they sit on the frame. */
export interface FlowOverlayRef {
  readonly analysisId: number;
  /** [x, y, w, h] in frame pixels: the face crop the flow was computed on. */
  readonly crop: readonly [number, number, number, number];
}

/** Onset / apex / offset the pipeline used (spotted, or the user's when given). */
export interface SpottedFrames {
  readonly onset: number | null;
  readonly apex: number | null;
  readonly offset: number | null;
  readonly source: 'user' | 'spotting' | 'none';
}

/** One spotted interval of the run, as the review queue lists it. */
export interface Candidate {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** Micro or macro by duration at the capture rate. */
  readonly kind: 'micro' | 'macro';
  /** 0–1: motion over threshold and the AU evidence (spotting.ts); the queue's order. */
  readonly score: number;
  /** Peak of the spotting signal over its threshold: the order among equal scores. */
  readonly strength: number;
  /** Onset → offset in ms at the capture rate; null on analyses stored before it was recorded. */
  readonly durationMs: number | null;
  /** The AUs its analysis found (null: not analysed; empty: none survived the checks). */
  readonly facs: string | null;
}

/**
 * Something spotted that is never offered as an expression: a blink (AU45), a gaze shift,
 * speech, or a spotted interval whose analysis read the blink it peaks on (`readAsBlink`:
 * listed so a reviewer can look at a faint expression the blink crossed).
 */
export interface NonExpression {
  readonly kind: 'blink' | 'saccade' | 'speech' | 'readAsBlink';
  /** Why it was classed so (the analysis's words), when the analysis recorded it. */
  readonly reason?: string;
  /** The AUs its analysis read (a `readAsBlink` interval). */
  readonly facs?: string;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
}

/**
 * A region the analysis did not read where it lies: an eyeglass frame or hair covers it
 * (not read), or the frame covers it and it was read from the skin beside the rim.
 */
export interface RoiNote {
  readonly region: string;
  readonly note: 'below-rim' | 'above-rim' | 'occluded-glasses' | 'occluded-hair';
}

/** The class of the analysed expression: null kind when no AU evidence survived (nothing is offered). */
export interface ExpressionClassView {
  readonly kind: 'micro' | 'macro' | null;
  readonly durationMs: number | null;
  /** The rate durations were read at (the clip's capture rate). */
  readonly captureFps: number | null;
}

export interface AnalysisView {
  readonly eventId: number;
  /** The stored analysis id (null for an on-demand face overlay without an analysis). */
  readonly analysisId?: number | null;
  readonly flowOverlay?: FlowOverlayRef | null;
  readonly spotted?: SpottedFrames | null;
  /** Who wrote the description: 'rules' (deterministic describer) or the LLM model id. */
  readonly describer?: string | null;
  /** The onset → apex flow model the analysis ran with (a generated preset or a learned model's id). */
  readonly flowModel?: string | null;
  /** Spotting motion per frame of the clip (any scale), for the timeline curve. */
  readonly motionCurve: readonly number[] | null;
  /** What the curve counts: % of the face height, or deviations from each region's quiet motion (recordings of 20 s or more). */
  readonly motionCurveUnit?: 'face' | 'deviations';
  /** The spotting threshold in the curve's unit (null when none was recorded). */
  readonly motionThreshold?: number | null;
  readonly landmarks: ReadonlyArray<readonly [number, number]> | null;
  readonly rois: readonly RoiBox[] | null;
  /** Regions read beside an eyeglass rim or not read under a cover, in the ROI order. */
  readonly roiNotes?: readonly RoiNote[];
  readonly suggestion: Suggestion | null;
  /** The run's spotted intervals (a long recording's review queue). */
  readonly candidates?: readonly Candidate[];
  readonly nonExpressions?: readonly NonExpression[];
  readonly expressionClass?: ExpressionClassView | null;
}

/** A recording's latest whole-recording spotting run, as the queue, the set-aside list and the timeline read it. */
export interface SpottingRunView {
  readonly clipId: number;
  readonly createdAt: string;
  /** Made under the current settings ("Analyse all" does not spot the clip again). */
  readonly current: boolean;
  /** What it offered, by the pipeline's order (the queue sorts by score); empty when nothing was. */
  readonly candidates: readonly Candidate[];
  readonly nonExpressions: readonly NonExpression[];
  readonly curve: readonly number[] | null;
  readonly curveUnit: 'face' | 'deviations';
  readonly threshold: number | null;
  /** The rate durations were read at. */
  readonly captureFps: number | null;
}

/** The llm stage's `llm.token` event. */
export interface LlmToken {
  readonly requestId: string;
  readonly delta: string;
}

/** Face landmarks and ROIs found on one frame, drawn as the stage's overlays. */
export interface FaceOverlay {
  readonly frame: number;
  readonly status: 'ok' | 'no-face' | 'multiple-faces';
  readonly landmarks: ReadonlyArray<readonly [number, number]>;
  readonly rois: readonly RoiBox[];
}
