import { basename, posix } from 'node:path';
import type { SheetLimits } from '@shared/corpus-import';
import { AppError } from '@shared/errors';
import type { ImportText } from '@shared/import-messages';
import { formatBytes, formatCount, MAX_CELL_CHARS, overLimit } from './sheet-limits';
import { decodeText, scanXml, type XmlSink, type XmlTag } from './xml-scan';
import { ZipArchive, type ZipEntry } from './zip';

/**
 * The parts of an .xlsx package around its cells: which sheets the workbook lists (in
 * the order the tabs show, with their visibility), which one is read, its shared strings
 * and which cell styles are dates. Every part is read as a stream and held to the limits.
 */

export interface WorkbookSheet {
  readonly name: string;
  readonly hidden: boolean;
  /** The worksheet part inside the package; null for a chart or macro sheet. */
  readonly part: string | null;
}

export interface Workbook {
  readonly zip: ZipArchive;
  readonly sheet: WorkbookSheet & { readonly part: string };
  readonly sharedStrings: readonly string[];
  /** Per cell style (`s` attribute): whether its number format shows a date or time. */
  readonly dateStyles: readonly boolean[];
  readonly date1904: boolean;
  /** Which sheet was read and which were not, when the workbook has more than one. */
  readonly notes: readonly ImportText[];
}

/** Package parts that describe rather than hold data: a few KB in any real workbook. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_TEXT_BYTES = MAX_CELL_CHARS * 10;

/** Built-in number formats that show dates or times (ECMA-376 18.8.30 and the East Asian ones). */
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A format code shows a date when, outside quotes and brackets, it has a date or time letter. */
export const isDateFormat = (code: string): boolean => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** Excel's `_xHHHH_` escapes for characters XML cannot carry (`_x000D_` is a carriage return). */
export const unescapeOoxml = (text: string): string => (text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text);

/** Collects the elements a small part is read for; nothing in it is text. */
class ElementSink implements XmlSink {
  readonly wantsText = false;
  constructor(private readonly onStart: (tag: XmlTag) => void) {}
  start(tag: XmlTag): void {
    this.onStart(tag);
  }
  end(): void {}
  text(): void {}
  textTooLong(): never {
    throw new Error('no text is read from this part');
  }
}

async function readElements(zip: ZipArchive, entry: ZipEntry, onStart: (tag: XmlTag) => void): Promise<void> {
  if (entry.size > MAX_METADATA_BYTES) throw ZipArchive.damaged(zip.path, `${entry.name} declares ${formatBytes(entry.size)}, far more than such a part holds`);
  await scanXml(zip.inflate(entry), new ElementSink(onStart), `${entry.name} of ${basename(zip.path)}`, MAX_TEXT_BYTES);
}

interface Relationship {
  readonly type: string;
  readonly target: string;
}

/** A part's relationships by id, targets resolved against the part's folder. */
async function relationships(zip: ZipArchive, part: string): Promise<Map<string, Relationship>> {
  const folder = posix.dirname(part);
  const entry = zip.entry(posix.join(folder, '_rels', `${posix.basename(part)}.rels`));
  const found = new Map<string, Relationship>();
  if (!entry) return found;
  await readElements(zip, entry, (tag) => {
    if (tag.name !== 'Relationship' || tag.attr('TargetMode') === 'External') return;
    const id = tag.attr('Id');
    const target = tag.attr('Target');
    if (id === undefined || target === undefined) return;
    const resolved = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(folder, target));
    found.set(id, { type: tag.attr('Type') ?? '', target: resolved });
  });
  return found;
}

const ofType = (rels: Map<string, Relationship>, suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix))?.target;

async function readSharedStrings(zip: ZipArchive, entry: ZipEntry, limits: SheetLimits): Promise<string[]> {
  const strings: string[] = [];
  const where = `${entry.name} of ${basename(zip.path)}`;
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  const fail = (message: string): never => {
    throw new AppError('INVALID_INPUT', `${where} is not a readable spreadsheet part: ${message}`);
  };
  const sink: XmlSink = {
    get wantsText() {
      return inText;
    },
    start(tag) {
      if (tag.name === 'si') current = '';
      else if (tag.name === 'rPh') phonetic++;
      else if (tag.name === 't' && current !== null && phonetic === 0) inText = true;
    },
    end(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && current !== null) {
        if (strings.length >= limits.maxCells) throw overLimit(`The workbook ${basename(zip.path)}`, 'maxCells', `has more than ${formatCount(limits.maxCells)} shared strings`);
        strings.push(unescapeOoxml(current).trim());
        current = null;
      }
    },
    text(b, start, end, cdata) {
      current += decodeText(b, start, end, cdata, fail);
      if ((current?.length ?? 0) > MAX_CELL_CHARS) sink.textTooLong();
    },
    textTooLong() {
      throw new AppError('INVALID_INPUT', `Shared string ${strings.length} in ${where} holds more than ${formatCount(MAX_CELL_CHARS)} characters (a spreadsheet cell's limit): the file is damaged or forged`);
    },
  };
  await scanXml(zip.inflate(entry), sink, where, MAX_TEXT_BYTES);
  return strings;
}

async function readDateStyles(zip: ZipArchive, entry: ZipEntry): Promise<boolean[]> {
  const formats = new Map<number, string>();
  const styles: number[] = [];
  let inCellFormats = false;
  await scanXml(
    zip.inflate(entry),
    {
      wantsText: false,
      start(tag) {
        if (tag.name === 'numFmt') formats.set(Number(tag.attr('numFmtId')), tag.attr('formatCode') ?? '');
        else if (tag.name === 'cellXfs') inCellFormats = true;
        else if (tag.name === 'xf' && inCellFormats) styles.push(Number(tag.attr('numFmtId') ?? 0));
      },
      end(name) {
        if (name === 'cellXfs') inCellFormats = false;
      },
      text() {},
      textTooLong() {
        throw new Error('no text is read from the styles');
      },
    },
    `${entry.name} of ${basename(zip.path)}`,
    MAX_TEXT_BYTES,
  );
  return styles.map((id) => {
    const custom = formats.get(id);
    return custom !== undefined ? isDateFormat(custom) : BUILT_IN_DATES.has(id);
  });
}

/** Which worksheet was read and which were not, when that is not plain (several sheets, or a hidden one read). */
export function describeOtherSheets(sheets: readonly WorkbookSheet[], read: WorkbookSheet): ImportText[] {
  if (sheets.length < 2 && !read.hidden) return [];
  const others: ImportText[] = sheets.filter((s) => s !== read).map((s) => ({ key: s.part === null ? 'sheetNotWorksheet' : s.hidden ? 'sheetHidden' : 'sheetOther', params: { name: s.name } }));
  const params = { name: read.name };
  if (!read.hidden) return [{ key: 'worksheetRead', params, lists: { others } }];
  return [others.length ? { key: 'worksheetReadHiddenOthers', params, lists: { others } } : { key: 'worksheetReadHidden', params }];
}

/** Opens a workbook and reads everything but its cells. */
export async function openWorkbook(path: string, limits: SheetLimits): Promise<Workbook> {
  const zip = await ZipArchive.open(path);
  const rootRels = await relationships(zip, '');
  const workbookPart = ofType(rootRels, '/officeDocument') ?? 'xl/workbook.xml';
  const workbookEntry = zip.entry(workbookPart);
  if (!workbookEntry) throw ZipArchive.damaged(path, 'it is a zip archive but not an .xlsx workbook (it has no workbook part)');
  const listed: Array<{ name: string; hidden: boolean; id: string | undefined }> = [];
  let date1904 = false;
  await readElements(zip, workbookEntry, (tag) => {
    if (tag.name === 'sheet') {
      const state = tag.attr('state');
      listed.push({ name: tag.attr('name') ?? `sheet ${listed.length + 1}`, hidden: state === 'hidden' || state === 'veryHidden', id: tag.attr('id') });
    } else if (tag.name === 'workbookPr') {
      const flag = tag.attr('date1904');
      date1904 = flag === '1' || flag === 'true';
    }
  });
  const rels = await relationships(zip, workbookEntry.name);
  const sheets: WorkbookSheet[] = listed.map(({ name, hidden, id }) => {
    const rel = id === undefined ? undefined : rels.get(id);
    return { name, hidden, part: rel?.type.endsWith('/worksheet') && zip.entry(rel.target) ? rel.target : null };
  });
  const worksheets = sheets.filter((s): s is WorkbookSheet & { part: string } => s.part !== null);
  const sheet = worksheets.find((s) => !s.hidden) ?? worksheets[0];
  if (!sheet) throw new AppError('INVALID_INPUT', `The workbook ${path} has no worksheet`);

  const sheetEntry = zip.entry(sheet.part)!;
  const stringsPart = ofType(rels, '/sharedStrings');
  const stylesPart = ofType(rels, '/styles');
  const stringsEntry = stringsPart === undefined ? undefined : zip.entry(stringsPart);
  const stylesEntry = stylesPart === undefined ? undefined : zip.entry(stylesPart);
  // Declared sizes first: a bomb is refused before a byte of it is inflated.
  const declared = sheetEntry.size + (stringsEntry?.size ?? 0) + (stylesEntry?.size ?? 0);
  if (declared > limits.maxBytes) {
    const counting = declared > sheetEntry.size ? ' (counting the shared strings and styles it uses)' : '';
    throw overLimit(`The worksheet '${sheet.name}' of ${basename(path)}`, 'maxBytes', `unpacks to ${formatBytes(declared)}${counting}, more than the ${formatBytes(limits.maxBytes)} limit`);
  }
  return {
    zip,
    sheet,
    sharedStrings: stringsEntry ? await readSharedStrings(zip, stringsEntry, limits) : [],
    dateStyles: stylesEntry ? await readDateStyles(zip, stylesEntry) : [],
    date1904,
    notes: describeOtherSheets(sheets, sheet),
  };
}
