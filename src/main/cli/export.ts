import { parseArgs } from 'node:util';
import { EXPORT_TARGETS, type ExportTarget } from '@shared/api';
import { AppError } from '@shared/errors';
import { exportWorkspace } from '../app/export-workspace';
import { openWorkspace } from '../store';
import type { CliCommand } from './command';

const USAGE = `mellm export --workspace w.mellm --format ${EXPORT_TARGETS.join('|')}[,...] --out folder [--only-approved] [--anonymise] [--images] [--force] [--json]`;

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
        json: { type: 'boolean', default: false },
      },
    });
    const requested = (values.format ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    const unknown = requested.filter((f) => !(EXPORT_TARGETS as readonly string[]).includes(f));
    if (!values.workspace || !values.out || !requested.length || unknown.length || positionals.length) {
      throw new AppError('INVALID_INPUT', `${unknown.length ? `unknown format ${unknown.join(', ')}; ` : ''}expected --workspace, --format and --out\nUsage: ${USAGE}`);
    }
    const ws = await openWorkspace(values.workspace);
    // Ctrl-C cancels between chunks: finished files stay whole, the one in progress is never left half-written.
    const abort = new AbortController();
    const onInterrupt = () => abort.abort();
    process.once('SIGINT', onInterrupt);
    try {
      const result = await exportWorkspace(ws, {
        targets: requested as ExportTarget[],
        folder: values.out,
        onlyApproved: values['only-approved'],
        anonymise: values.anonymise,
        includeImages: values.images,
        force: values.force,
        signal: abort.signal,
      });
      io.out(values.json ? JSON.stringify(result, null, 2) : [`exported ${result.records} records`, ...result.files.map((f) => `  ${f.format}\t${f.path}`)].join('\n'));
      return 0;
    } finally {
      process.off('SIGINT', onInterrupt);
      await ws.close();
    }
  },
};
