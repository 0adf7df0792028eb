import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { createWorkspace, openWorkspace } from '../store';
import { copyWorkspace, type CopyProgress, type CopyReport } from '../store/copy';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const USAGE =
  'mellm workspace create <file | postgres://…> | mellm workspace info <file | postgres://…> [--json] | mellm workspace copy <from> <to> [--json]\n' +
  '  copy: a workspace file or postgres:// URL into a new file or an empty database, every table with its ids, timestamps and trails';
const OPTIONS = defineOptions({ json: { kind: 'flag', help: 'print the workspace info (or the copy report) as JSON' } });

function formatCopyReport(report: CopyReport): string {
  const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
  return [
    `copied ${report.from} → ${report.to}: ${rows} rows in ${report.tables.length} tables, each table's content hash checked equal`,
    ...report.tables.map((t) => `  ${t.table.padEnd(18)} ${String(t.rows).padStart(8)}  ${t.sha256.slice(0, 16)}`),
  ].join('\n');
}

/** One line per table as it starts and when it is done, and every 10,000 rows between. */
function progressPrinter(io: { err(text: string): void }): (p: CopyProgress) => void {
  return (p) => {
    if (p.copied === p.total || (p.copied > 0 && p.copied % 10_000 === 0)) io.err(`  ${p.table}: ${p.copied}/${p.total}`);
  };
}

export function formatWorkspaceInfo(info: WorkspaceInfo): string {
  const c = info.counts;
  return [
    `workspace  ${info.path}`,
    `schema     v${info.schemaVersion} (${info.serverVersion ?? `SQLite ${info.sqliteVersion}`})`,
    `clips ${c.clips}, events ${c.events}, annotations ${c.annotations}, analyses ${c.analyses}, reviews ${c.reviews}`,
  ].join('\n');
}

export const workspaceCommand: CliCommand = {
  name: 'workspace',
  summary: 'create a workspace (a file or a PostgreSQL database), show what one holds, or copy one (SQLite ⇄ PostgreSQL)',
  usage: USAGE,
  options: OPTIONS,
  async run(args, io) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [action, file, ...extra] = positionals;
    if (action === 'copy') {
      const [to, ...more] = extra;
      if (!file || !to || more.length) throw new AppError('INVALID_INPUT', `expected a source and a target\nUsage: ${USAGE}`);
      const report = await copyWorkspace(file, to, progressPrinter(io));
      io.out(values.json ? JSON.stringify(report, null, 2) : formatCopyReport(report));
      return 0;
    }
    if ((action !== 'create' && action !== 'info') || !file || extra.length) {
      throw new AppError('INVALID_INPUT', `expected create or info and one workspace (a file or a postgres:// URL), or copy and two\nUsage: ${USAGE}`);
    }
    const workspace = action === 'create' ? await createWorkspace(file) : await openWorkspace(file);
    try {
      const info = await workspace.info();
      io.out(values.json ? JSON.stringify(info, null, 2) : action === 'create' ? `created ${info.path}` : formatWorkspaceInfo(info));
    } finally {
      await workspace.close();
    }
    return 0;
  },
};
