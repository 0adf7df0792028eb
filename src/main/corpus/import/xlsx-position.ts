import { AppError } from '@shared/errors';
import { MAX_COLUMNS } from './sheet-limits';
import type { XmlSink, XmlTag } from './xml-scan';

/** Column letters of a 0-based index: 0 → A, 26 → AA. */
export function columnLetters(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** The 0-based column of a cell reference such as `AB12` in `b[start, end)`, or -1 when it is none. */
function columnOf(b: Buffer, start: number, end: number): number {
  let column = 0;
  let k = start;
  for (; k < end; k++) {
    const byte = b[k]! & 0xdf; // upper case
    if (byte < 0x41 || byte > 0x5a) break;
    column = column * 26 + (byte - 0x40);
  }
  if (k === start || k - start > 3) return -1;
  for (; k < end; k++) if (b[k]! < 0x30 || b[k]! > 0x39) return -1;
  return column - 1;
}

/** A positive whole number written in `b[start, end)` (up to 15 digits), or -1. */
export function wholeNumberAt(b: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let k = start; k < end; k++) {
    const digit = b[k]! - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Where a worksheet scan is: the row and cell being read, from their `r` references or,
 * where a writer leaves them out, following the previous ones. Rows and cells out of
 * order, and cells past column XFD, are refused: no spreadsheet writes them, and a
 * repeated cell could show one value in a spreadsheet program and import another.
 */
export abstract class SheetPosition implements XmlSink {
  protected inData = false;
  protected inRow = false;
  protected inCell = false;
  protected row = 0;
  protected column = -1;

  constructor(
    protected readonly path: string,
    protected readonly sheetName: string,
  ) {}

  abstract readonly wantsText: boolean;
  abstract start(tag: XmlTag): void;
  abstract end(name: string): void;
  abstract text(b: Buffer, start: number, end: number, cdata: boolean): void;

  protected fail(message: string): never {
    throw new AppError('INVALID_INPUT', `Cannot read the sheet ${this.path}: ${message}`);
  }

  protected cellName(): string {
    return `cell ${columnLetters(this.column)}${this.row} of worksheet '${this.sheetName}'`;
  }

  textTooLong(): never {
    return this.fail(`${this.cellName()} holds more than 32,767 characters (a spreadsheet cell's limit): the file is damaged or forged`);
  }

  /** An attribute value as written, for a message. */
  static #written(tag: XmlTag): string {
    return tag.buffer.toString('utf8', tag.valueStart, Math.min(tag.valueEnd, tag.valueStart + 40));
  }

  protected startRow(tag: XmlTag): void {
    let row = this.row + 1;
    if (tag.attrRange('r')) {
      row = wholeNumberAt(tag.buffer, tag.valueStart, tag.valueEnd);
      if (row < 1) this.fail(`the row reference '${SheetPosition.#written(tag)}' of worksheet '${this.sheetName}' is not a row number`);
      if (row <= this.row) this.fail(`row ${row} of worksheet '${this.sheetName}' comes after row ${this.row}: the rows are out of order`);
    }
    this.row = row;
    this.column = -1;
    this.inRow = true;
  }

  protected startCell(tag: XmlTag): void {
    let column = this.column + 1;
    if (tag.attrRange('r')) {
      column = columnOf(tag.buffer, tag.valueStart, tag.valueEnd);
      if (column < 0) this.fail(`the cell reference '${SheetPosition.#written(tag)}' in row ${this.row} of worksheet '${this.sheetName}' is not a cell`);
      if (column <= this.column) this.fail(`cell ${SheetPosition.#written(tag)} of worksheet '${this.sheetName}' comes after column ${columnLetters(this.column)}: the cells are out of order`);
    }
    if (column >= MAX_COLUMNS) this.fail(`cell ${columnLetters(column)}${this.row} of worksheet '${this.sheetName}' lies past column ${columnLetters(MAX_COLUMNS - 1)}, the last a spreadsheet has`);
    this.column = column;
    this.inCell = true;
  }
}
