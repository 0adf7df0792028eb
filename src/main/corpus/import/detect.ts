import { AppError } from '@shared/errors';
import { importMessage, type ImportText } from '@shared/import-messages';
import { HEADER_SCAN_ROWS, locateColumns, matchHeader } from './columns';
import { LAYOUTS, normalizeHeader, type DatasetLayout } from './layouts';

/** The layout `--dataset auto` chose, and why, in words for the user. */
export interface DetectedLayout {
  readonly layout: DatasetLayout;
  readonly reason: string;
  /** The reason as a key and its values, for the window to say in its language. */
  readonly text: ImportText;
}

function chosen(layout: DatasetLayout, text: ImportText): DetectedLayout {
  return { layout, reason: importMessage(text), text };
}

interface Candidate {
  readonly layout: DatasetLayout;
  readonly row: number;
  /** Named columns the layout does not know: fewer is a closer match. */
  readonly unknown: readonly string[];
}

/** Layouts recognised by their header; generic and headerless CAS(ME)² are the fallbacks. */
const NAMED = Object.values(LAYOUTS).filter((l) => l.dataset !== 'generic' && !l.headerless);

function candidate(cells: readonly string[], row: number, layout: DatasetLayout): Candidate | null {
  const { found } = matchHeader(cells, layout);
  if (!layout.required.every((f) => found[f] !== undefined)) return null;
  const normalized = cells.map(normalizeHeader);
  if (!layout.signature.every((name) => normalized.includes(name))) return null;
  const mapped = new Set(Object.values(found));
  const known = new Set(layout.columns.map((c) => normalizeHeader(c.header)));
  const unknown = cells.filter((cell, i) => normalized[i] !== '' && !mapped.has(i) && !known.has(normalized[i] as string));
  // A layout with nothing distinctive in its header (SMIC) must match it exactly.
  if (layout.signature.length === 0 && unknown.length > 0) return null;
  return { layout, row, unknown };
}

const names = (cells: readonly string[]) => cells.filter((c) => c !== '').join(', ');

/** The first row of a CAS(ME)²-style headerless sheet: participant, name, then three frame numbers. */
function looksHeaderless(rows: readonly string[][]): boolean {
  const first = rows.find((r) => r.some((c) => c !== ''));
  return !!first && /^\w+$/.test(first[0] ?? '') && [2, 3, 4].every((i) => /^\d+(\.0+)?$/.test(first[i] ?? ''));
}

/**
 * Guesses a sheet's layout from its header row (`--dataset auto`): the first row in
 * which some dataset's header is found decides; of the layouts it fits, the one that
 * leaves fewest columns unexplained wins. Two equally good fits are an error naming
 * both. A header no dataset claims is read as a generic sheet when the standard names
 * map; a sheet with no header at all whose first row holds frame numbers as CAS(ME)²'s.
 */
export function detectLayout(rows: readonly string[][]): DetectedLayout {
  for (let row = 0; row < Math.min(rows.length, HEADER_SCAN_ROWS); row++) {
    const cells = rows[row] ?? [];
    const fits = NAMED.flatMap((layout) => candidate(cells, row, layout) ?? []);
    if (fits.length === 0) continue;
    const fewest = Math.min(...fits.map((c) => c.unknown.length));
    const best = fits.filter((c) => c.unknown.length === fewest);
    if (best.length > 1) {
      throw new AppError(
        'INVALID_INPUT',
        `Cannot tell the layout from header row ${row + 1} (${names(cells)}): it fits ${best.map((c) => `${c.layout.dataset} (${c.layout.label})`).join(' and ')} equally well. Pass --dataset ${best.map((c) => c.layout.dataset).join(' or --dataset ')}`,
      );
    }
    const fit = best[0] as Candidate;
    const params = { row: row + 1, cells: names(cells), layout: fit.layout.label };
    return chosen(fit.layout, fit.unknown.length ? { key: 'layoutFromHeaderExtras', params: { ...params, extras: fit.unknown.join(', ') } } : { key: 'layoutFromHeader', params });
  }
  try {
    const generic = locateColumns(rows, LAYOUTS.generic);
    return chosen(LAYOUTS.generic, { key: 'layoutGeneric', params: { row: generic.headerRow + 1, cells: names(rows[generic.headerRow] ?? []) } });
  } catch (error) {
    // Standard names claimed by two columns: that error already names the candidates.
    if (error instanceof AppError && error.issues?.some((issue) => issue.path.startsWith('columns.'))) throw error;
    if (looksHeaderless(rows)) return chosen(LAYOUTS.casme2x, { key: 'layoutHeaderless', params: {} });
    throw new AppError(
      'INVALID_INPUT',
      `Cannot tell the layout: no dataset's header row (${NAMED.map((l) => l.label).join(', ')}) in the first ${HEADER_SCAN_ROWS} rows, and no columns for filename, onset and offset by their standard names. Pass --dataset, or name the columns with --dataset generic --columns`,
    );
  }
}
