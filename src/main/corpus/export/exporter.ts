import { dirname } from 'node:path';
import { AppError } from '@shared/errors';
import type { FacsParser } from '../agreement/au-sets';
import { casmeCsv, casmeXlsx } from './casme-sheet';
import { datasetSheetCsv, datasetSheetGroups, megcCompositeCsv } from './dataset-sheets';
import { LAYOUTS } from '../import';
import { eafDocument } from './eaf';
import { instructionJsonl, type PromptBuilder } from './jsonl';
import { megcRecognitionCsv, megcSpottingCsv } from './megc';
import { motionCsv } from './motion-csv';
import { selectRecords, type ExportOptions } from './options';
import { resolveOutputPath, throwIfCancelled, writeOutputFile, writeOutputStream } from './output';
import { removeStaleTemps } from '../../util/temp-files';
import { groupBy } from '../group';
import { clipKey, recordIssues, type ExportRecord } from './records';
import { sessionReportHtml } from './report-html';

export const EXPORT_FORMATS = ['casme-csv', 'casme-xlsx', 'dataset-sheets', 'megc-composite', 'megc-recognition', 'megc-spotting', 'eaf', 'jsonl', 'motion-csv', 'report-html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * File names inside the export folder; EAF writes one file per clip under `eaf/`, the
 * dataset sheets one per dataset under `sheets/` (`sheets/samm.csv`, `sheets/dfme.csv`).
 */
export const EXPORT_FILE_NAMES: Readonly<Record<Exclude<ExportFormat, 'eaf' | 'dataset-sheets'>, string>> = {
  'casme-csv': 'casme2-sheet.csv',
  'casme-xlsx': 'casme2-sheet.xlsx',
  'megc-composite': 'megc-composite.csv',
  'megc-recognition': 'megc-recognition.csv',
  'megc-spotting': 'megc-spotting.csv',
  jsonl: 'instructions.jsonl',
  'motion-csv': 'motion.csv',
  'report-html': 'report.html',
};

export interface ExportRequest extends ExportOptions {
  readonly folder: string;
  readonly formats: readonly ExportFormat[];
  readonly records: readonly ExportRecord[];
  readonly parseFacs?: FacsParser;
  /** Builds the MELLM prompt from ROI features for records without one (the analysis prompt builder). */
  readonly buildPrompt?: PromptBuilder;
  readonly reportTitle?: string;
  /** Cancels between files and between chunks of big files; finished files stay. */
  readonly signal?: AbortSignal;
  /** Called after each file is written (EAF: one per clip). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExportedFile {
  readonly format: ExportFormat;
  readonly path: string;
}

export interface ExportResult {
  readonly files: readonly ExportedFile[];
  /** Records written after the review filter. */
  readonly records: number;
}

/** A file-system-safe, unique name for a clip's EAF (clip names may be anything). */
function eafName(clipName: string, used: Set<string>): string {
  const base = clipName.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(0, 80) || 'clip';
  let name = `${base}.eaf`;
  for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${base}-${n}.eaf`;
  used.add(name.toLowerCase());
  return name;
}

/**
 * Writes the chosen formats into `folder`. Each file is written to a temp file and
 * renamed, so an interrupted export leaves whole files or none; every target is checked
 * (inside the folder, no symlink, not existing unless `force`) before anything is written.
 */
export async function exportCorpus(request: ExportRequest): Promise<ExportResult> {
  const unknown = request.formats.filter((format) => !EXPORT_FORMATS.includes(format));
  if (unknown.length) throw new AppError('INVALID_INPUT', `Unknown export format: ${unknown.join(', ')}.`);
  const issues = recordIssues(request.records);
  if (issues.length) throw new AppError('INVALID_INPUT', `${issues.length} export record(s) are invalid; nothing was written.`, { issues: issues.slice(0, 50) });
  const { records } = selectRecords(request.records, request);
  const force = request.force ?? false;
  const signal = request.signal;
  const jobs: { format: ExportFormat; name: string; write: (path: string) => Promise<unknown> }[] = [];
  for (const format of new Set(request.formats)) {
    switch (format) {
      case 'casme-csv': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, casmeCsv(records), signal) }); break;
      case 'casme-xlsx': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: async (path) => writeOutputFile(path, await casmeXlsx(records)) }); break;
      case 'dataset-sheets':
        for (const [dataset, group] of datasetSheetGroups(records)) {
          jobs.push({ format, name: `sheets/${dataset}.csv`, write: (path) => writeOutputStream(path, datasetSheetCsv(LAYOUTS[dataset], group), signal) });
        }
        break;
      case 'megc-composite': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, megcCompositeCsv(records), signal) }); break;
      case 'megc-recognition': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, megcRecognitionCsv(records), signal) }); break;
      case 'megc-spotting': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, megcSpottingCsv(records), signal) }); break;
      case 'jsonl': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, instructionJsonl(records, request.buildPrompt), signal) }); break;
      case 'motion-csv': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, motionCsv(records), signal) }); break;
      case 'report-html': {
        const reportOptions = { includeImages: request.includeImages ?? false, ...(request.parseFacs ? { parseFacs: request.parseFacs } : {}), ...(request.reportTitle ? { title: request.reportTitle } : {}) };
        jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, sessionReportHtml(records, reportOptions), signal) });
        break;
      }
      case 'eaf': {
        const used = new Set<string>();
        for (const group of groupBy(records, clipKey).values()) {
          jobs.push({ format, name: `eaf/${eafName((group[0] as ExportRecord).clipName, used)}`, write: (path) => writeOutputFile(path, eafDocument(group)) });
        }
        break;
      }
    }
  }
  // Check every target first so a refused file does not leave the export half done.
  const targets = await mapConcurrent(jobs, (job) => resolveOutputPath(request.folder, job.name, force));
  // Temp files of an export that was killed before its rename are cleared by the next one.
  for (const dir of new Set(targets.map((target) => dirname(target)))) await removeStaleTemps(dir);
  // Many small files (one EAF per clip) are bound by fsync latency: overlap a few.
  let done = 0;
  await mapConcurrent(jobs, async (job, index) => {
    throwIfCancelled(signal);
    await job.write(targets[index] as string);
    done += 1;
    request.onProgress?.(done, jobs.length);
  });
  return { files: jobs.map((job, index) => ({ format: job.format, path: targets[index] as string })), records: records.length };
}

const WRITE_CONCURRENCY = 8;

/** Maps with at most WRITE_CONCURRENCY calls in flight; results in input order; the first error is thrown once all settled. */
async function mapConcurrent<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true; // stop starting new work; calls in flight finish or clean up first
        throw error;
      }
    }
  };
  // Settle every worker before failing, so no write is still running when the caller hears of it.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
