import type { FacsIntensity } from '@shared/facs';

/**
 * The plain records an evaluation works on: each labelled event with the analysis it is
 * scored by (or none). app/evaluation.ts reads them from a workspace; the bench builds
 * them from its own ground truth.
 */

/** One labelled event as the reference (dataset sheet, an annotator, or approved labels) gives it. Frames are 0-based project frames. */
export interface EvaluationLabel {
  readonly eventId: string;
  /** The clip the event lies in: spotting matches intervals within a clip. */
  readonly clipId: string;
  readonly dataset: string;
  readonly subject: string;
  readonly fps: number;
  readonly onset: number;
  /** Null when the label gives no apex (imported as "/"). */
  readonly apex: number | null;
  readonly offset: number;
  /** The label's FACS text as written (`R12+14?`, `1 or 2`, `?`). */
  readonly aus: string;
  /** The label's emotion word (the dataset's own vocabulary). */
  readonly emotion: string | null;
  /** A 3-class label given directly (annotators), used when the emotion word has no MEGC class. */
  readonly label3?: string | null;
}

/** What the model said about one event: the part of a stored analysis the metrics score. */
export interface EvaluationPrediction {
  readonly analysisId: string;
  readonly aus: readonly { readonly au: number; readonly side: 'B' | 'L' | 'R'; readonly intensity: FacsIntensity }[];
  /** MEGC 3-class; null when no micro-expression was found. */
  readonly label3: 'Positive' | 'Negative' | 'Surprise' | null;
  /** The model's CASME II emotion word. */
  readonly emotion: string | null;
  /** Where onset/apex came from: the label's frames (`user`), spotting, or nothing found. */
  readonly source: 'user' | 'spotting' | 'none';
  readonly onset: number | null;
  readonly apex: number | null;
  /** Every interval spotting found in the clip. */
  readonly intervals: readonly { readonly onset: number; readonly apex: number; readonly offset: number }[];
}

export interface EvaluationCase {
  readonly label: EvaluationLabel;
  readonly prediction: EvaluationPrediction | null;
  /** Why the event's analysis could not be read (then `prediction` is null). */
  readonly unreadable?: string | null;
}

export type LabelMin = 'any' | FacsIntensity;
export const GROUP_BY = ['subject', 'dataset', 'emotion'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface EvaluationOptions {
  /** A predicted AU counts from this intensity (default B: A is a trace). */
  readonly predMin?: FacsIntensity;
  /** A labelled AU counts from this intensity (default any: CASME II codes carry none). */
  readonly labelMin?: LabelMin;
  readonly resamples?: number;
  readonly seed?: number;
  readonly by?: GroupBy | null;
}

/** A figure with its bootstrap 95 % interval (null bounds: too few events to resample). */
export interface Estimate {
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface AuFigure {
  readonly au: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: Estimate;
}

export interface AuSection {
  /** Events whose AUs were scored. */
  readonly n: number;
  /** Events whose label reads `?` (the coder could not tell): left out. */
  readonly uncertainLabels: number;
  /** Events whose label offers alternatives (`12 or 14`): scored on the first reading. */
  readonly alternatives: number;
  /** Codes marked `12?`: scored as present. */
  readonly uncertainCodes: number;
  /** Labels the FACS grammar cannot read: left out, with their event ids. */
  readonly unreadableLabels: readonly string[];
  readonly macroF1: Estimate;
  readonly sideMacroF1: Estimate;
  readonly perAu: readonly AuFigure[];
  /** How labels were counted, in words (for the report's reader). */
  readonly rule: string;
}

export interface ClassFigure {
  readonly label: string;
  /** Labelled events of this class. */
  readonly support: number;
  /** Events the model put in this class. */
  readonly predicted: number;
  /** Null for a class with no event and no prediction: it is not in the mean. */
  readonly f1: number | null;
  readonly recall: number | null;
}

export interface ClassSection {
  readonly name: string;
  readonly n: number;
  /** Labelled events whose emotion has no class in this scheme (MEGC: others). */
  readonly excluded: number;
  readonly classes: readonly ClassFigure[];
  readonly uf1: Estimate;
  readonly uar: Estimate;
  readonly accuracy: number;
  /** Rows: true class (classes' order); columns: predicted class, then "none". */
  readonly confusion: readonly (readonly number[])[];
}

export interface QuantileFigure {
  readonly n: number;
  readonly median: Estimate;
  readonly p90: Estimate;
}

/**
 * Signed errors (predicted − labelled, in frames) binned one frame wide over
 * [−HISTOGRAM_RANGE, HISTOGRAM_RANGE]: a fixed 2·range + 1 bins whatever the number of
 * events; an error beyond the range is counted in the end bin on its side.
 */
export interface ErrorHistogram {
  /** The error of the first bin (−range); bin i holds the events with error `from + i`. */
  readonly from: number;
  readonly counts: readonly number[];
  /** Of the first / last bin's count, the errors beyond the range clamped into it. */
  readonly below: number;
  readonly above: number;
}

export interface TimingSection {
  /** Events analysed with spotting, scored here (apex error only where the label gives an apex). */
  readonly spotted: number;
  /** Events analysed at the label's own onset/apex: no timing to score. */
  readonly givenFrames: number;
  /** Events where spotting found nothing (counted as misses, not errors). */
  readonly notFound: number;
  readonly apexFrames: QuantileFigure;
  readonly onsetFrames: QuantileFigure;
  readonly apexMs: QuantileFigure;
  readonly onsetMs: QuantileFigure;
  /** Signed apex error (events whose label gives an apex) and onset error, binned for the report's histograms. */
  readonly apexHistogram: ErrorHistogram;
  readonly onsetHistogram: ErrorHistogram;
}

export interface SpottingSection {
  /** Clips analysed with spotting. */
  readonly clips: number;
  readonly truths: number;
  readonly proposals: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: Estimate;
  readonly recall: Estimate;
  readonly f1: Estimate;
}

export interface EvaluationFigures {
  readonly labelled: number;
  readonly analysed: number;
  /** Labelled events without an analysis, by event id. */
  readonly missingAnalysis: readonly string[];
  /** Events whose analysis could not be read, with why. */
  readonly unreadableAnalysis: readonly { readonly eventId: string; readonly reason: string }[];
  readonly aus: AuSection;
  readonly megc: ClassSection;
  /** The datasets' own classes, one section per dataset with a protocol (CASME II 5-class …). */
  readonly datasetClasses: readonly ClassSection[];
  readonly timing: TimingSection;
  readonly spotting: SpottingSection;
}

export interface EvaluationReport extends EvaluationFigures {
  readonly settings: { readonly predMin: FacsIntensity; readonly labelMin: LabelMin; readonly resamples: number; readonly seed: number; readonly iou: number; readonly by: GroupBy | null };
  readonly groups: readonly ({ readonly key: string } & EvaluationFigures)[];
}
