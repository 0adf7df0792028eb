import { IMPORT_FIELDS, IMPORT_LAYOUTS, type ImportField, type ImportReport, type SheetLimits } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import { commitImport, mediaImportDeps, previewImport } from '../app/import';
import { describeGroup, LAYOUTS } from '../corpus/import';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';
import { counted } from '@shared/count';

const USAGE = `mellm import <sheet> --root <media folder> --dataset ${IMPORT_LAYOUTS.join('|')} [--columns field=Header,...] --workspace <file> [--skip-flagged] [--dry-run] [--json] [--max-rows N] [--max-cells N] [--max-sheet-mb N]`;

const OPTIONS = defineOptions({
  root: { kind: 'text', value: 'folder', help: "the dataset's media folder" },
  dataset: { kind: 'choice', values: IMPORT_LAYOUTS, help: "the sheet's layout (auto: read from its headers)" },
  columns: { kind: 'text', value: 'field=Header,...', help: 'name the columns of a generic sheet' },
  workspace: { kind: 'text', value: 'file|url', help: 'the workspace to import into' },
  'skip-flagged': { kind: 'flag', help: 'import the good rows and skip the flagged ones' },
  'dry-run': { kind: 'flag', help: 'check the sheet without importing' },
  json: { kind: 'flag', help: 'print the report as JSON' },
  'max-rows': { kind: 'int', value: 'N', min: 1, max: 1e15 - 1, help: 'refuse a sheet with more rows' },
  'max-cells': { kind: 'int', value: 'N', min: 1, max: 1e15 - 1, help: 'refuse a sheet with more cells' },
  'max-sheet-mb': { kind: 'int', value: 'N', min: 1, max: 1e9, help: 'refuse a sheet that unpacks to more MB' },
});

/** Problems listed one by one under the groups; --json has them all. */
const MAX_LISTED = 20;

/** The sheet limits given on the command line (`--max-sheet-mb` in millions of bytes). */
export function parseLimits(values: { readonly 'max-rows': number | undefined; readonly 'max-cells': number | undefined; readonly 'max-sheet-mb': number | undefined }): Partial<SheetLimits> {
  const { 'max-rows': rows, 'max-cells': cells, 'max-sheet-mb': megabytes } = values;
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
  const present = report.alreadyPresent ? `; ${counted(report.alreadyPresent, 'row')} already present, skipped` : '';
  const listed = report.problems.slice(0, MAX_LISTED);
  const lines = [
    `${report.committed ? 'imported' : 'checked'} ${counted(report.totalRows, 'row')} of ${report.sheet}${report.worksheet === null ? '' : `, worksheet '${report.worksheet}'`} (header row ${report.headerRow || 'none'})`,
    `layout: ${LAYOUTS[report.dataset].label}${report.detected ? ` (--dataset auto chose ${report.dataset}: ${report.detected})` : ''}`,
    (report.committed ? `added ${counted(report.clipsAdded, 'clip')} and ${counted(report.eventsAdded, 'event')}` : `${counted(report.rows.filter((r) => r.ok).length, 'row')} importable`) + present,
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
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [sheet, ...extra] = positionals;
    const dataset = values.dataset;
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
      const report = values['dry-run'] ? await previewImport(workspaces.require(), request) : await commitImport(workspaces.require(), request, mediaImportDeps(services().clipMedia));
      io.out(values.json ? JSON.stringify(report, null, 2) : summary(report));
      // Rows skipped as already present are not a failure; refused and flagged ones are.
      return report.rows.every((r) => r.ok || r.present) ? 0 : 1;
    } finally {
      await workspaces.close();
    }
  },
};
