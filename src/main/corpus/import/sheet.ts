import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { AppError } from '@shared/errors';

/** A coding sheet as text cells: `rows[i]` is sheet row i + 1, cells are trimmed strings. */
export interface SheetTable {
  readonly rows: readonly string[][];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function head(path: string, bytes = 8): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new AppError('NOT_FOUND', `Cannot read the sheet ${path}`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    // Opening a folder succeeds on Linux; reading it fails with EISDIR.
    throw new AppError('NOT_FOUND', `Cannot read the sheet ${path}: it is not a file`, { cause: error });
  } finally {
    await handle.close();
  }
}

/** The delimiter of a CSV's first line: Excel writes `;` in locales with decimal commas. */
async function csvDelimiter(path: string): Promise<string> {
  const firstLine = (await head(path, 4096)).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

/** Text of one exceljs cell value, whatever its type (number, rich text, formula, date…). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text).trim();
    if ('error' in value) return '';
    return '';
  }
  return String(value).trim();
}

/**
 * Reads the first worksheet of an .xlsx or .csv file through exceljs. The format is
 * decided by content, not the extension, so a PNG renamed .xlsx is refused clearly.
 */
export async function readSheet(path: string): Promise<SheetTable> {
  const magic = await head(path);
  if (magic.length === 0) throw new AppError('INVALID_INPUT', `The sheet ${path} is empty`);
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  const isZip = magic.subarray(0, 4).equals(ZIP_MAGIC);
  try {
    if (isZip) {
      await workbook.xlsx.readFile(path);
      sheet = workbook.worksheets[0];
    } else if (extname(path).toLowerCase() === '.csv' && !magic.includes(0)) {
      // Keep every cell as written: the default mapping turns "01" into 1 and dates into Date.
      sheet = await workbook.csv.readFile(path, { map: (value: unknown) => value, parserOptions: { delimiter: await csvDelimiter(path) } });
    } else {
      throw new AppError('INVALID_INPUT', `${path} is neither an .xlsx workbook nor a .csv text file`);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_INPUT', `Cannot read the sheet ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!sheet) throw new AppError('INVALID_INPUT', `The workbook ${path} has no worksheet`);
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    rows[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  const table = Array.from(rows, (r) => r ?? []);
  if (!table.some((r) => r.some((c) => c !== ''))) throw new AppError('INVALID_INPUT', `The sheet ${path} has no data`);
  return { rows: table };
}
