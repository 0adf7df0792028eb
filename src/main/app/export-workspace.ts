import type { ExportFormat } from '@shared/api/export';
import { AppError } from '@shared/errors';
import type { Language } from '@shared/language';
import type { PromptFormat } from '@shared/prompt-format';
import type { WorkspaceStore } from '../store';
import { EXPORT_FILE_NAMES, exportCorpus, resolveOutputPath, type ExportResult } from '../corpus/export';
import type { ClassThresholds } from '../analysis/spotting';
import { recordsFromStore } from './records-from-store';

export interface WorkspaceExportRequest {
  readonly formats: readonly ExportFormat[];
  readonly folder: string;
  readonly onlyApproved?: boolean;
  readonly anonymise?: boolean;
  readonly includeImages?: boolean;
  readonly force?: boolean;
  /** The prompt text of the instruction JSONL (default mellm). */
  readonly promptFormat?: PromptFormat;
  /** The micro / macro boundaries events are classed by (Settings; default 500 / 250 ms). */
  readonly classThresholds?: ClassThresholds;
  /** The session report's language: the window's (default en). */
  readonly language?: Language;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Exports the workspace's labels in the chosen formats. The session report also lists
 * unlabelled ME candidates (every spotted event with its decision or none); the other
 * formats carry labels only. Every target file is checked before anything is written.
 */
export async function exportWorkspace(ws: WorkspaceStore, request: WorkspaceExportRequest): Promise<ExportResult> {
  const formats = [...new Set(request.formats)];
  if (!formats.length) throw new AppError('INVALID_INPUT', 'Choose at least one export format.');
  const labelFormats = formats.filter((format) => format !== 'report');
  const withReport = labelFormats.length < formats.length;
  const options = {
    folder: request.folder,
    onlyApproved: request.onlyApproved ?? false,
    anonymise: request.anonymise ?? false,
    includeImages: request.includeImages ?? false,
    force: request.force ?? false,
    ...(request.promptFormat ? { promptFormat: request.promptFormat } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  };
  // The report is a second writer pass: refuse its target up front, before the first pass writes.
  if (withReport && labelFormats.length) await resolveOutputPath(request.folder, EXPORT_FILE_NAMES.report, options.force);
  const classes = request.classThresholds ? { classThresholds: request.classThresholds } : {};
  const steps = (labelFormats.length ? 1 : 0) + (withReport ? 1 : 0);
  let step = 0;
  const progress = (done: number, total: number) => request.onProgress?.(step * 100 + Math.round((100 * done) / Math.max(1, total)), steps * 100);
  const files: ExportResult['files'][number][] = [];
  // The label files' counts: the report also holds the unlabelled candidates.
  let counted: Pick<ExportResult, 'records' | 'labels'> | null = null;
  if (labelFormats.length) {
    const records = await recordsFromStore(ws, { analyses: labelFormats.includes('jsonl'), motion: labelFormats.includes('frames-csv'), ...classes });
    const result = await exportCorpus({ ...options, formats: labelFormats, records, onProgress: progress });
    files.push(...result.files);
    counted = result;
    step += 1;
  }
  if (withReport) {
    const candidates = await recordsFromStore(ws, { candidates: true, analyses: true, ...classes });
    const result = await exportCorpus({ ...options, formats: ['report'], records: candidates, ...(request.language ? { reportLanguage: request.language } : {}), onProgress: progress });
    files.push(...result.files);
    counted ??= result;
  }
  return { files, records: counted?.records ?? 0, labels: counted?.labels ?? 0 };
}
