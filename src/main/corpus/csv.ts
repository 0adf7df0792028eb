/** A CSV cell value; null/undefined become empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

// Spreadsheet apps execute cells starting with these as formulas (CSV injection);
// a leading apostrophe makes them text, as OWASP recommends.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with CRLF line ending (RFC 4180). */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A whole CSV document: header then rows. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const parts = [csvLine(header)];
  for (const row of rows) parts.push(csvLine(row));
  return parts.join('');
}
