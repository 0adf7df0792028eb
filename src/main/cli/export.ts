import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat } from '@shared/api/export';
import { AppError } from '@shared/errors';
import { PROMPT_FORMATS, type PromptFormat } from '@shared/prompt-format';
import { exportWorkspace } from '../app/export-workspace';
import { describeSkips, type ExportedFile, type ExportResult } from '../corpus/export';
import { openWorkspace } from '../store';
import type { CliCommand } from './command';

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
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        format: { type: 'string', multiple: true },
        out: { type: 'string' },
        'only-approved': { type: 'boolean', default: false },
        anonymise: { type: 'boolean', default: false },
        images: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        'prompt-format': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const requested = (values.format ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    const unknown = requested.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f));
    if (!values.workspace || !values.out || !requested.length || unknown.length || positionals.length) {
      throw new AppError('INVALID_INPUT', `${unknown.length ? `unknown format ${unknown.join(', ')}; ` : ''}expected --workspace, --format and --out\nUsage: ${USAGE}`);
    }
    const promptFormat = values['prompt-format'];
    if (promptFormat !== undefined && !(PROMPT_FORMATS as readonly string[]).includes(promptFormat)) {
      throw new AppError('INVALID_INPUT', `unknown prompt format ${promptFormat} (expected ${PROMPT_FORMATS.join(' or ')})\nUsage: ${USAGE}`);
    }
    const ws = await openWorkspace(values.workspace);
    // Ctrl-C cancels between chunks: finished files stay whole, the one in progress is never left half-written.
    const abort = new AbortController();
    const onInterrupt = () => abort.abort();
    process.once('SIGINT', onInterrupt);
    try {
      const result = await exportWorkspace(ws, {
        formats: requested as ExportFormat[],
        folder: values.out,
        onlyApproved: values['only-approved'],
        anonymise: values.anonymise,
        includeImages: values.images,
        force: values.force,
        ...(promptFormat ? { promptFormat: promptFormat as PromptFormat } : {}),
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
