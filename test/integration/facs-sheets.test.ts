/**
 * The FACS notation of the released coding sheets through the real path: sheet → import
 * → store → export sheet → import again. Every code is kept as the coder wrote it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitImport, previewImport } from '../../src/main/app/import';
import { recordsFromStore } from '../../src/main/app/records-from-store';
import { casmeCsv } from '../../src/main/corpus/export/casme-sheet';
import { megcSpottingCsv } from '../../src/main/corpus/export/megc';
import { createWorkspace } from '../../src/main/store';
import { CASME2_HEADER, SAMM_HEADER, SAMM_PREAMBLE, countingProber, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-facs-sheets-');
const deps = { prober: countingProber };

const SAMM_CODES = ['A9E+ref(10)', 'B18+25', 'A7', '7C+A12B', 'T18+39', '4D+ref(6)+7C+43E', 'R14+17+soft focus', 'A14C', '4A/B', '10A/B', 'A/L12', '(R6 or R12)+R15', 'ref(7B)+43'];
// CAS(ME)³ and DFME codes, and CASME II's `?`, in a CASME II-shaped sheet (the notation does not depend on the layout).
const OTHER_CODES = ['T28+14', 'B23', 'T18', '24+T18+16', 'R4+AD38', '7+R10+AD39', 'L1+L2+L5+AD38', '12+AD38', '?'];

describe('FACS notation of the released sheets, imported and exported as written', () => {
  it('imports every code with no refusal, stores it verbatim, exports it verbatim and re-imports it', async () => {
    const dir = tempDir();
    const sammRoot = join(dir, 'SAMM');
    await writeSequence(sammRoot, ['006', '006_1_2'], 5562, 5600, (n) => `006_${String(n).padStart(5, '0')}.jpg`);
    const samm = await writeSheet(join(dir, 'SAMM_Micro_FACS_Codes_v2.xlsx'), [
      ...SAMM_PREAMBLE,
      SAMM_HEADER,
      ...SAMM_CODES.map((code, i) => [6, '006_1_2', 1, 5562 + i, 5563 + i, 5566 + i, 5, 'Micro - 1/2', code, 'Other', 'VII', '']),
    ]);
    const ws = await createWorkspace(join(dir, 'samm.mellm'));
    const sammReport = await commitImport(ws, { sheet: samm, root: sammRoot, dataset: 'samm' }, deps);
    expect(sammReport.problems).toEqual([]);
    expect(sammReport.eventsAdded).toBe(SAMM_CODES.length);
    const stored = (await ws.events.listForClip(1)).map((event) => event.datasetAus);
    expect(stored).toEqual(SAMM_CODES);
    await ws.close();

    const casmeRoot = join(dir, 'CASME2_RAW');
    await writeSequence(casmeRoot, ['sub01', 'EP02_01f'], 46, 80);
    const other = await writeSheet(join(dir, 'coding.xlsx'), [CASME2_HEADER, ...OTHER_CODES.map((code, i) => ['01', 'EP02_01f', 46 + i, 48 + i, 50 + i, '', code, 'others'])]);
    const a = await createWorkspace(join(dir, 'a.mellm'));
    const report = await commitImport(a, { sheet: other, root: casmeRoot, dataset: 'casme2' }, deps);
    // No refusal; CASME II's `?` is imported and flagged uncertain.
    expect(report.problems.map((p) => [p.row, p.kind, p.severity])).toEqual([[10, 'aus-uncertain', 'warning']]);
    expect((await a.events.listForClip(1)).map((event) => event.datasetAus)).toEqual(OTHER_CODES);

    // Exported as written, and the exported sheet imports to the same codes.
    const records = await recordsFromStore(a);
    expect(records.map((record) => record.aus)).toEqual(OTHER_CODES);
    await a.close();
    const exported = join(dir, 'casme2-sheet.csv');
    writeFileSync(exported, [...casmeCsv(records)].join(''));
    const b = await createWorkspace(join(dir, 'b.mellm'));
    const again = await commitImport(b, { sheet: exported, root: casmeRoot, dataset: 'casme2' }, deps);
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((await b.events.listForClip(1)).map((event) => event.datasetAus)).toEqual(OTHER_CODES);
    await b.close();
  });

  it('exports a missing apex as the sheet wrote it (/), not as the onset, and the exported sheet re-imports without one', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
    const sheet = await writeSheet(join(dir, 'coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 50, '/', 60, '', '4C+7B', 'disgust'], ['01', 'EP02_01f', 66, 70, 75, '', '12C', 'happiness']]);
    const a = await createWorkspace(join(dir, 'a.mellm'));
    await commitImport(a, { sheet, root, dataset: 'casme2' }, deps);
    const records = await recordsFromStore(a);
    await a.close();
    const csv = [...casmeCsv(records)].join('');
    expect(csv).toContain('01,EP02_01f,50,/,60,4C+7B,disgust');
    expect(csv).toContain('01,EP02_01f,66,70,75,12C,happiness');
    const spotting = [...megcSpottingCsv(records)].join('').split('\n');
    expect(spotting.find((line) => line.includes(',50,'))).toMatch(/,50,,60,/);
    expect(spotting.find((line) => line.includes(',66,'))).toMatch(/,66,70,75,/);
    const exported = join(dir, 'casme2-sheet.csv');
    writeFileSync(exported, csv);
    const b = await createWorkspace(join(dir, 'b.mellm'));
    await commitImport(b, { sheet: exported, root, dataset: 'casme2' }, deps);
    expect((await b.events.listForClip(1)).map((event) => [event.onset, event.apex, event.offset, event.flags])).toEqual([
      [4, null, 14, ['apex_missing']],
      [20, 24, 29, []],
    ]);
    await b.close();
  });

  it('still refuses garbage, pointing at the character', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
    const garbage = ['12Z', 'AU999', '1++2', '((', '12+L12'];
    const sheet = await writeSheet(join(dir, 'coding.xlsx'), [CASME2_HEADER, ...garbage.map((code, i) => ['01', 'EP02_01f', 46 + i, 48 + i, 50 + i, '', code, 'others'])]);
    const report = await previewImport(null, { sheet, root, dataset: 'casme2' }, deps);
    expect(report.rows.filter((row) => row.ok)).toEqual([]);
    expect(report.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [2, 'Action Units', "action units '12Z': Invalid intensity 'Z' at character 3 (expected A–E)"],
      [3, 'Action Units', "action units 'AU999': Unknown AU 999 at character 3"],
      [4, 'Action Units', "action units '1++2': Empty code between separators at character 3"],
      [5, 'Action Units', "action units '((': Unexpected '(' at character 2: parentheses do not nest"],
      [6, 'Action Units', expect.stringMatching(/^action units '12\+L12': AU12 is coded for both sides \(12\) and for the left side only \(L12\) at character 4/)],
    ]);
  });
});
