import { dirname } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '@shared/api/export';
import { AppError } from '@shared/errors';
import type { Language } from '@shared/language';
import { DEFAULT_PROMPT_FORMAT, type PromptFormat } from '@shared/prompt-format';
import type { FacsParser } from '../agreement/au-sets';
import { casmeCsv, casmeXlsx } from './casme-sheet';
import { datasetSheetCsv, datasetSheetGroups, megcCompositeCsv } from './dataset-sheets';
import { LAYOUTS } from '../import';
import { eafDocument } from './eaf';
import { InstructionTally, instructionJsonl, type SkipCount } from './jsonl';
import { megcRecognitionCsv, megcSpottingCsv } from './megc';
import { motionCsv } from './motion-csv';
import { selectRecords, type ExportOptions } from './options';
import { resolveOutputPath, throwIfCancelled, writeOutputFile, writeOutputStream } from './output';
import { removeStaleTemps } from '../../util/temp-files';
import { groupBy } from '../group';
import { UNLABELLED_CODER, clipKey, recordIssues, type ExportRecord } from './records';
import { sessionReportHtml } from './report-html';
import { counted } from '@shared/count';

/**
 * File names inside the export folder; EAF writes one file per clip under `eaf/`, the
 * dataset sheets one per dataset under `sheets/` (`sheets/samm.csv`, `sheets/dfme.csv`),
 * `megc` its recognition and spotting lists.
 */
export const EXPORT_FILE_NAMES: Readonly<Record<Exclude<ExportFormat, 'eaf' | 'dataset-sheets' | 'megc'>, string>> = {
  'casme2-csv': 'casme2-sheet.csv',
  'casme2-xlsx': 'casme2-sheet.xlsx',
  'megc-composite': 'megc-composite.csv',
  jsonl: 'instructions.jsonl',
  'frames-csv': 'motion.csv',
  report: 'report.html',
};
export const MEGC_FILE_NAMES = { recognition: 'megc-recognition.csv', spotting: 'megc-spotting.csv' } as const;

export interface ExportRequest extends ExportOptions {
  readonly folder: string;
  readonly formats: readonly ExportFormat[];
  readonly records: readonly ExportRecord[];
  readonly parseFacs?: FacsParser;
  /** The prompt text the instruction JSONL is written in (default mellm). */
  readonly promptFormat?: PromptFormat;
  readonly reportTitle?: string;
  /** The session report's words (default en); the records' own text is written as stored. */
  readonly reportLanguage?: Language;
  /** Cancels between files and between chunks of big files; finished files stay. */
  readonly signal?: AbortSignal;
  /** Called after each file is written (EAF: one per clip). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExportedFile {
  readonly format: ExportFormat;
  readonly path: string;
  /** Labels this file holds (one per row, line or annotation; per event for the motion CSV). */
  readonly records: number;
  /** The labels it left out, by reason (instruction JSONL, MEGC recognition). */
  readonly skipped: readonly SkipCount[];
  /** The prompt text of the instruction JSONL. */
  readonly promptFormat?: PromptFormat;
}

export interface ExportResult {
  readonly files: readonly ExportedFile[];
  /** The most labels any file holds: 0 when every file is empty. */
  readonly records: number;
  /** Labels selected for export (after the review filter), whether or not a file could use them. */
  readonly labels: number;
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
  if (issues.length) throw new AppError('INVALID_INPUT', `${counted(issues.length, 'export record')} ${issues.length === 1 ? 'is' : 'are'} invalid; nothing was written.`, { issues: issues.slice(0, 50) });
  const { records } = selectRecords(request.records, request);
  const force = request.force ?? false;
  const signal = request.signal;
  // Each job says, once written, how many labels its file holds and which it left out.
  const jobs: { format: ExportFormat; name: string; write: (path: string) => Promise<unknown>; held: () => Pick<ExportedFile, 'records' | 'skipped' | 'promptFormat'> }[] = [];
  const all = () => ({ records: records.length, skipped: [] });
  // The session report is a list of events (those nobody labelled yet too): it counts
  // events, so a session of spotted, unlabelled events still makes a report.
  const labels = records.filter((record) => record.annotator !== UNLABELLED_CODER).length;
  const reportEvents = () => ({ records: new Set(records.map((record) => record.eventId)).size, skipped: [] });
  for (const format of new Set(request.formats)) {
    switch (format) {
      case 'casme2-csv': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, casmeCsv(records), signal), held: all }); break;
      case 'casme2-xlsx': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: async (path) => writeOutputFile(path, await casmeXlsx(records)), held: all }); break;
      case 'dataset-sheets':
        for (const [dataset, group] of datasetSheetGroups(records)) {
          jobs.push({ format, name: `sheets/${dataset}.csv`, write: (path) => writeOutputStream(path, datasetSheetCsv(LAYOUTS[dataset], group), signal), held: () => ({ records: group.length, skipped: [] }) });
        }
        break;
      case 'megc-composite': jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, megcCompositeCsv(records), signal), held: all }); break;
      case 'megc': {
        const unlabelled = records.filter((record) => !record.label3).length;
        const held = () => ({ records: records.length - unlabelled, skipped: unlabelled ? [{ reason: 'no-label3' as const, count: unlabelled }] : [] });
        jobs.push({ format, name: MEGC_FILE_NAMES.recognition, write: (path) => writeOutputStream(path, megcRecognitionCsv(records), signal), held });
        jobs.push({ format, name: MEGC_FILE_NAMES.spotting, write: (path) => writeOutputStream(path, megcSpottingCsv(records), signal), held: all });
        break;
      }
      case 'jsonl': {
        const tally = new InstructionTally();
        const promptFormat = request.promptFormat ?? DEFAULT_PROMPT_FORMAT;
        const options = { promptFormat, ...(request.parseFacs ? { parseFacs: request.parseFacs } : {}) };
        jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, instructionJsonl(records, options, tally), signal), held: () => ({ records: tally.written, skipped: tally.skipped, promptFormat }) });
        break;
      }
      case 'frames-csv': {
        const events = new Set(records.filter((record) => record.motion?.length).map((record) => record.eventId)).size;
        const still = records.filter((record) => !record.motion?.length).length;
        const held = () => ({ records: events, skipped: still ? [{ reason: 'no-motion' as const, count: still }] : [] });
        jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, motionCsv(records), signal), held });
        break;
      }
      case 'report': {
        const reportOptions = { includeImages: request.includeImages ?? false, ...(request.parseFacs ? { parseFacs: request.parseFacs } : {}), ...(request.reportTitle ? { title: request.reportTitle } : {}), ...(request.reportLanguage ? { language: request.reportLanguage } : {}) };
        jobs.push({ format, name: EXPORT_FILE_NAMES[format], write: (path) => writeOutputStream(path, sessionReportHtml(records, reportOptions), signal), held: reportEvents });
        break;
      }
      case 'eaf': {
        const used = new Set<string>();
        for (const group of groupBy(records, clipKey).values()) {
          jobs.push({ format, name: `eaf/${eafName((group[0] as ExportRecord).clipName, used)}`, write: (path) => writeOutputFile(path, eafDocument(group)), held: () => ({ records: group.length, skipped: [] }) });
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
  const files = jobs.map((job, index): ExportedFile => ({ format: job.format, path: targets[index] as string, ...job.held() }));
  return { files, records: Math.max(0, ...files.map((file) => file.records)), labels };
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
