import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { detectLayout } from '../../src/main/corpus/import/detect';
import { readFramePath } from '../../src/main/corpus/import/frame-paths';
import { describeOtherSheets } from '../../src/main/corpus/import/xlsx-workbook';
import { FACS_MESSAGES, facsMessage, parseFacs, type FacsText } from '../../src/shared/facs';
import { IMPORT_MESSAGES, importMessage, type ImportText } from '../../src/shared/import-messages';
import { resources } from '../../src/renderer/src/i18n/resources';
import { facsText, importText } from '../../src/renderer/src/i18n/message-text';

// What main says about a sheet reaches the window as a key and its values, so the window can say it in
// Chinese; the English main writes is the same table's text.
const zh = i18next.createInstance();
await zh.init({ resources, lng: 'zh-CN', fallbackLng: 'en', interpolation: { escapeValue: false } });
const zhT = zh.t.bind(zh);

/** Latin words of three letters or more left in a Chinese sentence (quoted values, codes like AU12 and file extensions aside). */
function englishWords(text: string): string[] {
  return (text.replace(/'[^']*'|\.[a-z]+/g, '').match(/\b[a-z]{3,}\b/g) ?? []).filter((w) => !['or', 'ref'].includes(w));
}

function saysInChinese(text: ImportText, english: string): void {
  expect(importMessage(text)).toBe(english);
  expect(text.key in IMPORT_MESSAGES).toBe(true);
  const chinese = importText(zhT, text);
  expect(chinese).toMatch(/[\u4e00-\u9fff]/);
  expect(englishWords(chinese), chinese).toEqual([]);
}

describe('import texts in the window language', () => {
  it('says why a layout was chosen through a key', () => {
    const header = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion', 'Notes'];
    for (const rows of [[header], [['Subject', 'Filename', 'Onset', 'Offset']], [['s01', 'clip', '3', '5', '9']]]) {
      const detected = detectLayout(rows);
      saysInChinese(detected.text, detected.reason);
    }
  });

  it('says what is wrong with a frame path through a key', () => {
    for (const path of ['', 'a/../b.jpg', 'clip/notes.txt', 'img46.jpg', Array(70).fill('d').join('/') + '/x.jpg']) {
      const read = readFramePath(path);
      expect('error' in read, path).toBe(true);
      if ('error' in read) saysInChinese(read.error, importMessage(read.error));
    }
  });

  it("says which worksheet was read through a key", () => {
    const sheets = [
      { name: 'Codes', hidden: false, part: 'xl/worksheets/sheet1.xml' },
      { name: 'Old', hidden: true, part: 'xl/worksheets/sheet2.xml' },
      { name: 'Chart', hidden: false, part: null },
    ];
    const notes = describeOtherSheets(sheets, sheets[0]!);
    expect(notes).toHaveLength(1);
    for (const note of notes) saysInChinese(note, importMessage(note));
    expect(importMessage(notes[0]!)).toBe("read the worksheet 'Codes', the first visible one; not read: 'Old' (hidden), 'Chart' (not a worksheet)");
  });

  it("gives the FACS parser's reasons as keys, the same English, and Chinese for each", () => {
    const garbage = ['12+x', '12+', '12A/', '12(', 'ref(12+4)', '12+L12', '12+12', '12E+12A', '?12', '(12 or', '999', 'AU12 hello(', '\u000712', '12+T12+B12+12'];
    const keys = new Set<string>();
    for (const text of garbage) {
      const parsed = parseFacs(text);
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      const said: FacsText = parsed.error.text;
      keys.add(said.key);
      expect(facsMessage(said)).toBe(parsed.error.message);
      const chinese = facsText(zhT, said);
      expect(chinese, text).toMatch(/[\u4e00-\u9fff]/);
      expect(englishWords(chinese), chinese).toEqual([]);
    }
    expect(keys.size).toBeGreaterThan(8);
    expect(Object.keys(FACS_MESSAGES).length).toBeGreaterThan(20);
  });

  it('puts the FACS reason inside a coding-sheet row problem in Chinese', () => {
    const parsed = parseFacs('12+x');
    if (parsed.ok) throw new Error('parsed');
    const chinese = importText(zhT, { key: 'ausNotFacs', params: { text: '12+x', detail: parsed.error.message }, detail: parsed.error.text });
    expect(chinese).toContain('12+x');
    expect(englishWords(chinese), chinese).toEqual([]);
  });
});
