import { z } from 'zod';
import { channel } from './channel';
import { PROMPT_FORMATS, type PromptFormat } from '../prompt-format';
import { LanguageSchema } from '../language';

/**
 * The end-to-end analysis of one clip: what `mellm analyze --json` prints, what is
 * stored as an analysis of an event, and what `analysis.get` returns. Frames are 0-based.
 * Field names are snake_case because this is also the documented CLI document.
 */

const frame = z.number().int().min(0);

/**
 * How the ROI statistics are written for a language model: `mellm` is the MELLM
 * reference's own text (what a fine-tuned MELLM checkpoint was trained on), `json` a
 * clean JSON-lines variant for display and tools.
 */
export const PromptFormatSchema = z.enum(PROMPT_FORMATS);
export { PROMPT_FORMATS, type PromptFormat };

/**
 * One ROI's expression flow as the MELLM reference measures it, unrounded: on the 400 × 480
 * reference crop, after head motion and the nose tip's 5 × 5 mean flow are taken out. The
 * `mellm` prompt line is a function of these numbers alone.
 */
export const RoiStatsSchema = z.object({
  /** Pixels in the ROI's box as the reference cuts it (0: the box lies outside the crop; the prompt skips it). */
  pixels: z.number().int().min(0),
  /** Mean and max flow magnitude, reference-crop pixels. */
  mean: z.number().min(0),
  max: z.number().min(0),
  /** |Σ flow| / Σ |flow|. */
  concentration: z.number().min(0),
  /** Direction of Σ flow in degrees [0, 360], counter-clockwise from right with y up. */
  angle: z.number().min(0).max(360),
});
export type RoiStats = z.infer<typeof RoiStatsSchema>;

export const RoiReportSchema = z.object({
  region: z.string(),
  /** Reference-crop pixels (400 × 480 face crop), 3 decimals, as in MELLM. */
  mean_magnitude: z.number(),
  max_magnitude: z.number(),
  /** "up (88°)", or "No significant motion detected" / "No clear dominant direction". */
  direction: z.string(),
  /** Degrees counter-clockwise from right (y up); null without a dominant direction. */
  angle: z.number().nullable(),
  /** What the fields above were written from; absent on analyses made before it was kept. */
  stats: RoiStatsSchema.optional(),
  /** Glasses or hair cover the region: its motion is theirs, not read (magnitudes 0, direction says so). */
  occluded: z.enum(['glasses', 'hair']).optional(),
  /**
   * An eyeglass frame covers the region and the AU evidence read it from the skin beside the
   * rim: just below the lens's rim (a cheek) or above it (a brow). Display only: the prompt's
   * ROI lines never carry it.
   */
  read_from: z.enum(['below-rim', 'above-rim']).optional(),
});
export type RoiReport = z.infer<typeof RoiReportSchema>;

export const AuReportSchema = z.object({
  code: z.string().regex(/^AU\d+$/),
  side: z.enum(['B', 'L', 'R']),
  intensity: z.enum(['A', 'B', 'C', 'D', 'E']),
  confidence: z.number().min(0).max(1),
});

export const EmotionReportSchema = z.object({
  /** MEGC 3-class label; null when no micro-expression is present. */
  label3: z.enum(['Positive', 'Negative', 'Surprise']).nullable(),
  /** CASME II emotion (happiness, disgust, repression, surprise, sadness, fear, others). */
  label: z.string().nullable(),
  confidence: z.number().min(0).max(1),
});

export const HeadMotionReportSchema = z.object({
  model: z.string(),
  tx: z.number(),
  ty: z.number(),
  rotation_deg: z.number(),
  scale: z.number(),
  residual_px: z.number(),
});

/** Expression classes by duration: micro-expressions are brief (MEGC ≤ 500 ms), macro-expressions longer. */
export const EXPRESSION_CLASSES = ['micro', 'macro'] as const;
export type ExpressionClass = (typeof EXPRESSION_CLASSES)[number];

/** The micro / macro boundaries in ms of real time (at the clip's capture rate). */
export const ClassThresholdsSchema = z
  .object({
    /** Micro when onset → offset is at most this long. */
    microMaxMs: z.number().int().min(40).max(5000),
    /** When the offset is unclear (the signal never returns before the clip ends): micro when onset → apex is at most this long. */
    microOnsetApexMaxMs: z.number().int().min(20).max(5000),
  })
  .strict()
  .refine((t) => t.microOnsetApexMaxMs <= t.microMaxMs, 'the onset → apex limit cannot exceed the onset → offset limit');
export type ClassThresholdsSetting = z.infer<typeof ClassThresholdsSchema>;
export const DEFAULT_CLASS_THRESHOLDS_SETTING: ClassThresholdsSetting = { microMaxMs: 500, microOnsetApexMaxMs: 250 };

export const SpottingReportSchema = z.object({
  onset: frame.nullable(),
  apex: frame.nullable(),
  offset: frame.nullable(),
  /** Where onset/apex came from: the user, automatic spotting, or nothing found. */
  source: z.enum(['user', 'spotting', 'none']),
  /** The cleaned face motion signal per frame (its threshold alongside). */
  curve: z.array(z.number()),
  threshold: z.number(),
  /** What the curve counts: % of the face height (clips; older analyses), or deviations from each region's quiet motion (recordings of 20 s or more). */
  curve_unit: z.enum(['face_height_percent', 'quiet_deviations']).optional(),
  /** Reference lag k (frames): the signal at t measures motion from t − k to t. */
  lag: z.number().int(),
  /** Every spotted interval (a long video has several). */
  intervals: z.array(
    z.object({
      onset: frame,
      apex: frame,
      offset: frame,
      /** The class by duration at `capture_fps` (micro also needs AU evidence to be offered: see ExpressionReport.kind). */
      kind: z.enum(EXPRESSION_CLASSES),
      strength: z.number(),
      /** 0–1, higher = more likely a real expression (motion over threshold and AU evidence, spotting.ts): orders a review queue; analyses stored before it read 0. */
      score: z.number().default(0),
      /** Onset → offset in ms at the capture rate; absent on analyses stored before it was recorded. */
      duration_ms: z.number().optional(),
      /** The offset is unclear (the signal never returned before the clip ended, or no echo was seen): classed by onset → apex. */
      offset_unclear: z.boolean().optional(),
      /** The AUs its analysis found (FACS text; empty: none survived the checks). Absent when it was not analysed. */
      facs: z.string().optional(),
    }),
  ),
  /** Blinks (AU45, the upper eyelids): reported apart, never offered as expressions. Absent on older analyses. */
  blinks: z.array(z.object({ onset: frame, apex: frame, offset: frame })).optional(),
  /**
   * Motion that is not an expression, found by its shape (motion-cause.ts): blinks, gaze
   * shifts (saccade) and speech, each with why. Never offered as expressions. Absent on older analyses.
   */
  confounders: z.array(z.object({ cause: z.enum(['blink', 'saccade', 'speech']), onset: frame, apex: frame, offset: frame, reason: z.string() })).optional(),
  /**
   * Spotted intervals whose analysis read a blink (AU45 with only its spill, peaking on a
   * spotted blink: blink-interval.ts), with the AUs read. Never offered, but listed apart so a
   * reviewer can look at a faint expression a blink crossed. Absent on older analyses.
   */
  read_as_blink: z.array(z.object({ onset: frame, apex: frame, offset: frame, facs: z.string() })).optional(),
  /** The frame rate durations and classes were read at (the clip's capture rate), and the thresholds. Absent on older analyses. */
  capture_fps: z.number().positive().optional(),
  class_thresholds: z.object({ microMaxMs: z.number(), microOnsetApexMaxMs: z.number() }).optional(),
});

/** One expression (onset → apex) analysed: the reference's features and our evidence. */
export const ExpressionReportSchema = z.object({
  onset: frame,
  apex: frame,
  offset: frame,
  head_motion: HeadMotionReportSchema.nullable(),
  rois: z.array(RoiReportSchema),
  aus: z.array(AuReportSchema),
  facs: z.string(),
  emotion: EmotionReportSchema,
  prompt: z.string(),
  /** The format `prompt` is written in; absent on analyses made before there were two (their prompt is `json`). */
  prompt_format: PromptFormatSchema.optional(),
  description: z.string(),
  description_source: z.enum(['rules', 'llm']),
  description_model: z.string(),
  /** The language model's content fingerprint (llm-identity.ts); absent for the rules describer and on analyses stored before it was recorded. */
  description_model_content: z.string().optional(),
  /**
   * The expression's class by duration at the capture rate, null when no AU evidence
   * survived the checks (nothing is offered); absent on analyses stored before classes.
   */
  kind: z.enum(EXPRESSION_CLASSES).nullable().optional(),
  /** Onset → offset in ms at the capture rate (absent on older analyses). */
  duration_ms: z.number().optional(),
});
export type ExpressionReport = z.infer<typeof ExpressionReportSchema>;

export const AnalyzeReportSchema = z
  .object({
    clip: z.object({
      path: z.string().optional(),
      frames: z.number().int().positive(),
      /** The container's rate. */
      fps: z.number().positive(),
      /** The rate the face was filmed at, which durations and classes use (absent on older analyses: the container's). */
      capture_fps: z.number().positive().optional(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
    subject: z.object({ face_index: z.number().int().min(0), faces: z.number().int().min(1), box: z.tuple([z.number(), z.number(), z.number(), z.number()]) }),
    spotting: SpottingReportSchema,
  })
  // The primary (strongest or user-given) expression, flattened as the CLI documents.
  .extend(ExpressionReportSchema.omit({ onset: true, apex: true, offset: true, description_model: true, description_model_content: true }).shape)
  .extend({
    /** Every expression analysed, the primary one first (long videos: one per spotted interval). */
    expressions: z.array(ExpressionReportSchema),
    models: z.array(z.object({ id: z.string(), version: z.string() })),
    timings: z.record(z.string(), z.number()),
  });
export type AnalyzeReport = z.infer<typeof AnalyzeReportSchema>;

export const OVERLAY_KINDS = ['colorwheel', 'mellm-hsv', 'magnitude', 'arrows'] as const;
export type OverlayKind = (typeof OVERLAY_KINDS)[number];

/**
 * The motion drawn at full colour on a flow overlay: the clip's largest motion (`auto`), or
 * a fixed number of flow pixels so that sub-pixel noise stays faint.
 */
export const FlowScaleSchema = z.union([z.literal('auto'), z.number().positive().max(100)]);
export type FlowScale = z.infer<typeof FlowScaleSchema>;
/** The scales the stage offers. */
export const FLOW_SCALES: readonly FlowScale[] = ['auto', 1, 2, 5];

export const StoredAnalysisSchema = z.object({
  id: z.number().int(),
  eventId: z.number().int(),
  createdAt: z.string(),
  models: z.array(z.object({ id: z.string(), version: z.string() })),
  timingsMs: z.record(z.string(), z.number()),
  expression: ExpressionReportSchema,
  spotting: SpottingReportSchema,
  /** Overlay image kinds servable by `analysis.overlay` for this analysis (empty when no flow was kept). */
  overlays: z.array(z.enum(OVERLAY_KINDS)),
  /**
   * The subject's face on the onset frame in frame pixels: the crop window the flow (and
   * its overlay images) cover, landmarks and ROI boxes. For drawing over the video; absent
   * on analyses stored before it existed or without a flow.
   */
  face: z
    .object({
      crop: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      landmarks: z.array(z.tuple([z.number(), z.number()])),
      rois: z.array(z.object({ region: z.string(), box: z.tuple([z.number(), z.number(), z.number(), z.number()]) })),
    })
    .optional(),
});
export type StoredFace = NonNullable<StoredAnalysis['face']>;
export type StoredAnalysis = z.infer<typeof StoredAnalysisSchema>;

/**
 * A clip's latest whole-recording spotting run, as `analysis.spottingRun` returns it: what
 * it offered (`spotting.intervals`, empty when nothing was), what it set aside (blinks,
 * gaze shifts, speech), its curve and threshold, and what made it. Independent of any
 * event: a run that offered nothing has one too.
 */
export const SpottingRunSchema = z.object({
  clipId: z.number().int().positive(),
  createdAt: z.string(),
  /** Who ran it (the acting profile, or a server's role); null when nobody was named. */
  createdBy: z.string().nullable(),
  appVersion: z.string(),
  /** Made under the current settings spotting depends on (app version, flow, micro / macro boundaries, capture rate): "Analyse all" does not spot the clip again. */
  current: z.boolean(),
  models: z.array(z.object({ id: z.string(), version: z.string() })),
  /** The settings that made it: capture rate, micro / macro thresholds, flow, language. */
  settings: z.record(z.string(), z.unknown()),
  spotting: SpottingReportSchema,
});
export type SpottingRun = z.infer<typeof SpottingRunSchema>;

const optionalFrame = frame.optional();

export const AnalysisRunInputSchema = z
  .object({
    clipPath: z.string().min(1).max(4096).optional(),
    clipId: z.number().int().positive().optional(),
    eventId: z.number().int().positive().optional(),
    onset: optionalFrame,
    apex: optionalFrame,
    offset: optionalFrame,
    /** A workspace file to open first (else the open workspace). */
    workspace: z.string().min(1).max(4096).optional(),
    /** The language the deterministic description is written in: the UI's (else the settings'). */
    language: LanguageSchema.optional(),
  })
  .strict()
  .refine((v) => (v.clipPath === undefined) !== (v.clipId === undefined) || v.eventId !== undefined, { message: 'Give clipPath, clipId or eventId' })
  .refine((v) => (v.onset === undefined) === (v.apex === undefined), { message: 'onset and apex go together' })
  .refine((v) => v.onset === undefined || v.apex === undefined || v.onset < v.apex, { message: 'onset must come before apex' })
  .refine((v) => v.offset === undefined || (v.apex !== undefined && v.apex <= v.offset), { message: 'offset needs an apex before it' });
export type AnalysisRunInput = z.infer<typeof AnalysisRunInputSchema>;

export const analysisChannels = {
  'analysis.run': channel(AnalysisRunInputSchema, z.object({ jobId: z.string() })),
  'analysis.get': channel(z.object({ eventId: z.number().int().positive() }).strict(), StoredAnalysisSchema.nullable()),
  'analysis.runAll': channel(
    z.object({ redo: z.boolean().optional(), language: LanguageSchema.optional() }).strict(),
    z.object({
      jobIds: z.array(z.string()),
      skipped: z.number().int().min(0),
      /** Which clip (and event) each job analyses, for the batch's per-clip outcomes. */
      items: z.array(z.object({ jobId: z.string(), clipId: z.number().int().positive(), eventId: z.number().int().positive().nullable() })).optional(),
    }),
  ),
  /** The clip's latest whole-recording spotting run (null: never spotted whole). */
  'analysis.spottingRun': channel(z.object({ clipId: z.number().int().positive() }).strict(), SpottingRunSchema.nullable()),
  /** What "Analyse all" would queue now: clips and events without an analysis under the current settings. */
  'analysis.pending': channel(z.object({}).strict(), z.object({ clips: z.number().int().min(0), events: z.number().int().min(0) })),
  'analysis.overlay': channel(
    z.object({ analysisId: z.number().int().positive(), kind: z.enum(OVERLAY_KINDS), scale: FlowScaleSchema.optional() }).strict(),
    z.object({
      width: z.number().int(),
      height: z.number().int(),
      png: z.string(),
      /** The legend's key (PNG): a disc drawn as the overlay draws motion from its centre, the rim at `scalePx`. */
      legendPng: z.string(),
      /** Flow pixels drawn at full colour (0: a still field at auto scale). */
      scalePx: z.number().min(0),
      /** The largest motion in the flow, px. */
      maxPx: z.number().min(0),
    }),
  ),
};
