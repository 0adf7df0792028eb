import { IMPORT_FIELDS, type ImportField } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import { FIELD_ALIASES, normalizeHeader, type DatasetLayout } from './layouts';

/** Where each field sits in the sheet, plus the other named columns (kept as extras). */
export interface ColumnMap {
  /** 0-based index of the header row; -1 for a headerless sheet. */
  readonly headerRow: number;
  readonly fields: Partial<Record<ImportField, number>>;
  /** Column names as written, by index (for problem reports and extras). */
  readonly names: readonly string[];
  readonly extras: ReadonlyArray<{ index: number; name: string }>;
}

const HEADER_SCAN_ROWS = 40;

function matchRow(cells: readonly string[], wanted: Partial<Record<ImportField, readonly string[]>>): Partial<Record<ImportField, number>> {
  const normalized = cells.map(normalizeHeader);
  const found: Partial<Record<ImportField, number>> = {};
  const taken = new Set<number>();
  for (const field of IMPORT_FIELDS) {
    for (const alias of wanted[field] ?? []) {
      const index = normalized.findIndex((cell, i) => cell === alias && !taken.has(i));
      if (index >= 0) {
        found[field] = index;
        taken.add(index);
        break;
      }
    }
  }
  return found;
}

/**
 * Finds the header row (skipping preambles such as SAMM's 13 rows) and maps fields to
 * columns: the user's names first, then the dataset aliases. Headerless layouts fall
 * back to their fixed column order when no header row is found.
 */
export function locateColumns(
  rows: readonly string[][],
  layout: DatasetLayout,
  userColumns: Partial<Record<ImportField, string>> = {},
): ColumnMap {
  const wanted: Partial<Record<ImportField, readonly string[]>> = {};
  for (const field of IMPORT_FIELDS) {
    const named = userColumns[field];
    wanted[field] = named !== undefined ? [normalizeHeader(named)] : layout.dataset === 'generic' ? [] : FIELD_ALIASES[field];
  }
  const required = new Set<ImportField>([...layout.required, ...(Object.keys(userColumns) as ImportField[])]);
  let best: { row: number; found: Partial<Record<ImportField, number>> } = { row: -1, found: {} };
  for (let row = 0; row < Math.min(rows.length, HEADER_SCAN_ROWS); row++) {
    const found = matchRow(rows[row] ?? [], wanted);
    if ([...required].every((f) => found[f] !== undefined)) return columnMap(rows[row] ?? [], row, found);
    if (Object.keys(found).length > Object.keys(best.found).length) best = { row, found };
  }
  if (layout.headerless && Object.keys(best.found).length === 0) {
    const fields: Partial<Record<ImportField, number>> = {};
    layout.headerless.forEach((field, index) => {
      if (field) fields[field] = index;
    });
    const names = layout.headerless.map((field, index) => field ?? `column ${index + 1}`);
    return { headerRow: -1, fields, names, extras: [] };
  }
  const missing = [...required].filter((f) => best.found[f] === undefined);
  const describe = (f: ImportField) => (userColumns[f] ? `'${userColumns[f]}'` : `${f} (e.g. ${(FIELD_ALIASES[f] ?? []).slice(0, 2).join(' / ')})`);
  throw new AppError(
    'INVALID_INPUT',
    layout.dataset === 'generic' && Object.keys(userColumns).length === 0
      ? 'A generic sheet needs --columns naming at least filename, onset and offset (e.g. filename=Clip,onset=On,offset=Off)'
      : `No ${layout.label} header row found in the first ${HEADER_SCAN_ROWS} rows: missing column ${missing.map(describe).join(', ')}`,
  );
}

function columnMap(header: readonly string[], headerRow: number, fields: Partial<Record<ImportField, number>>): ColumnMap {
  const used = new Set(Object.values(fields));
  const extras = header.map((name, index) => ({ index, name: name.trim() })).filter((c) => c.name !== '' && !used.has(c.index));
  return { headerRow, fields, names: header.map((n, i) => n || `column ${i + 1}`), extras };
}
