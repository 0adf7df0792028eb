import { basename } from 'node:path';
import { EXPORT_FORMATS } from '@shared/api/export';
import { AppError } from '@shared/errors';
import { PROMPT_FORMATS } from '@shared/prompt-format';
import { exportWorkspace } from '../app/export-workspace';
import { describeSkips, type ExportedFile, type ExportResult } from '../corpus/export';
import { openWorkspace } from '../store';
import { PROMPT_FORMAT_OPTION } from './args';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({
  workspace: { kind: 'text', value: 'file|url', help: 'the workspace to export' },
  format: { kind: 'choice', values: EXPORT_FORMATS, multiple: true, help: 'formats to write (repeat the flag or give a comma list)' },
  out: { kind: 'text', value: 'folder', help: 'the export folder' },
  'only-approved': { kind: 'flag', help: 'only labels a reviewer approved' },
  anonymise: { kind: 'flag', help: 'salted ids instead of subjects, paths and names' },
  images: { kind: 'flag', help: 'put onset/apex images in the report' },
  force: { kind: 'flag', help: 'replace existing files' },
  ...PROMPT_FORMAT_OPTION,
  json: { kind: 'flag', help: 'print the result as JSON' },
});

const USAGE =
  `mellm export --workspace w.mellm --format ${EXPORT_FORMATS.join('|')}[,...] --out folder [--only-approved] [--anonymise] [--images] [--force] ` +
  `[--prompt-format ${PROMPT_FORMATS.join('|')}] [--json]\n` +
  'Exit status 3: the export ran, but a file holds no records (each one is named with the reason on stderr).';

/** Exit status of an export that ran but wrote a file without records: a script must not carry on with nothing. */
export const EXIT_NO_RECORDS = 3;

/** One file's line: its count and, for the instruction JSONL, the prompt format. */
function fileLine(file: ExportedFile): string {
  const skipped = file.skipped.reduce((sum, skip) => sum + skip.count, 0);
  const notes = [...(file.promptFormat ? [`prompt format ${file.promptFormat}`] : []), ...(skipped && file.records ? [`${skipped} left out`] : [])];
  return `  ${file.format}\t${file.path}\t${file.records} record${file.records === 1 ? '' : 's'}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** Why a file holds nothing, in words, with what to do when the events have no analysis yet. */
function noRecords(file: ExportedFile, result: ExportResult, workspace: string): string {
  const name = basename(file.path);
  if (result.labels === 0) return `${name}: no records: no labels to export (the workspace has none, or none passed --only-approved)`;
  const hint = file.skipped.some((skip) => skip.reason === 'no-analysis') ? `; run \`mellm analyze --workspace ${workspace} --all\` first` : '';
  return `${name}: no records: ${describeSkips(result.labels, file.skipped)}${hint}`;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export labels: CASME II sheet (csv/xlsx), MEGC lists, ELAN EAF, instruction JSONL, per-frame CSV, HTML report',
  usage: USAGE,
  options: OPTIONS,
  async run(args, io, services) {
    const { values } = parseOptions(OPTIONS, args);
    if (!values.workspace || !values.out || !values.format.length) throw new AppError('INVALID_INPUT', `expected --workspace, --format and --out\nUsage: ${USAGE}`);
    const promptFormat = values['prompt-format'];
    const ws = await openWorkspace(values.workspace);
    // Ctrl-C cancels between chunks: finished files stay whole, the one in progress is never left half-written.
    const abort = new AbortController();
    const onInterrupt = () => abort.abort();
    process.once('SIGINT', onInterrupt);
    try {
      const result = await exportWorkspace(ws, {
        formats: values.format,
        folder: values.out,
        onlyApproved: values['only-approved'],
        anonymise: values.anonymise,
        includeImages: values.images,
        force: values.force,
        ...(promptFormat ? { promptFormat } : {}),
        classThresholds: (await services().settings.get()).expressionClasses,
        signal: abort.signal,
      });
      const empty = result.files.filter((file) => file.records === 0);
      const written = result.files.length - empty.length;
      const files = empty.length ? `${written} of ${result.files.length} files` : `${written} file${written === 1 ? '' : 's'}`;
      io.out(values.json ? JSON.stringify(result, null, 2) : [`exported ${result.records} records in ${files}`, ...result.files.map(fileLine)].join('\n'));
      for (const file of empty) io.err(noRecords(file, result, values.workspace));
      return empty.length ? EXIT_NO_RECORDS : 0;
    } finally {
      process.off('SIGINT', onInterrupt);
      await ws.close();
    }
  },
};
