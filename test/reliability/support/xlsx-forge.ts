/**
 * Hand-built .xlsx files for hostile-sheet tests: every part is written as given, so a
 * test can make a workbook that no spreadsheet program would (a hidden first sheet, a
 * formula without its value, a shared-string index past the table, a zip that lies
 * about its sizes). Parts are deflated as streams, so a sheet of millions of repeated
 * rows costs a few hundred KB on disk and never sits in memory whole.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface ForgedEntry {
  readonly name: string;
  /** The uncompressed content, as one text or a stream of chunks. */
  readonly data: string | Buffer | Iterable<string | Buffer>;
  /** The uncompressed size to declare in the zip headers (default: the true size). */
  readonly declaredSize?: number;
}

interface Deflated {
  readonly name: Buffer;
  readonly compressed: Buffer;
  readonly crc: number;
  readonly size: number;
  readonly declaredSize: number;
}

async function deflate(entry: ForgedEntry): Promise<Deflated> {
  const source = typeof entry.data === 'string' || Buffer.isBuffer(entry.data) ? [entry.data] : entry.data;
  let crc = 0;
  let size = 0;
  const parts: Buffer[] = [];
  const counted = Readable.from(
    (function* () {
      for (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        crc = crc32(bytes, crc);
        size += bytes.length;
        yield bytes;
      }
    })(),
  );
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await pipeline(counted, createDeflateRaw({ level: 9 }), collect);
  return { name: Buffer.from(entry.name, 'utf8'), compressed: Buffer.concat(parts), crc, size, declaredSize: entry.declaredSize ?? size };
}

/**
 * Writes a zip of deflated entries. With `zip64` every size and offset goes in ZIP64
 * extra fields and records, as streaming writers of large workbooks do.
 */
export async function writeZip(path: string, entries: readonly ForgedEntry[], options: { zip64?: boolean } = {}): Promise<void> {
  const zip64 = options.zip64 ?? false;
  const deflated: Deflated[] = [];
  for (const entry of entries) deflated.push(await deflate(entry));
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const wide = (...values: number[]) => {
    const extra = Buffer.alloc(4 + 8 * values.length);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * values.length, 2);
    values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
    return extra;
  };
  const narrow = (value: number) => (zip64 ? 0xffffffff : value >>> 0);
  for (const e of deflated) {
    const localExtra = zip64 ? wide(e.declaredSize, e.compressed.length) : Buffer.alloc(0);
    const centralExtra = zip64 ? wide(e.declaredSize, e.compressed.length, offset) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(narrow(e.compressed.length), 18);
    local.writeUInt32LE(narrow(e.declaredSize), 22);
    local.writeUInt16LE(e.name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(zip64 ? 45 : 20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(e.crc >>> 0, 16);
    header.writeUInt32LE(narrow(e.compressed.length), 20);
    header.writeUInt32LE(narrow(e.declaredSize), 24);
    header.writeUInt16LE(e.name.length, 28);
    header.writeUInt16LE(centralExtra.length, 30);
    header.writeUInt32LE(narrow(offset), 42);
    out.push(local, e.name, localExtra, e.compressed);
    central.push(header, e.name, centralExtra);
    offset += local.length + e.name.length + localExtra.length + e.compressed.length;
  }
  const directory = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(deflated.length), 24);
    record.writeBigUInt64LE(BigInt(deflated.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : deflated.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : deflated.length, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  await pipeline(Readable.from([...out, directory, ...tail, end]), createWriteStream(path));
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface ForgedSheet {
  readonly name: string;
  readonly state?: 'hidden' | 'veryHidden';
  /** The whole worksheet part (see `worksheetXml`). */
  readonly xml: string | Iterable<string>;
  readonly declaredSize?: number;
}

export interface ForgedWorkbook {
  readonly sheets: readonly ForgedSheet[];
  readonly sharedStrings?: readonly string[];
  /** A styles part, written as given. */
  readonly styles?: string;
  /** `<workbookPr date1904="1"/>`: serial dates count from 1904. */
  readonly date1904?: boolean;
  readonly zip64?: boolean;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes a workbook with the given sheets in order (sheet1.xml, sheet2.xml, …). */
export async function forgeWorkbook(path: string, workbook: ForgedWorkbook): Promise<void> {
  const { sheets, sharedStrings, styles } = workbook;
  const overrides = sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`);
  const entries: ForgedEntry[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides.join('')}${sharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ''}</Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${workbook.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets
        .map((s, i) => `<sheet name="${escape(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
        .join('')}</sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL_NS}">${sheets
        .map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
        .join('')}${sharedStrings ? `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` : ''}${
        styles ? `<Relationship Id="rId${sheets.length + 2}" Type="${REL_NS}/styles" Target="styles.xml"/>` : ''
      }</Relationships>`,
    },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: s.xml, ...(s.declaredSize !== undefined ? { declaredSize: s.declaredSize } : {}) })),
  ];
  if (sharedStrings) {
    entries.push({
      name: 'xl/sharedStrings.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${MAIN_NS}" count="${sharedStrings.length}" uniqueCount="${sharedStrings.length}">${sharedStrings.map((s) => `<si><t>${escape(s)}</t></si>`).join('')}</sst>`,
    });
  }
  if (styles) entries.push({ name: 'xl/styles.xml', data: styles });
  await writeZip(path, entries, { zip64: workbook.zip64 ?? false });
}

/** Column letters of a 0-based column index (0 → A, 26 → AA). */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * Cells of one row as inline strings and numbers (`<c t="inlineStr">`, `<c><v>`). With
 * `row` null the row and its cells carry no `r` reference (they follow the previous
 * ones, as SpreadsheetML allows), so identical rows deflate to almost nothing; blank
 * cells are then written as empty `<c/>` to keep the columns in place.
 */
export function rowXml(row: number | null, cells: ReadonlyArray<string | number | null>): string {
  const parts = cells.map((value, i) => {
    const ref = row === null ? '' : ` r="${columnName(i)}${row}"`;
    if (value === null || value === '') return row === null ? '<c/>' : '';
    return typeof value === 'number' ? `<c${ref}><v>${value}</v></c>` : `<c${ref} t="inlineStr"><is><t>${escape(value)}</t></is></c>`;
  });
  return `<row${row === null ? '' : ` r="${row}"`}>${parts.join('')}</row>`;
}

/** A worksheet part around the given `<row>` elements (a text or a stream of them). */
export function* worksheetXml(rows: Iterable<string> | string): Iterable<string> {
  yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>`;
  if (typeof rows === 'string') yield rows;
  else yield* rows;
  yield '</sheetData></worksheet>';
}

/** `times` copies of `text`, batched into chunks of about 1 MB for the deflater. */
export function* repeated(text: string, times: number): Iterable<string> {
  const batch = Math.max(1, Math.floor(1_000_000 / text.length));
  const chunk = text.repeat(Math.min(batch, times));
  let left = times;
  while (left >= batch) {
    yield chunk;
    left -= batch;
  }
  if (left > 0) yield text.repeat(left);
}
