import { AppError } from '@shared/errors';

/**
 * A streaming scanner for the XML of spreadsheet packages, fed UTF-8 bytes chunk by
 * chunk. It knows just enough XML for SpreadsheetML: elements, attributes, the five
 * predefined and numeric character references, comments, CDATA and processing
 * instructions. A DOCTYPE is refused outright, so no entity can expand. Text is decoded
 * only where the sink asks for it (cell values, shared strings), and every carried
 * fragment is bounded, so neither a runaway tag nor a gigabyte of text is ever held.
 */

export interface XmlTag {
  /** The local name, namespace prefix dropped. */
  readonly name: string;
  readonly selfClosing: boolean;
  /** An attribute's decoded value by local name, or undefined. Valid only during `start`. */
  attr(name: string): string | undefined;
  /**
   * Finds an attribute without decoding it: true, with its raw bytes at
   * `buffer[valueStart, valueEnd)`, or false. Valid only during `start`.
   */
  attrRange(name: string): boolean;
  readonly buffer: Buffer;
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface XmlSink {
  start(tag: XmlTag): void;
  /** Also called right after `start` for a self-closing tag. */
  end(name: string): void;
  /** Whether character data here matters; other text is skipped unseen. */
  readonly wantsText: boolean;
  /**
   * Character data as raw UTF-8 at `b[start, end)`, character references not yet
   * resolved (`decodeText` does that; `cdata` text is taken as it is). A sink that only
   * counts can look at the bytes without making a string.
   */
  text(b: Buffer, start: number, end: number, cdata: boolean): void;
  /** Text the sink wants has run past `maxText` bytes without an end: refuse it (names the cell). */
  textTooLong(): never;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

/** The longest tag, comment or instruction carried between chunks. */
const MAX_MARKUP = 1 << 20;

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Resolves character references; undefined names are refused (nothing declares any). */
export function decodeEntities(text: string, fail: (message: string) => never): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{1,12});/g, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(`the character reference ${whole} is not a character`);
      return String.fromCodePoint(code);
    }
    const named = PREDEFINED[name];
    if (named === undefined) fail(`the entity ${whole} is not defined`);
    return named;
  });
}

/** The text of a `text` call as a string, line ends normalised to LF as XML requires (a `&#13;` stays). */
export function decodeText(b: Buffer, start: number, end: number, cdata: boolean, fail: (message: string) => never): string {
  let text = b.toString('utf8', start, end);
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  return cdata ? text : decodeEntities(text, fail);
}

/** Names the scanner meets millions of times, interned without decoding. */
function nameAt(b: Buffer, start: number, end: number): string {
  let from = start;
  for (let i = start; i < end; i++) if (b[i] === COLON) from = i + 1;
  const length = end - from;
  const first = b[from];
  if (length === 1) {
    switch (first) {
      case 0x63:
        return 'c';
      case 0x76:
        return 'v';
      case 0x74:
        return 't';
      case 0x66:
        return 'f';
      case 0x72:
        return 'r';
    }
  } else if (length === 3 && first === 0x72 && b[from + 1] === 0x6f && b[from + 2] === 0x77) return 'row';
  else if (length === 2 && first === 0x69 && b[from + 1] === 0x73) return 'is';
  else if (length === 2 && first === 0x73 && b[from + 1] === 0x69) return 'si';
  return b.toString('latin1', from, end);
}

/** Whether the attribute name in b[start, end) has the local name `wanted` (and is no namespace declaration). */
function localNameIs(b: Buffer, start: number, end: number, wanted: string): boolean {
  let from = start;
  for (let i = start; i < end; i++) if (b[i] === COLON) from = i + 1;
  if (end - from !== wanted.length) return false;
  if (from === start ? wanted === 'xmlns' : b.toString('latin1', start, from - 1) === 'xmlns') return false;
  for (let i = 0; i < wanted.length; i++) if (b[from + i] !== wanted.charCodeAt(i)) return false;
  return true;
}

class Tag implements XmlTag {
  name = '';
  selfClosing = false;
  buffer: Buffer = Buffer.alloc(0);
  from = 0;
  to = 0;
  valueStart = 0;
  valueEnd = 0;

  constructor(private readonly fail: (message: string) => never) {}

  attr(wanted: string): string | undefined {
    if (!this.attrRange(wanted)) return undefined;
    // XML normalises literal line ends and tabs in attribute values to spaces.
    const raw = this.buffer.toString('utf8', this.valueStart, this.valueEnd).replace(/\r\n|[\r\n\t]/g, ' ');
    return decodeEntities(raw, this.fail);
  }

  attrRange(wanted: string): boolean {
    const b = this.buffer;
    const end = this.to;
    let i = this.from;
    while (i < end) {
      while (i < end && isSpace(b[i])) i++;
      if (i >= end) break;
      const nameStart = i;
      while (i < end && b[i] !== EQUALS && !isSpace(b[i])) i++;
      const nameEnd = i;
      while (i < end && isSpace(b[i])) i++;
      if (b[i] !== EQUALS) this.fail(`an attribute of <${this.name}> has no value`);
      i++;
      while (i < end && isSpace(b[i])) i++;
      const quote = b[i];
      if (quote !== QUOTE && quote !== APOSTROPHE) this.fail(`an attribute of <${this.name}> is not quoted`);
      const valueEnd = b.indexOf(quote, i + 1);
      if (valueEnd < 0 || valueEnd > end) this.fail(`an attribute of <${this.name}> is not closed`);
      if (localNameIs(b, nameStart, nameEnd, wanted)) {
        this.valueStart = i + 1;
        this.valueEnd = valueEnd;
        return true;
      }
      i = valueEnd + 1;
    }
    return false;
  }
}

/**
 * The index of the `>` closing the tag whose name starts at `from`, skipping quoted
 * values; -1 if it is not in `b`. Byte loops rather than `indexOf`: tags and cell texts
 * are a few bytes long, and a native call per search costs more than the search.
 */
function tagEnd(b: Buffer, from: number): number {
  const n = b.length;
  for (let k = from; k < n; k++) {
    const byte = b[k];
    if (byte === GT) return k;
    if (byte === QUOTE || byte === APOSTROPHE) {
      k++;
      while (k < n && b[k] !== byte) k++;
    }
  }
  return -1;
}

/** The index of the next `byte` at or after `from`, or -1. */
function find(b: Buffer, byte: number, from: number): number {
  const n = b.length;
  for (let k = from; k < n; k++) if (b[k] === byte) return k;
  return -1;
}

export class XmlScanner {
  #pending: Buffer | null = null;
  #started = false;
  readonly #tag: Tag;

  constructor(
    private readonly sink: XmlSink,
    /** "xl/worksheets/sheet1.xml of codes.xlsx", for messages. */
    private readonly part: string,
    /** Bytes of wanted text carried before `textTooLong`. */
    private readonly maxText: number,
  ) {
    this.#tag = new Tag(this.fail);
  }

  readonly fail = (message: string): never => {
    throw new AppError('INVALID_INPUT', `${this.part} is not a readable spreadsheet part: ${message}`);
  };

  write(chunk: Buffer): void {
    let b = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = null;
    if (!this.#started) {
      if (b.length < 3) {
        this.#pending = b;
        return;
      }
      this.#started = true;
      if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) this.fail('it is UTF-16 encoded; save the workbook again from a spreadsheet program');
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    }
    const n = b.length;
    let i = 0;
    while (i < n) {
      const lt = find(b, LT, i);
      if (lt < 0) {
        if (this.sink.wantsText) this.#carry(b, i, this.maxText, () => this.sink.textTooLong());
        return;
      }
      if (lt > i && this.sink.wantsText) this.sink.text(b, i, lt, false);
      const next = this.#markup(b, lt);
      if (next < 0) {
        this.#carry(b, lt, MAX_MARKUP, () => this.fail(`a tag, comment or instruction runs past ${MAX_MARKUP} bytes`));
        return;
      }
      i = next;
    }
  }

  end(): void {
    if (this.#pending && this.#pending.length > 0) {
      const rest = this.#pending;
      this.#pending = null;
      if (rest.indexOf(LT) >= 0 || this.sink.wantsText) this.fail('it ends in the middle of an element');
    }
  }

  #carry(b: Buffer, from: number, limit: number, overflow: () => never): void {
    if (b.length - from > limit) overflow();
    this.#pending = Buffer.from(b.subarray(from));
  }

  /** Handles the markup at `lt`; returns the index after it, or -1 when it is not complete in `b`. */
  #markup(b: Buffer, lt: number): number {
    const second = b[lt + 1];
    if (second === undefined) return -1;
    if (second === SLASH) {
      const gt = find(b, GT, lt + 2);
      if (gt < 0) return -1;
      let nameEnd = gt;
      while (nameEnd > lt + 2 && isSpace(b[nameEnd - 1])) nameEnd--;
      this.sink.end(nameAt(b, lt + 2, nameEnd));
      return gt + 1;
    }
    if (second === BANG) return this.#declaration(b, lt);
    if (second === QUESTION) {
      const close = b.indexOf('?>', lt + 2);
      return close < 0 ? -1 : close + 2;
    }
    const gt = tagEnd(b, lt + 1);
    if (gt < 0) return -1;
    let nameEnd = lt + 1;
    while (nameEnd < gt && !isSpace(b[nameEnd]) && b[nameEnd] !== SLASH) nameEnd++;
    const tag = this.#tag;
    tag.name = nameAt(b, lt + 1, nameEnd);
    tag.selfClosing = b[gt - 1] === SLASH;
    tag.buffer = b;
    tag.from = nameEnd;
    tag.to = tag.selfClosing ? gt - 1 : gt;
    this.sink.start(tag);
    if (tag.selfClosing) this.sink.end(tag.name);
    return gt + 1;
  }

  #declaration(b: Buffer, lt: number): number {
    if (b.length - lt < 9) return -1;
    const head = b.toString('latin1', lt, lt + 9);
    if (head.startsWith('<!--')) {
      const close = b.indexOf('-->', lt + 4);
      return close < 0 ? -1 : close + 3;
    }
    if (head === '<![CDATA[') {
      const close = b.indexOf(']]>', lt + 9);
      if (close < 0) return -1;
      if (this.sink.wantsText) this.sink.text(b, lt + 9, close, true);
      return close + 3;
    }
    if (head.toUpperCase().startsWith('<!DOCTYPE')) this.fail('it declares a DOCTYPE, which no spreadsheet part has');
    return this.fail(`unexpected markup ${JSON.stringify(head)}`);
  }
}

/** Scans a stream of chunks to its end. */
export async function scanXml(chunks: AsyncIterable<Buffer>, sink: XmlSink, part: string, maxText: number): Promise<void> {
  const scanner = new XmlScanner(sink, part, maxText);
  for await (const chunk of chunks) scanner.write(chunk);
  scanner.end();
}
