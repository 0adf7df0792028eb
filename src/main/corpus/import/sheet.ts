import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { SheetLimits } from '@shared/corpus-import';
import type { ImportText } from '@shared/import-messages';
import { AppError } from '@shared/errors';
import { csvEncoding, scanCsv } from './csv';
import { formatBytes, overLimit, SheetBudget, sheetLimits, type RowSink, type WidthSink } from './sheet-limits';
import { openWorkbook } from './xlsx-workbook';
import { readWorksheet, surveyWorksheet } from './xlsx-sheet';

/** A coding sheet as text cells: `rows[i]` is sheet row i + 1, cells are trimmed strings. */
export interface SheetTable {
  readonly rows: readonly string[][];
  /** The worksheet read from a workbook; null for a CSV file. */
  readonly worksheet: string | null;
  /** What the user should know about the file as a whole, such as which sheet was read. */
  readonly notes: readonly ImportText[];
}

/** One readable sheet, scanned as often as asked without holding its rows. */
interface SheetSource {
  /** "The worksheet 'Codes' of codes.xlsx", "The sheet codes.csv": the subject of refusals. */
  readonly subject: string;
  readonly worksheet: string | null;
  readonly notes: readonly ImportText[];
  /** Counts rows and widths, at least as many as `read` will find. */
  survey(onRow: WidthSink): Promise<void>;
  read(onRow: RowSink): Promise<void>;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** OLE compound files: legacy .xls workbooks and password-protected .xlsx ones. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The size of a regular file; anything else (a folder, a FIFO that would block, a device) is refused. */
async function regularFileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: unknown) => {
    throw new AppError('NOT_FOUND', `Cannot read the sheet ${path}`, { cause: error });
  });
  if (!info.isFile()) throw new AppError('NOT_FOUND', `Cannot read the sheet ${path}: it is not a file`);
  return info.size;
}

async function head(path: string, bytes = 8): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new AppError('NOT_FOUND', `Cannot read the sheet ${path}`, { cause: error });
  });
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Decides the format by content, not the extension, so a PNG renamed .xlsx is refused clearly. */
async function openSource(path: string, size: number, magic: Buffer, limits: SheetLimits): Promise<SheetSource> {
  if (magic.subarray(0, 4).equals(ZIP_MAGIC)) {
    const book = await openWorkbook(path, limits);
    return {
      subject: `The worksheet '${book.sheet.name}' of ${basename(path)}`,
      worksheet: book.sheet.name,
      notes: book.notes,
      survey: (onRow) => surveyWorksheet(book, onRow),
      read: (onRow) => readWorksheet(book, onRow),
    };
  }
  if (magic.equals(OLE_MAGIC)) {
    throw new AppError('INVALID_INPUT', `${path} is a legacy .xls workbook or a password-protected one: save it as an .xlsx workbook without a password, or as .csv`);
  }
  const encoding = extname(path).toLowerCase() === '.csv' ? csvEncoding(magic) : null;
  if (!encoding) throw new AppError('INVALID_INPUT', `${path} is neither an .xlsx workbook nor a .csv text file`);
  const subject = `The sheet ${basename(path)}`;
  if (size > limits.maxBytes) throw overLimit(subject, 'maxBytes', `is ${formatBytes(size)}, more than the ${formatBytes(limits.maxBytes)} limit`);
  return {
    subject,
    worksheet: null,
    notes: [],
    survey: (onRow) => scanCsv(path, encoding, limits.maxBytes, (row, cells) => onRow(row, cells.length)),
    read: (onRow) => scanCsv(path, encoding, limits.maxBytes, onRow),
  };
}

/**
 * Reads the first visible worksheet of an .xlsx file, or a .csv file (UTF-8, or UTF-16
 * with a byte-order mark), as streams. A first pass only counts rows and cells against
 * the limits, so a sheet past them is turned away before a row is kept; the second pass
 * keeps the rows and refuses cells no sheet should hold, naming them.
 */
export async function readSheet(path: string, limits: Partial<SheetLimits> = {}): Promise<SheetTable> {
  const bounds = sheetLimits(limits);
  const size = await regularFileSize(path);
  const magic = await head(path);
  if (magic.length === 0) throw new AppError('INVALID_INPUT', `The sheet ${path} is empty`);
  const rows: string[][] = [];
  let source: SheetSource;
  try {
    source = await openSource(path, size, magic, bounds);
    const survey = new SheetBudget(bounds, source.subject);
    await source.survey((row, width) => survey.admit(row, width));
    // Counted again: the file may have grown between the passes.
    const kept = new SheetBudget(bounds, source.subject);
    await source.read((row, cells) => {
      kept.admit(row, cells.length);
      rows[row - 1] = cells;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_INPUT', `Cannot read the sheet ${path}: ${(error as Error).message}`, { cause: error });
  }
  const table = Array.from(rows, (r) => r ?? []);
  if (!table.some((r) => r.length > 0)) throw new AppError('INVALID_INPUT', `The sheet ${path} has no data`);
  return { rows: table, worksheet: source.worksheet, notes: source.notes };
}
