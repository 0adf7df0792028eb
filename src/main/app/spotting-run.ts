/**
 * A whole-recording spotting run between the pipeline's report and the store: what is
 * kept of it (the spotting report, its curve as float32, and what made it) and how it is
 * read back for `analysis.spottingRun`, checked against the report's own schema.
 */
import { basename } from 'node:path';
import { SpottingReportSchema, type AnalyzeReport, type SpottingRun } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import type { Clip } from '@shared/workspace';
import type { NewSpottingRun, SpottingRunRecord, WorkspaceStore } from '../store';
import type { AnalyzeTaskInput } from '../analysis/pipeline/task';

/** Who and what made a run, as the runner knows it. */
export interface SpottingRunMaker {
  readonly createdBy: string | null;
  readonly appVersion: string;
  readonly configKey: string | null;
  /** The settings the run depends on (capture rate, micro / macro thresholds, flow, language). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * Who and what makes a whole-clip run, from the task that spots it: the acting role (or the
 * annotator) and the settings the run depends on. The language model is named by its
 * folder's name only, so a stored run says which without a path of this machine.
 */
export function spottingRunMaker(
  workspace: Pick<WorkspaceStore, 'actingRole'>,
  annotator: string,
  clip: Pick<Clip, 'captureFps' | 'fps'>,
  task: Pick<AnalyzeTaskInput, 'classThresholds' | 'flow' | 'language' | 'promptFormat' | 'llmFolder'>,
  made: { readonly appVersion: string; readonly configKey: string | null },
): SpottingRunMaker {
  return {
    createdBy: workspace.actingRole ?? (annotator.trim() || null),
    ...made,
    settings: {
      captureFps: clip.captureFps,
      fps: clip.fps,
      classThresholds: task.classThresholds,
      flow: task.flow,
      language: task.language,
      promptFormat: task.promptFormat,
      llm: task.llmFolder ? basename(task.llmFolder) : null,
    },
  };
}

/** The run to store for a clip spotted whole: its report without the curve, the curve as float32. */
export function spottingRunOf(clipId: number, report: Pick<AnalyzeReport, 'spotting' | 'models'>, maker: SpottingRunMaker): NewSpottingRun {
  const { curve, ...rest } = report.spotting;
  return { clipId, ...maker, models: report.models, report: rest, curve: Float32Array.from(curve) };
}

/** The stored run as the channel returns it; WORKSPACE_INVALID when this version cannot read its report. */
export function readSpottingRun(record: SpottingRunRecord, currentKey: string): SpottingRun {
  // To a millionth of the curve's unit (far below what a timeline draws or a threshold tells apart): the float32 → double
  // widening's digits would double the JSON (18,000 values: 330 → 160 kB).
  const curve = Array.from(record.curve, (value) => Math.round(value * 1e6) / 1e6);
  const parsed = SpottingReportSchema.safeParse({ ...(record.report as object), curve });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue ? `${issue.path.map(String).join('.') || '(report)'}: ${issue.message}` : 'unknown';
    throw new AppError('WORKSPACE_INVALID', `The spotting run of clip ${record.clipId} cannot be read (${where}). Analyse the recording again.`);
  }
  return {
    clipId: record.clipId,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    appVersion: record.appVersion,
    current: record.configKey === currentKey,
    models: [...record.models],
    settings: { ...record.settings },
    spotting: parsed.data,
  };
}
