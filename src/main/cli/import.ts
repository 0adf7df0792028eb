import { parseArgs } from 'node:util';
import { IMPORT_FIELDS, IMPORT_LAYOUTS, type ImportField, type ImportReport, type SheetLimits } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import { commitImport, previewImport } from '../app/import';
import { describeGroup, LAYOUTS } from '../corpus/import';
import type { CliCommand } from './command';

const USAGE = `mellm import <sheet> --root <media folder> --dataset ${IMPORT_LAYOUTS.join('|')} [--columns field=Header,...] --workspace <file> [--skip-flagged] [--dry-run] [--json] [--max-rows N] [--max-cells N] [--max-sheet-mb N]`;

/** Problems listed one by one under the groups; --json has them all. */
const MAX_LISTED = 20;

/** The sheet limits given on the command line (`--max-sheet-mb` in millions of bytes). */
export function parseLimits(values: { 'max-rows'?: string | undefined; 'max-cells'?: string | undefined; 'max-sheet-mb'?: string | undefined }): Partial<SheetLimits> {
  const whole = (option: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = /^\d{1,15}$/.test(text.trim()) ? Number(text) : 0;
    if (value < 1) throw new AppError('INVALID_INPUT', `--${option} expects a whole number above 0; got '${text}'`);
    return value;
  };
  const rows = whole('max-rows', values['max-rows']);
  const cells = whole('max-cells', values['max-cells']);
  const megabytes = whole('max-sheet-mb', values['max-sheet-mb']);
  return {
    ...(rows !== undefined ? { maxRows: rows } : {}),
    ...(cells !== undefined ? { maxCells: cells } : {}),
    ...(megabytes !== undefined ? { maxBytes: megabytes * 1_000_000 } : {}),
  };
}

/** `--columns subject=Who,filename=Clip,onset=Start` → field → header. */
export function parseColumns(text: string): Partial<Record<ImportField, string>> {
  const columns: Partial<Record<ImportField, string>> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const field = pair.slice(0, at).trim() as ImportField;
    if (at < 0 || !IMPORT_FIELDS.includes(field) || !pair.slice(at + 1).trim()) {
      throw new AppError('INVALID_INPUT', `--columns expects field=Header pairs with fields ${IMPORT_FIELDS.join(', ')}; got '${pair}'`);
    }
    columns[field] = pair.slice(at + 1).trim();
  }
  return columns;
}

/** The outcome, the layout read (and why, when guessed), then the problems grouped by kind. */
export function summary(report: ImportReport): string {
  const present = report.alreadyPresent ? `; ${report.alreadyPresent} row(s) already present, skipped` : '';
  const listed = report.problems.slice(0, MAX_LISTED);
  const lines = [
    `${report.committed ? 'imported' : 'checked'} ${report.totalRows} row(s) of ${report.sheet}${report.worksheet === null ? '' : `, worksheet '${report.worksheet}'`} (header row ${report.headerRow || 'none'})`,
    `layout: ${LAYOUTS[report.dataset].label}${report.detected ? ` (--dataset auto chose ${report.dataset}: ${report.detected})` : ''}`,
    (report.committed ? `added ${report.clipsAdded} clip(s) and ${report.eventsAdded} event(s)` : `${report.rows.filter((r) => r.ok).length} row(s) importable`) + present,
    ...(report.groups.length ? ['problems by kind:', ...report.groups.map((g) => `  ${describeGroup(g)}`)] : []),
    ...(listed.length ? ['problems:', ...listed.map((p) => `  ${p.row > 0 ? `row ${p.row}, ` : ''}${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`)] : []),
    ...(report.problems.length > MAX_LISTED ? [`  … and ${report.problems.length - MAX_LISTED} more (--json lists them all)`] : []),
  ];
  return lines.join('\n');
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import a dataset coding sheet (CASME II, SAMM, SMIC, CAS(ME)², CAS(ME)³, MMEW, 4DME, DFME, MEGC composite, generic, or auto) into a workspace',
  usage: USAGE,
  async run(args, io, services) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        dataset: { type: 'string' },
        columns: { type: 'string' },
        workspace: { type: 'string' },
        'skip-flagged': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'max-rows': { type: 'string' },
        'max-cells': { type: 'string' },
        'max-sheet-mb': { type: 'string' },
      },
    });
    const [sheet, ...extra] = positionals;
    const dataset = IMPORT_LAYOUTS.find((d) => d === values.dataset);
    if (!sheet || extra.length || !values.root || !values.workspace || !dataset) {
      throw new AppError('INVALID_INPUT', `expected one sheet, --root, --workspace and a known --dataset\nUsage: ${USAGE}`);
    }
    const limits = parseLimits(values);
    const request = {
      sheet,
      root: values.root,
      dataset,
      skipFlagged: values['skip-flagged'],
      ...(values.columns ? { columns: parseColumns(values.columns) } : {}),
      ...(Object.keys(limits).length ? { limits } : {}),
    };
    const workspaces = services().workspaces;
    await workspaces.open(values.workspace);
    try {
      const report = values['dry-run'] ? await previewImport(workspaces.require(), request) : await commitImport(workspaces.require(), request);
      io.out(values.json ? JSON.stringify(report, null, 2) : summary(report));
      // Rows skipped as already present are not a failure; refused and flagged ones are.
      return report.rows.every((r) => r.ok || r.present) ? 0 : 1;
    } finally {
      await workspaces.close();
    }
  },
};
