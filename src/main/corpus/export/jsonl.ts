import { DEFAULT_PROMPT_FORMAT, type PromptFormat } from '@shared/prompt-format';
import { EXPORT_SKIP_REASONS } from '@shared/api/export';
import { AppError } from '@shared/errors';
import { labelAnswer } from '../../analysis/label-answer';
import { buildPrompt, type PromptRoi } from '../../analysis/prompt';
import { auSetFromFacs, type FacsParser } from '../agreement/au-sets';
import type { AuSet } from '../agreement/types';
import { timingFps, type ExportRecord, type Label3, type RoiFeature } from './records';

/**
 * The instruction JSONL: one MELLM training example per label of an event, the prompt
 * rebuilt from the event's stored ROI features in the chosen prompt format, the answer
 * the label written as the three sections the MELLM prompt asks for (label-answer.ts).
 */

/** One MELLM instruction-tuning example: the ROI prompt and the label as the answer. */
export interface InstructionRecord {
  readonly prompt: string;
  readonly response: string;
  /** Which prompt text `prompt` is (a checkpoint must be fed the format it was trained on). */
  readonly promptFormat: PromptFormat;
  readonly dataset: string;
  readonly subject: string;
  readonly clip: string;
  readonly event: string;
  readonly annotator: string;
  /** The label's FACS text as the coder wrote it. */
  readonly aus: string;
  readonly label: Label3;
  /** The event's class by duration at `capture_fps`, and that duration. */
  readonly class: 'micro' | 'macro' | null;
  readonly duration_ms: number | null;
  /** The rate the clip was filmed at, which the class and duration are read at. */
  readonly capture_fps: number;
}

/** Why a file leaves a label out (the API's list, so the app can say it in its language). */
export const SKIP_REASONS = EXPORT_SKIP_REASONS;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkipCount {
  readonly reason: SkipReason;
  readonly count: number;
  /** The first record's detail (why its analysis or AU code cannot be read). */
  readonly example?: string;
}

export interface InstructionOptions {
  readonly promptFormat?: PromptFormat;
  /** Reads the label's FACS text into AUs (the shared FACS grammar when absent). */
  readonly parseFacs?: FacsParser;
}

const CAPITAL: Readonly<Record<Label3, 'Negative' | 'Positive' | 'Surprise'>> = { negative: 'Negative', positive: 'Positive', surprise: 'Surprise' };

export type InstructionOutcome = { readonly example: InstructionRecord } | { readonly skipped: SkipReason; readonly detail?: string };

/**
 * A label becomes an example when its event has ROI features (an analysis this version
 * can read), a reviewer has not rejected or sent it back, it has a 3-class label, and its
 * AU code can be read.
 */
export function instructionRecord(record: ExportRecord, options: InstructionOptions = {}): InstructionOutcome {
  if (!record.roiFeatures?.length) {
    return record.analysisUnreadable ? { skipped: 'analysis-unreadable', detail: record.analysisUnreadable } : { skipped: 'no-analysis' };
  }
  if (record.review === 'rejected' || record.review === 'needs-changes') return { skipped: 'rejected-in-review' };
  if (!record.label3) return { skipped: 'no-label3' };
  let aus: AuSet | null;
  try {
    aus = options.parseFacs ? auSetFromFacs(record.aus, options.parseFacs) : auSetFromFacs(record.aus);
  } catch (error) {
    return { skipped: 'aus-unreadable', detail: AppError.from(error).message };
  }
  // A coder who wrote `?` did not determine the AUs: there is no answer to train on.
  if (aus === null) return { skipped: 'aus-unreadable', detail: `AU coding uncertain (${record.aus})` };
  const promptFormat = options.promptFormat ?? DEFAULT_PROMPT_FORMAT;
  let prompt: string;
  try {
    prompt = buildPrompt(record.roiFeatures.map(promptRoi), promptFormat);
  } catch (error) {
    // An analysis stored before the reference statistics were kept can give a json prompt only.
    return { skipped: 'analysis-unreadable', detail: AppError.from(error).message };
  }
  const response = labelAnswer({ facs: record.aus, aus, emotion: record.emotion, label: CAPITAL[record.label3], description: record.description }, record.roiFeatures);
  return {
    example: {
      prompt,
      response,
      promptFormat,
      dataset: record.dataset,
      subject: record.subject,
      clip: record.clipName,
      event: record.eventId,
      annotator: record.annotator,
      aus: record.aus,
      label: record.label3,
      class: record.expressionClass ?? null,
      duration_ms: record.durationMs ?? null,
      capture_fps: timingFps(record),
    },
  };
}

/** What a JSONL pass wrote and what it left out, filled in as the lines are written. */
export class InstructionTally {
  written = 0;
  readonly #skipped = new Map<SkipReason, { count: number; example?: string }>();

  skip(reason: SkipReason, detail?: string): void {
    const entry = this.#skipped.get(reason);
    if (entry) entry.count += 1;
    else this.#skipped.set(reason, { count: 1, ...(detail ? { example: detail } : {}) });
  }

  /** Counts by reason, in SKIP_REASONS order. */
  get skipped(): SkipCount[] {
    return SKIP_REASONS.flatMap((reason) => {
      const entry = this.#skipped.get(reason);
      return entry ? [{ reason, ...entry }] : [];
    });
  }
}

/** JSON Lines: JSON.stringify escapes newlines and quotes, so each example is one line. */
export function* instructionJsonl(records: readonly ExportRecord[], options: InstructionOptions = {}, tally = new InstructionTally()): Generator<string> {
  for (const record of records) {
    const outcome = instructionRecord(record, options);
    if ('skipped' in outcome) {
      tally.skip(outcome.skipped, outcome.detail);
      continue;
    }
    tally.written += 1;
    yield `${JSON.stringify(outcome.example)}\n`;
  }
}

const SKIP_TEXT: Readonly<Record<SkipReason, (count: number) => string>> = {
  'no-analysis': (n) => `${n} without an analysis of their event`,
  'analysis-unreadable': (n) => `${n} whose event's analysis cannot be read`,
  'rejected-in-review': (n) => `${n} rejected or sent back in review`,
  'no-label3': (n) => `${n} without a 3-class label (negative, positive, surprise)`,
  'aus-unreadable': (n) => `${n} whose AU code cannot be read`,
  'no-motion': (n) => `${n} without per-frame motion of their event (stored when the clip is analysed)`,
};

/** "6 labels, 6 without an analysis of their event": what a file left out, in words. */
export function describeSkips(labels: number, skipped: readonly SkipCount[]): string {
  const parts = skipped.map((skip) => `${SKIP_TEXT[skip.reason](skip.count)}${skip.example ? ` (${skip.example})` : ''}`);
  return [`${labels} label${labels === 1 ? '' : 's'}`, ...parts].join(', ');
}

/** An export record's ROI feature as the prompt builder reads a stored ROI report. */
export function promptRoi(feature: RoiFeature): PromptRoi {
  return {
    region: feature.region,
    mean_magnitude: feature.meanMagnitude,
    max_magnitude: feature.maxMagnitude,
    direction: feature.direction,
    angle: feature.angle ?? null,
    ...(feature.stats ? { stats: feature.stats } : {}),
  };
}
