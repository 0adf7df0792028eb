import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSheet } from '../../src/main/corpus/import';
import { decodeText, scanXml, type XmlSink } from '../../src/main/corpus/import/xml-scan';
import { AppError } from '../../src/shared/errors';
import { forgeWorkbook, rowXml, worksheetXml, type ForgedWorkbook } from '../reliability/support/xlsx-forge';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-sheet-reader-');

/** A one-sheet workbook around the given `<row>` elements (or a whole worksheet part, when `raw`). */
async function workbook(xml: string, extra: Omit<ForgedWorkbook, 'sheets'> = {}, raw = false): Promise<string> {
  const path = join(tempDir(), 'book.xlsx');
  await forgeWorkbook(path, { sheets: [{ name: 'Codes', xml: raw ? xml : worksheetXml(xml) }], ...extra });
  return path;
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('INVALID_INPUT');
  return error as AppError;
}

describe('xlsx reader', () => {
  it('reads a ZIP64 package like any other', async () => {
    const path = await workbook(rowXml(1, ['a', 2]) + rowXml(2, ['b', 3]), { zip64: true });
    expect((await readSheet(path)).rows).toEqual([
      ['a', '2'],
      ['b', '3'],
    ]);
  });

  it('resolves references, CDATA, prefixes, phonetic runs and Excel escapes; places cells by reference', async () => {
    const xml = [
      '<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b &#x41;&#66;</t></is></c><!-- note --><c r="C1" t="inlineStr"><is><t><![CDATA[<raw> & ]]></t></is></c></row>',
      '<?pi ignored?><x:row xmlns:x="urn:x" r="3"><x:c r="B3" t="inlineStr"><x:is><x:r><x:t>漢</x:t></x:r><x:r><x:t>字</x:t></x:r><x:rPh sb="0" eb="1"><x:t>かん</x:t></x:rPh></x:is></x:c></x:row>',
      '<row><c t="inlineStr"><is><t>line_x000D_end</t></is></c><c><v>1.50</v></c><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>""</f><v></v></c><c t="inlineStr"><is><t xml:space="preserve">  x  </t></is></c></row>',
    ].join('');
    expect((await readSheet(await workbook(xml))).rows).toEqual([['a & b AB', '', '<raw> &'], [], ['', '漢字'], ['line\rend', '1.5', 'true', '#DIV/0!', '', 'x']]);
  });

  it('shows dates as dates by the cell style, in the 1900 and 1904 systems', async () => {
    const styles =
      '<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/></numFmts>' +
      '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>';
    const xml = '<row r="1"><c r="A1"><v>43831</v></c><c r="B1" s="1"><v>43831</v></c><c r="C1" s="2"><v>43831.5</v></c><c r="D1" s="3"><v>43831</v></c></row>';
    expect((await readSheet(await workbook(xml, { styles }))).rows[0]).toEqual(['43831', '2020-01-01T00:00:00.000Z', '2020-01-01T12:00:00.000Z', '43831']);
    expect((await readSheet(await workbook(xml, { styles, date1904: true }))).rows[0]?.[1]).toBe('2024-01-02T00:00:00.000Z');
  });

  it.each([
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE x [<!ENTITY a "aaaa">]><row r="1"><c r="A1"><v>1</v></c></row>', /DOCTYPE/],
    ['an undefined entity', '<row r="1"><c r="A1" t="inlineStr"><is><t>&bomb;</t></is></c></row>', /entity &bomb; is not defined/],
    ['rows out of order', rowXml(2, ['a']) + rowXml(1, ['b']), /row 1 of worksheet 'Codes' comes after row 2/],
    ['a repeated cell', '<row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row>', /cell B1 of worksheet 'Codes' comes after column B/],
    ['a cell past column XFD', '<row r="1"><c r="XFE1"><v>1</v></c></row>', /cell XFE1 of worksheet 'Codes' lies past column XFD/],
    ['a cell reference that is none', '<row r="1"><c r="1A"><v>1</v></c></row>', /cell reference '1A'/],
    ['a shared formula without a value', '<row r="1"><c r="A1"><f t="shared" si="0"/></c></row>', /cell A1 of worksheet 'Codes' holds a shared formula without a computed value/],
  ])('refuses %s', async (_, xml, message) => {
    expect((await refusal(readSheet(await workbook(xml)))).message).toMatch(message);
  });

  it('refuses a worksheet that ends inside a cell', async () => {
    const path = await workbook('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>open', {}, true);
    expect((await refusal(readSheet(path))).message).toMatch(/ends in the middle of an element/);
  });

  it('refuses legacy or password-protected workbooks and zips that are no workbook', async () => {
    const dir = tempDir();
    const ole = join(dir, 'locked.xlsx');
    writeFileSync(ole, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
    expect((await refusal(readSheet(ole))).message).toMatch(/legacy \.xls workbook or a password-protected one/);
  });

  it('scans the same events whatever the chunk boundaries', async () => {
    const xml = Buffer.from(
      `\uFEFF<?xml version="1.0"?><w a='x>y' b="1"><!-- c > d --><t>a&amp;b\r\nc</t><t><![CDATA[e]]f]]></t><e/><t>é漢😀</t></w>`,
      'utf8',
    );
    const record = async (chunks: Buffer[]) => {
      const events: string[] = [];
      let inT = false;
      const sink: XmlSink = {
        get wantsText() {
          return inT;
        },
        start: (tag) => {
          inT = tag.name === 't';
          events.push(`<${tag.name} a=${tag.attr('a')} b=${tag.attr('b')}${tag.selfClosing ? '/' : ''}>`);
        },
        end: (name) => {
          inT = false;
          events.push(`</${name}>`);
        },
        text: (b, start, end, cdata) => {
          events.push(decodeText(b, start, end, cdata, (m) => { throw new Error(m); }));
        },
        textTooLong: () => {
          throw new Error('too long');
        },
      };
      await scanXml((async function* () { yield* chunks; })(), sink, 'test', 1000);
      // Text split by a chunk boundary may arrive in pieces; compare it joined.
      return events.join('');
    };
    const whole = await record([xml]);
    expect(whole).toBe("<w a=x>y b=1><t a=undefined b=undefined>a&b\nc</t><t a=undefined b=undefined>e]]f</t><e a=undefined b=undefined/></e><t a=undefined b=undefined>é漢😀</t></w>");
    for (const size of [1, 2, 3, 5, 7]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < xml.length; i += size) chunks.push(xml.subarray(i, i + size));
      expect(await record(chunks)).toBe(whole);
    }
  });
});

describe('csv reader', () => {
  const csvFile = (content: string | Buffer, name = 'sheet.csv') => {
    const path = join(tempDir(), name);
    writeFileSync(path, content);
    return path;
  };

  it('reads quoted fields, doubled quotes, line breaks in cells and every line ending', async () => {
    const path = csvFile('\uFEFFa;"b;c";"say ""hi"""\r\n"multi\nline";x;;\r"tail"x;  pad  \n\n;;\nlast');
    expect((await readSheet(path)).rows).toEqual([['a', 'b;c', 'say "hi"'], ['multi\nline', 'x'], ['tailx', 'pad'], [], [], ['last']]);
  });

  it('reads records and characters across read chunks (UTF-8 and UTF-16)', async () => {
    const cell = 'é漢😀'.repeat(40);
    const lines = Array.from({ length: 6000 }, (_, i) => (i === 3000 ? `"quoted\n${cell}",${i}` : `${cell},${i}`));
    const text = `${lines.join('\n')}\n`;
    const expected = lines.map((_, i) => [i === 3000 ? `quoted\n${cell}` : cell, String(i)]);
    expect((await readSheet(csvFile(text, 'utf8.csv'))).rows).toEqual(expected);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(utf16.length).toBeGreaterThan(1 << 20);
    expect((await readSheet(csvFile(utf16, 'utf16.csv'))).rows).toEqual(expected);
  });

  it('holds a CSV to the limits it is given', async () => {
    const path = csvFile('a,b\nc,d\ne,f\n');
    expect((await readSheet(path, { maxRows: 3, maxCells: 6 })).rows).toHaveLength(3);
    expect((await refusal(readSheet(path, { maxRows: 2 }))).message).toMatch(/The sheet sheet\.csv has more than 2 rows.*--max-rows/);
    expect((await refusal(readSheet(path, { maxCells: 5 }))).message).toMatch(/has more than 5 cells.*--max-cells/);
    expect((await refusal(readSheet(path, { maxBytes: 10 }))).message).toMatch(/The sheet sheet\.csv is 12 bytes, more than the 10 bytes limit.*--max-sheet-mb/);
    expect((await refusal(readSheet(csvFile(`a,${'x'.repeat(40_000)}\n`)))).message).toMatch(/row 1, column 2 holds more than 32,767 characters/);
  });
});
