import { DEFAULT_SHEET_LIMITS, type SheetLimits } from '@shared/corpus-import';
import { AppError } from '@shared/errors';

/** Excel's own bounds: a cell reference past column XFD or a longer cell text is no spreadsheet's. */
export const MAX_COLUMNS = 16_384;
export const MAX_CELL_CHARS = 32_767;

/** Receives each row that holds data: its 1-based number and its cells up to the last non-blank one. */
export type RowSink = (rowNumber: number, cells: string[]) => void;
/** Receives each row that may hold data: its number and its width up to the last cell that may. */
export type WidthSink = (rowNumber: number, width: number) => void;

/** The `mellm import` option that raises each limit, named in the refusal. */
const RAISED_BY: Record<keyof SheetLimits, string> = { maxRows: '--max-rows', maxCells: '--max-cells', maxBytes: '--max-sheet-mb' };

export function sheetLimits(overrides: Partial<SheetLimits> = {}): SheetLimits {
  return { ...DEFAULT_SHEET_LIMITS, ...overrides };
}

/** `40 KB`, `1.26 GB`: decimal units, three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(3))} ${units[unit]}`;
}

export const formatCount = (n: number): string => n.toLocaleString('en');

/** A sheet past one of the limits: says which, and how to raise it for a file one trusts. */
export function overLimit(subject: string, limit: keyof SheetLimits, detail: string): AppError {
  return new AppError('INVALID_INPUT', `${subject} ${detail}: split the sheet, or raise the limit with mellm import ${RAISED_BY[limit]} if you trust the file`);
}

/** Counts a sheet's rows and cells against the limits while it is read. */
export class SheetBudget {
  #cells = 0;

  constructor(
    private readonly limits: SheetLimits,
    /** "The worksheet 'Codes' of codes.xlsx", "The sheet codes.csv". */
    private readonly subject: string,
  ) {}

  /** A row that holds data: its 1-based number and its width up to its last non-blank cell. */
  admit(rowNumber: number, width: number): void {
    if (rowNumber > this.limits.maxRows) throw overLimit(this.subject, 'maxRows', `has more than ${formatCount(this.limits.maxRows)} rows`);
    this.#cells += width;
    if (this.#cells > this.limits.maxCells) throw overLimit(this.subject, 'maxCells', `has more than ${formatCount(this.limits.maxCells)} cells`);
  }
}
