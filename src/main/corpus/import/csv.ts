import { createReadStream } from 'node:fs';
import { AppError } from '@shared/errors';
import { formatBytes, formatCount, MAX_CELL_CHARS, MAX_COLUMNS, type RowSink } from './sheet-limits';

/** The text encoding of a CSV file, from its byte-order mark. */
export interface CsvEncoding {
  readonly name: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Bytes of byte-order mark to skip. */
  readonly bom: number;
}

/** Excel's "Unicode text" and other Windows tools write UTF-16 with a byte-order mark. */
export function csvEncoding(head: Buffer): CsvEncoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { name: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { name: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { name: 'utf-16be', bom: 2 };
  // Without a mark, a NUL byte means a binary file, not text.
  return head.includes(0) ? null : { name: 'utf-8', bom: 0 };
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
/** The longest row carried between chunks while its end is not yet read. */
const MAX_ROW_BYTES = 16 * 1024 * 1024;

/** The file as UTF-8 bytes after its byte-order mark; past `maxBytes` (a file still growing) it is refused. */
async function* utf8Chunks(path: string, encoding: CsvEncoding, maxBytes: number, fail: (message: string) => never): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { start: encoding.bom, highWaterMark: 1 << 20 });
  const decoder = encoding.name === 'utf-8' ? null : new TextDecoder(encoding.name);
  let read = encoding.bom;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > maxBytes) fail(`it grew past the ${formatBytes(maxBytes)} limit while being read`);
      if (!decoder) yield chunk;
      else {
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield Buffer.from(text, 'utf8');
      }
    }
    const rest = decoder?.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
  } finally {
    stream.destroy();
  }
}

/** The delimiter of the first line: Excel writes `;` in locales with decimal commas. */
function delimiterOf(first: Buffer): number {
  const line = first.toString('utf8', 0, Math.min(first.length, 4096)).split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',').charCodeAt(0);
}

/**
 * RFC 4180 records from UTF-8 bytes: quoted fields may hold delimiters, doubled quotes
 * and line breaks; each field is decoded on its own, so no cell keeps a whole chunk
 * alive. A record is carried between chunks until its end is read, within MAX_ROW_BYTES.
 */
class CsvRecords {
  #carry: Buffer | null = null;
  #record = 0;

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: (record: number, fields: string[]) => void,
    private readonly fail: (message: string) => never,
  ) {}

  write(chunk: Buffer): void {
    const b = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = null;
    let start = 0;
    for (;;) {
      if (start >= b.length) return;
      const next = this.#parse(b, start, false);
      if (next < 0) {
        if (b.length - start > MAX_ROW_BYTES) this.fail(`row ${this.#record + 1} runs past ${formatBytes(MAX_ROW_BYTES)} (an unclosed quote?)`);
        this.#carry = Buffer.from(b.subarray(start));
        return;
      }
      start = next;
    }
  }

  end(): void {
    const rest = this.#carry;
    this.#carry = null;
    if (rest && rest.length > 0) this.#parse(rest, 0, true);
  }

  /** Parses one record at `start`; the index after it, or -1 if it may continue past `b`. */
  #parse(b: Buffer, start: number, final: boolean): number {
    const n = b.length;
    const delimiter = this.delimiter;
    const fields: string[] = [];
    let i = start;
    for (;;) {
      let field: string;
      if (b[i] === QUOTE) {
        let from = i + 1;
        let escaped = false;
        let close = -1;
        for (;;) {
          const quote = b.indexOf(QUOTE, from);
          if (quote < 0 || (quote + 1 >= n && !final)) break;
          if (b[quote + 1] === QUOTE) {
            escaped = true;
            from = quote + 2;
            continue;
          }
          close = quote;
          break;
        }
        if (close < 0 && !final) return -1;
        const end = close < 0 ? n : close;
        field = b.toString('utf8', i + 1, end);
        if (escaped) field = field.replaceAll('""', '"');
        i = close < 0 ? n : close + 1;
        // Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do.
        let k = i;
        while (k < n && b[k] !== delimiter && b[k] !== CR && b[k] !== LF) k++;
        if (k === n && !final) return -1;
        if (k > i) field += b.toString('utf8', i, k);
        i = k;
      } else {
        let k = i;
        while (k < n && b[k] !== delimiter && b[k] !== CR && b[k] !== LF) k++;
        if (k === n && !final) return -1;
        field = b.toString('utf8', i, k);
        i = k;
      }
      if (field.length > MAX_CELL_CHARS) this.fail(`the cell in row ${this.#record + 1}, column ${fields.length + 1} holds more than ${formatCount(MAX_CELL_CHARS)} characters (a spreadsheet cell's limit)`);
      fields.push(field.trim());
      if (fields.length > MAX_COLUMNS) this.fail(`row ${this.#record + 1} has more than ${formatCount(MAX_COLUMNS)} columns`);
      if (i >= n) break;
      if (b[i] === delimiter) {
        i++;
        if (i >= n) {
          if (!final) return -1;
          fields.push('');
          break;
        }
        continue;
      }
      // A line break: CRLF, LF or a lone CR; whether LF follows a final CR needs the next byte.
      if (b[i] === CR) {
        if (i + 1 >= n && !final) return -1;
        i += b[i + 1] === LF ? 2 : 1;
      } else {
        i += 1;
      }
      break;
    }
    this.#record++;
    this.onRecord(this.#record, fields);
    return i;
  }
}

/** Reads a CSV file's rows; the caller has checked its size against the limit. */
export async function scanCsv(path: string, encoding: CsvEncoding, maxBytes: number, onRow: RowSink): Promise<void> {
  const fail = (message: string): never => {
    throw new AppError('INVALID_INPUT', `Cannot read the sheet ${path}: ${message}`);
  };
  let records: CsvRecords | null = null;
  for await (const chunk of utf8Chunks(path, encoding, maxBytes, fail)) {
    records ??= new CsvRecords(
      delimiterOf(chunk),
      (record, fields) => {
        let width = fields.length;
        while (width > 0 && fields[width - 1] === '') width--;
        if (width > 0) onRow(record, width === fields.length ? fields : fields.slice(0, width));
      },
      fail,
    );
    records.write(chunk);
  }
  records?.end();
}
