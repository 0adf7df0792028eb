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

export type UserColumns = Partial<Record<ImportField, string>>;

export const HEADER_SCAN_ROWS = 40;

/** A field whose standard names match more than one column of a generic sheet. */
interface Ambiguity {
  readonly field: ImportField;
  readonly columns: readonly string[];
}

interface HeaderMatch {
  readonly found: Partial<Record<ImportField, number>>;
  readonly ambiguous: readonly Ambiguity[];
}

/**
 * Maps one row's cells to the layout's fields: the user's names first, then the
 * dataset's own header name, then the standard names. A dataset layout takes the first
 * column in that order; a generic sheet takes a standard name only where exactly one
 * column carries one.
 */
export function matchHeader(cells: readonly string[], layout: DatasetLayout, userColumns: UserColumns = {}): HeaderMatch {
  const normalized = cells.map(normalizeHeader);
  const found: Partial<Record<ImportField, number>> = {};
  const taken = new Set<number>();
  for (const field of IMPORT_FIELDS) {
    const named = userColumns[field];
    if (named === undefined) continue;
    const index = normalized.findIndex((cell, i) => cell === normalizeHeader(named) && !taken.has(i));
    if (index >= 0) {
      found[field] = index;
      taken.add(index);
    }
  }
  const ambiguous: Ambiguity[] = [];
  for (const field of IMPORT_FIELDS) {
    if (userColumns[field] !== undefined || !layout.fields.includes(field)) continue;
    // The name the dataset's own header gives the field comes first (MMEW's `AU` before `Action Units`).
    const own = layout.columns.find((c) => c.field === field);
    const aliases = own ? [normalizeHeader(own.header), ...FIELD_ALIASES[field]] : FIELD_ALIASES[field];
    if (layout.dataset === 'generic') {
      const matches = normalized.flatMap((cell, i) => (cell !== '' && aliases.includes(cell) && !taken.has(i) ? [i] : []));
      if (matches.length > 1) ambiguous.push({ field, columns: matches.map((i) => cells[i] ?? '') });
      else if (matches.length === 1) {
        found[field] = matches[0] as number;
        taken.add(matches[0] as number);
      }
      continue;
    }
    for (const alias of aliases) {
      const index = normalized.findIndex((cell, i) => cell === alias && !taken.has(i));
      if (index >= 0) {
        found[field] = index;
        taken.add(index);
        break;
      }
    }
  }
  return { found, ambiguous };
}

const describeAmbiguity = (a: Ambiguity) => `${a.field} could be ${a.columns.map((c) => `'${c}'`).join(' or ')} (name it with --columns ${a.field}=<header>)`;

/**
 * Finds the header row (skipping preambles such as SAMM's 13 rows) and maps fields to
 * columns: the user's names first, then the standard names. Headerless layouts fall
 * back to their fixed column order when no header row is found.
 */
export function locateColumns(rows: readonly string[][], layout: DatasetLayout, userColumns: UserColumns = {}): ColumnMap {
  const required = new Set<ImportField>([...layout.required, ...(Object.keys(userColumns) as ImportField[])]);
  let best: { row: number; match: HeaderMatch } = { row: -1, match: { found: {}, ambiguous: [] } };
  for (let row = 0; row < Math.min(rows.length, HEADER_SCAN_ROWS); row++) {
    const match = matchHeader(rows[row] ?? [], layout, userColumns);
    const ambiguousRequired = match.ambiguous.filter((a) => required.has(a.field));
    const complete = [...required].every((f) => match.found[f] !== undefined || ambiguousRequired.some((a) => a.field === f));
    if (complete) {
      if (match.ambiguous.length) {
        throw new AppError('INVALID_INPUT', `Row ${row + 1} of the sheet could be read more than one way: ${match.ambiguous.map(describeAmbiguity).join('; ')}`, {
          issues: match.ambiguous.map((a) => ({ path: `columns.${a.field}`, message: describeAmbiguity(a) })),
        });
      }
      return columnMap(rows[row] ?? [], row, match.found);
    }
    if (Object.keys(match.found).length > Object.keys(best.match.found).length) best = { row, match };
  }
  if (layout.headerless && Object.keys(best.match.found).length === 0) {
    const fields: Partial<Record<ImportField, number>> = {};
    layout.headerless.forEach((field, index) => {
      if (field) fields[field] = index;
    });
    const names = layout.headerless.map((field, index) => field ?? `column ${index + 1}`);
    // The columns without a field (CAS(ME)²'s expression type and self-reported emotion) are kept as `column N`.
    const extras = layout.headerless.flatMap((field, index) => (field ? [] : [{ index, name: `column ${index + 1}` }]));
    return { headerRow: -1, fields, names, extras };
  }
  const missing = [...required].filter((f) => best.match.found[f] === undefined);
  const describe = (f: ImportField) => (userColumns[f] ? `'${userColumns[f]}'` : `${f} (e.g. ${FIELD_ALIASES[f].slice(0, 2).join(' / ')})`);
  if (layout.dataset === 'generic') {
    throw new AppError(
      'INVALID_INPUT',
      `A generic sheet needs columns for ${[...required].join(', ')}: no header row in the first ${HEADER_SCAN_ROWS} rows names ${missing.map(describe).join(', ')}. Name them with --columns (e.g. filename=Clip,onset=On,offset=Off)`,
    );
  }
  throw new AppError('INVALID_INPUT', `No ${layout.label} header row found in the first ${HEADER_SCAN_ROWS} rows: missing column ${missing.map(describe).join(', ')}`);
}

function columnMap(header: readonly string[], headerRow: number, fields: Partial<Record<ImportField, number>>): ColumnMap {
  const used = new Set(Object.values(fields));
  const extras = header.map((name, index) => ({ index, name: name.trim() })).filter((c) => c.name !== '' && !used.has(c.index));
  return { headerRow, fields, names: header.map((n, i) => n || `column ${i + 1}`), extras };
}
