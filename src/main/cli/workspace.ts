import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { createWorkspace, openWorkspace } from '../store';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const USAGE = 'mellm workspace create <file | postgres://…> | mellm workspace info <file | postgres://…> [--json]';
const OPTIONS = defineOptions({ json: { kind: 'flag', help: 'print the workspace info as JSON' } });

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
  summary: 'create a workspace (a file or a PostgreSQL database) or show what one holds',
  usage: USAGE,
  options: OPTIONS,
  async run(args, io) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [action, file, ...extra] = positionals;
    if ((action !== 'create' && action !== 'info') || !file || extra.length) {
      throw new AppError('INVALID_INPUT', `expected create or info and one workspace (a file or a postgres:// URL)\nUsage: ${USAGE}`);
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
