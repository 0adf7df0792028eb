import { basename } from 'node:path';
import { formatCount, MAX_CELL_CHARS, type RowSink, type WidthSink } from './sheet-limits';
import { SheetPosition, wholeNumberAt } from './xlsx-position';
import { unescapeOoxml, type Workbook } from './xlsx-workbook';
import { decodeText, scanXml, type XmlTag } from './xml-scan';


/** Bytes of one text run carried before it is refused: a cell's limit, with room for `&#…;` references. */
const MAX_TEXT_BYTES = MAX_CELL_CHARS * 10;

const NONE = 0;
const VALUE = 1;
const FORMULA = 2;
const INLINE = 3;

/** Cell types (`t`) by their bytes, so millions of cells share a handful of strings. */
const CELL_TYPES = ['s', 'n', 'b', 'e', 'd', 'str', 'inlineStr'];

function cellType(tag: XmlTag): string {
  if (!tag.attrRange('t')) return 'n';
  const b = tag.buffer;
  const length = tag.valueEnd - tag.valueStart;
  for (const type of CELL_TYPES) {
    if (type.length !== length) continue;
    let same = true;
    for (let i = 0; i < length && same; i++) same = b[tag.valueStart + i] === type.charCodeAt(i);
    if (same) return type;
  }
  return tag.attr('t') ?? 'n';
}

/** An Excel serial date as ISO text (as the sheet shows a date, not the number under it). */
function excelDate(serial: number, date1904: boolean): string | null {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

const isBlankByte = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Turns a worksheet's `<row>`/`<c>` stream into rows of trimmed cell texts, the way a
 * spreadsheet shows them: shared strings looked up, numbers as numbers, dates as ISO
 * dates, booleans as true/false, errors as their `#` code. A formula without a stored
 * value, a shared-string index past the table and a cell longer than a cell can be are
 * refused, naming the cell.
 */
class CellReader extends SheetPosition {
  #cells: string[] = [];
  #type = 'n';
  #style = 0;
  #formula: string | null = null;
  #value: string | null = null;
  #inline: string | null = null;
  #inInline = false;
  #phonetic = 0;
  #target = NONE;

  constructor(
    private readonly book: Workbook,
    private readonly onRow: RowSink,
  ) {
    super(book.zip.path, book.sheet.name);
  }

  get wantsText(): boolean {
    return this.#target !== NONE;
  }

  start(tag: XmlTag): void {
    switch (tag.name) {
      case 'sheetData':
        this.inData = true;
        break;
      case 'row':
        if (this.inData) {
          this.startRow(tag);
          this.#cells = [];
        }
        break;
      case 'c':
        if (this.inRow) {
          this.startCell(tag);
          this.#type = cellType(tag);
          this.#style = tag.attrRange('s') ? wholeNumberAt(tag.buffer, tag.valueStart, tag.valueEnd) : 0;
          this.#formula = null;
          this.#value = null;
          this.#inline = null;
        }
        break;
      case 'v':
        if (this.inCell) {
          this.#value = '';
          this.#target = VALUE;
        }
        break;
      case 'f':
        if (this.inCell) {
          this.#formula = '';
          this.#target = FORMULA;
        }
        break;
      case 'is':
        if (this.inCell) {
          this.#inline = '';
          this.#inInline = true;
        }
        break;
      case 't':
        if (this.#inInline && this.#phonetic === 0) this.#target = INLINE;
        break;
      case 'rPh':
        if (this.#inInline) this.#phonetic++;
        break;
    }
  }

  end(name: string): void {
    switch (name) {
      case 'v':
      case 'f':
      case 't':
        this.#target = NONE;
        break;
      case 'rPh':
        if (this.#inInline) this.#phonetic--;
        break;
      case 'is':
        this.#inInline = false;
        break;
      case 'c':
        if (this.inCell) {
          this.inCell = false;
          const text = this.#cellText();
          if (text !== '') {
            while (this.#cells.length < this.column) this.#cells.push('');
            this.#cells.push(text);
          }
        }
        break;
      case 'row':
        if (this.inRow) {
          this.inRow = false;
          if (this.#cells.length > 0) this.onRow(this.row, this.#cells);
        }
        break;
      case 'sheetData':
        this.inData = false;
        break;
    }
  }

  text(b: Buffer, start: number, end: number, cdata: boolean): void {
    const text = decodeText(b, start, end, cdata, (message) => this.fail(`${this.cellName()}: ${message}`));
    if (this.#target === VALUE) this.#value += text;
    else if (this.#target === FORMULA) this.#formula += text;
    else this.#inline += text;
    if (Math.max(this.#value?.length ?? 0, this.#formula?.length ?? 0, this.#inline?.length ?? 0) > MAX_CELL_CHARS) this.textTooLong();
  }

  #cellText(): string {
    const value = this.#value;
    const formula = this.#formula;
    // openpyxl and other writers store formulas without their result (`<f>` and no or an empty `<v>`).
    if (formula !== null && (value === null || (value === '' && this.#type !== 'str'))) {
      const what = formula.trim() ? `the formula =${formula.trim().slice(0, 200)}` : 'a shared formula';
      this.fail(`${this.cellName()} holds ${what} without a computed value: open the workbook in a spreadsheet program and save it, so the values are stored with the formulas`);
    }
    switch (this.#type) {
      case 's': {
        const index = value?.trim() ?? '';
        if (index === '') return '';
        const strings = this.book.sharedStrings;
        const position = Number(index);
        if (!Number.isInteger(position) || position < 0 || position >= strings.length) {
          this.fail(`${this.cellName()} refers to shared string ${index.slice(0, 40)}, but the workbook has ${formatCount(strings.length)}`);
        }
        return strings[position]!;
      }
      case 'inlineStr':
        return unescapeOoxml(this.#inline ?? value ?? '').trim();
      case 'str':
        return unescapeOoxml(value ?? '').trim();
      case 'b':
        return value === '1' ? 'true' : value === '0' ? 'false' : (value ?? '').trim();
      case 'e':
      case 'd':
        return (value ?? '').trim();
      default: {
        const text = (value ?? '').trim();
        const number = Number(text);
        if (text === '' || !Number.isFinite(number)) return text;
        if (this.book.dateStyles[this.#style]) return excelDate(number, this.book.date1904) ?? String(number);
        return String(number);
      }
    }
  }
}

/**
 * The counting pass: which rows may hold data and how wide they are, from the raw bytes
 * and without making a string. It counts every cell with a non-blank value or inline
 * text, so it may count one the reading pass finds blank (an empty shared string), never
 * the other way round: a sheet it admits stays within the limits when read.
 */
class CellCounter extends SheetPosition {
  #width = 0;
  #filled = false;
  #inInline = false;
  #phonetic = 0;
  #target = false;

  constructor(
    book: Workbook,
    private readonly onRow: WidthSink,
  ) {
    super(book.zip.path, book.sheet.name);
  }

  get wantsText(): boolean {
    return this.#target;
  }

  start(tag: XmlTag): void {
    switch (tag.name) {
      case 'sheetData':
        this.inData = true;
        break;
      case 'row':
        if (this.inData) {
          this.startRow(tag);
          this.#width = 0;
        }
        break;
      case 'c':
        if (this.inRow) {
          this.startCell(tag);
          this.#filled = false;
        }
        break;
      case 'v':
        this.#target = this.inCell;
        break;
      case 'is':
        this.#inInline = this.inCell;
        break;
      case 't':
        this.#target = this.#inInline && this.#phonetic === 0;
        break;
      case 'rPh':
        if (this.#inInline) this.#phonetic++;
        break;
    }
  }

  end(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.#target = false;
        break;
      case 'rPh':
        if (this.#inInline) this.#phonetic--;
        break;
      case 'is':
        this.#inInline = false;
        break;
      case 'c':
        if (this.inCell) {
          this.inCell = false;
          if (this.#filled) this.#width = this.column + 1;
        }
        break;
      case 'row':
        if (this.inRow) {
          this.inRow = false;
          if (this.#width > 0) this.onRow(this.row, this.#width);
        }
        break;
      case 'sheetData':
        this.inData = false;
        break;
    }
  }

  text(b: Buffer, start: number, end: number): void {
    for (let k = start; k < end && !this.#filled; k++) if (!isBlankByte(b[k]!)) this.#filled = true;
  }
}

async function scan(book: Workbook, sink: SheetPosition): Promise<void> {
  const entry = book.zip.entry(book.sheet.part);
  if (!entry) throw new Error(`the worksheet '${book.sheet.name}' is missing`);
  await scanXml(book.zip.inflate(entry), sink, `${entry.name} of ${basename(book.zip.path)}`, MAX_TEXT_BYTES);
}

/** Reads the workbook's chosen worksheet, row by row. */
export function readWorksheet(book: Workbook, onRow: RowSink): Promise<void> {
  return scan(book, new CellReader(book, onRow));
}

/** Counts the rows and widths of the workbook's chosen worksheet. */
export function surveyWorksheet(book: Workbook, onRow: WidthSink): Promise<void> {
  return scan(book, new CellCounter(book, onRow));
}
