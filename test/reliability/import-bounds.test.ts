/**
 * Bounded imports (issue 17, items 7, 8, 9 and the sheet and FACS parts of 15): hostile
 * or huge coding sheets go through `mellm import` in a child process, held to a time and
 * memory budget, and each ends in a typed, readable answer with the workspace unchanged.
 * The big sheets are generated here, as streams: a deflated run of identical rows is a
 * few hundred KB on disk however many rows it unpacks to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/shared/corpus-import';
import { parseFacs } from '../../src/shared/facs';
import { CASME2_HEADER as HEADER, csvText as csv, GOOD_ROW, makeImportFixture, runMellmImport, writeBadRowsCsv, writeRowsWorkbook, type ImportFixture } from './support/import-fixture';
import { runImportDriver } from './support/measured';
import { fingerprintFile, seedWorkspace } from './support/workspace';
import { forgeWorkbook, repeated, rowXml, worksheetXml, type ForgedSheet } from './support/xlsx-forge';

/**
 * What a hostile sheet may cost (the goals): the import's own CPU time, which a
 * busy machine does not inflate as it does wall time (the driver's timeout still bounds a
 * hang; wall-clock figures are the bench's), and peak memory.
 */
const BUDGET = { cpuMs: 5_000, rssMB: 500 };

let dir = '';
let fixture: ImportFixture;
let workspace = '';
/** Dry runs go to their own workspace, so a sheet wrongly imported by one test cannot mask another. */
let previewWorkspace = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-import-bounds-'));
  fixture = await makeImportFixture(dir);
  workspace = fixture.workspace;
  previewWorkspace = join(dir, 'preview.mellm');
  await seedWorkspace(previewWorkspace);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mellmImport = (sheet: string, extra: readonly string[] = []) => runMellmImport(fixture, sheet, extra);

/** The dry-run report of a sheet that must be readable. */
async function preview(sheet: string): Promise<{ exitCode: number; report: ImportReport }> {
  const result = await runMellmImport(fixture, sheet, ['--dry-run', '--json'], 60_000, previewWorkspace);
  if (!result.out) throw new Error(`no report: ${result.err}`);
  return { exitCode: result.exitCode, report: JSON.parse(result.out) as ImportReport };
}

/** Refused as bad input (exit 2) with a readable message, never a JavaScript error text. */
function expectRefused(result: { exitCode: number; err: string }, message: RegExp): void {
  expect(result.err).toMatch(/^mellm import: \S/);
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/TypeError|RangeError|Cannot read properties|Invalid string length|undefined|\n\s+at /);
  expect(result.exitCode).toBe(2);
}

const sheetOf = (rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string => [...worksheetXml(rows.map((r, i) => rowXml(i + 1, r)))].join('');
const forge = async (name: string, sheets: ForgedSheet[], sharedStrings?: string[]) => {
  const path = join(dir, name);
  await forgeWorkbook(path, { sheets, ...(sharedStrings ? { sharedStrings } : {}) });
  return path;
};

describe('7: import diagnostics are linear in rows', () => {
  it('diagnoses a 100,000-row sheet where every row is bad within 5 s and 500 MB, counting every problem', async () => {
    const sheet = writeBadRowsCsv(join(dir, 'bad-100k.csv'), 100_000);
    const before = fingerprintFile(workspace);
    const result = await mellmImport(sheet);
    expectRefused(result, /Nothing imported from bad-100k\.csv: no importable rows/);
    expect(result.err).toMatch(/row 2, OffsetFrame: onset 9 is after offset 1/);
    const more = Number(/… and (\d+) more/.exec(result.err)?.[1]);
    expect(more + 20).toBeGreaterThanOrEqual(100_000);
    expect(result.cpuMs).toBeLessThanOrEqual(BUDGET.cpuMs);
    expect(result.maxRssMB).toBeLessThanOrEqual(BUDGET.rssMB);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 120_000);
});

describe('8: large workbooks and zip bombs are refused early', () => {
  it('refuses a 3,000,000-row workbook by counting rows, within 5 s and 500 MB', async () => {
    const sheet = await writeRowsWorkbook(join(dir, '3m-rows.xlsx'), 3_000_000);
    const before = fingerprintFile(workspace);
    const result = await mellmImport(sheet);
    expectRefused(result, /worksheet 'Sheet1' of 3m-rows\.xlsx has more than 1,048,576 rows.*--max-rows/s);
    expect(result.cpuMs).toBeLessThanOrEqual(BUDGET.cpuMs);
    expect(result.maxRssMB).toBeLessThanOrEqual(BUDGET.rssMB);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 180_000);

  it('refuses a zip bomb by its declared size before inflating, and one that understates its size while inflating', async () => {
    // ~1.26 GB of sheet XML in a file of about a megabyte.
    const row = rowXml(null, [...GOOD_ROW.slice(0, 7), 'x'.repeat(420)]);
    const bomb = () => worksheetXml(repeated(row, Math.ceil(1.26e9 / row.length)));
    const honest = await forge('bomb.xlsx', [{ name: 'Sheet1', xml: bomb() }]);
    const before = fingerprintFile(workspace);
    const declared = await mellmImport(honest);
    expectRefused(declared, /worksheet 'Sheet1' of bomb\.xlsx unpacks to 1\.2\d GB, more than the 1 GB limit.*--max-sheet-mb/s);
    expect(declared.ms).toBeLessThanOrEqual(1_000);

    const lying = await forge('bomb-lying.xlsx', [{ name: 'Sheet1', xml: bomb(), declaredSize: 40_000 }]);
    const inflated = await mellmImport(lying);
    expectRefused(inflated, /xl\/worksheets\/sheet1\.xml of bomb-lying\.xlsx unpacks to more than its declared 40 KB/);
    for (const result of [declared, inflated]) {
      expect(result.cpuMs).toBeLessThanOrEqual(BUDGET.cpuMs);
      expect(result.maxRssMB).toBeLessThanOrEqual(BUDGET.rssMB);
    }
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 240_000);

  it('refuses one runaway cell (a bomb unpacking into a single string) naming the cell', async () => {
    const xml = worksheetXml([rowXml(1, HEADER), '<row r="2"><c r="A2" t="inlineStr"><is><t>', ...repeated('A', 600_000_000), '</t></is></c></row>']);
    const sheet = await forge('one-cell.xlsx', [{ name: 'Sheet1', xml }]);
    const before = fingerprintFile(workspace);
    const result = await mellmImport(sheet);
    expectRefused(result, /cell A2 of worksheet 'Sheet1'.* more than 32,767 characters/);
    expect(result.cpuMs).toBeLessThanOrEqual(BUDGET.cpuMs);
    expect(result.maxRssMB).toBeLessThanOrEqual(BUDGET.rssMB);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 180_000);

  it('takes its limits from the command line, and the defaults admit 1,000,000 rows × 10 columns', async () => {
    const small = join(dir, 'twenty.csv');
    writeFileSync(small, csv([HEADER, ...Array.from({ length: 20 }, (_, i) => ['01', 'EP01', 1, 5, 9 + (i % 10), null, 'AU12', `e${i}`])]));
    const before = fingerprintFile(workspace);
    expectRefused(await mellmImport(small, ['--max-rows', '10']), /twenty\.csv has more than 10 rows.*--max-rows/s);
    expectRefused(await mellmImport(small, ['--max-cells', '50']), /twenty\.csv has more than 50 cells.*--max-cells/s);
    expectRefused(await mellmImport(small, ['--max-rows', 'lots']), /--max-rows must be a whole number from 1 to/);
    const wide = await forge('wide.xlsx', [{ name: 'Sheet1', xml: worksheetXml(repeated(rowXml(null, [...GOOD_ROW.slice(0, 7), 'y'.repeat(2_000)]), 1_000)) }]);
    expectRefused(await mellmImport(wide, ['--max-sheet-mb', '1']), /worksheet 'Sheet1' of wide\.xlsx unpacks to 2\.\d+ MB, more than the 1 MB limit/);
    expect(fingerprintFile(workspace)).toEqual(before);

    const tenColumns = ['01', 'EP01', 1, 5, 9, 'x', 'AU12', 'happiness', 'note', 42];
    const million = await forge('million.xlsx', [{ name: 'Sheet1', xml: worksheetXml(repeated(rowXml(null, tenColumns), 1_000_000)) }]);
    const run = await runImportDriver(['read', million], 120_000);
    expect(run.ok ? run.result : run.reason).toMatchObject({ rows: 1_000_000, cells: 10_000_000 });
  }, 240_000);
});

describe('9: formulas without a computed value', () => {
  const withApex = (apexCell: string) => `${rowXml(1, HEADER)}<row r="2"><c r="A2" t="inlineStr"><is><t>01</t></is></c><c r="B2" t="inlineStr"><is><t>EP01</t></is></c><c r="C2"><v>1</v></c>${apexCell}<c r="E2"><v>9</v></c></row>`;

  it('refuses a formula cell without a cached value, naming the cell (as openpyxl writes them, with and without an empty <v>)', async () => {
    const before = fingerprintFile(workspace);
    for (const [name, cell] of [
      ['formula-no-value.xlsx', '<c r="D2"><f>C2+4</f></c>'],
      ['formula-empty-value.xlsx', '<c r="D2"><f>C2+4</f><v></v></c>'],
    ] as const) {
      const sheet = await forge(name, [{ name: 'Codes', xml: worksheetXml(withApex(cell)) }]);
      expectRefused(await mellmImport(sheet), /cell D2 of worksheet 'Codes' holds the formula =C2\+4 without a computed value/);
    }
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('imports the cached value of a computed formula', async () => {
    const sheet = await forge('formula-cached.xlsx', [{ name: 'Codes', xml: worksheetXml(withApex('<c r="D2"><f>C2+4</f><v>5</v></c>')) }]);
    const { exitCode, report } = await preview(sheet);
    expect(exitCode).toBe(0);
    expect(report.rows[0]).toMatchObject({ ok: true, datasetFrames: { onset: 1, apex: 5, offset: 9 } });
  });
});

describe('15: sheet encodings, sheet choice, damaged workbooks and contradictory AU sets', () => {
  it('reads UTF-16 CSV with a byte-order mark (little- and big-endian)', async () => {
    const text = csv([HEADER, GOOD_ROW]);
    const le = join(dir, 'utf16le.csv');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = join(dir, 'utf16be.csv');
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    for (const sheet of [le, be]) {
      const { exitCode, report } = await preview(sheet);
      expect(exitCode).toBe(0);
      expect(report.rows).toEqual([expect.objectContaining({ ok: true, subject: '01', filename: 'EP01', aus: 'AU12', emotion: 'happiness' })]);
    }
  });

  it('refuses a shared-string index past the table with a message naming the cell', async () => {
    const strings = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'Estimated Emotion', '01'];
    const header = strings.slice(0, 5).map((_, i) => `<c r="${'ABCDE'[i]}1" t="s"><v>${i}</v></c>`).join('');
    const xml = worksheetXml(`<row r="1">${header}</row><row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>999</v></c><c r="C2"><v>1</v></c><c r="D2"><v>5</v></c><c r="E2"><v>9</v></c></row>`);
    const sheet = await forge('shared-strings.xlsx', [{ name: 'Sheet1', xml }], strings);
    const before = fingerprintFile(workspace);
    expectRefused(await mellmImport(sheet), /cell B2 of worksheet 'Sheet1' refers to shared string 999, but the workbook has 8/);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('reads the first visible worksheet and says which one, naming a hidden first sheet it skipped', async () => {
    const sheet = await forge('hidden-first.xlsx', [
      { name: 'Old codes', state: 'hidden', xml: sheetOf([HEADER, ['01', 'EP01', 1, 7, 9, null, 'AU4', 'anger']]) },
      { name: 'Codes', xml: sheetOf([HEADER, GOOD_ROW]) },
    ]);
    const { exitCode, report } = await preview(sheet);
    expect(exitCode).toBe(0);
    expect(report.worksheet).toBe('Codes');
    expect(report.rows).toEqual([expect.objectContaining({ datasetFrames: { onset: 1, apex: 5, offset: 9 }, aus: 'AU12' })]);
    expect(report.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/read the worksheet 'Codes'.*'Old codes' \(hidden\)/) }));
  });

  it('refuses contradictory AU sets with a pointed message, in the parser and in a sheet', async () => {
    const cases: Array<[string, RegExp]> = [
      ['AU12+AU12', /AU12 is coded twice/],
      ['12E+12A', /AU12 is coded with two intensities \(E and A\)/],
      ['12+L12', /AU12 is coded for both sides \(12\) and for the left side only \(L12\)/],
      ['L12+U12', /AU12 is coded for the left side only \(L12\) and for one side \(U12\)/],
    ];
    for (const [text, message] of cases) {
      const result = parseFacs(text);
      expect(result.ok ? 'accepted' : result.error.message).toMatch(message);
    }
    // Asymmetric coding of one AU on each side, and the same AU in two alternatives, stay valid.
    for (const text of ['L12A+R12C', 'R12 or 12']) expect(parseFacs(text).ok).toBe(true);

    const sheet = join(dir, 'contradictory.csv');
    writeFileSync(sheet, csv([HEADER, ['01', 'EP01', 1, 5, 9, null, '12+L12', 'happiness']]));
    const { exitCode, report } = await preview(sheet);
    expect(exitCode).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ row: 2, column: 'Action Units', severity: 'error', message: expect.stringMatching(/'12\+L12'.*AU12 is coded for both sides/) })]);
  });
});
