import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../../src/shared/api/export';
import { exportCorpus, resolveOutputPath, selectRecords, writeOutputStream } from '../../../src/main/corpus/export';
import { HOSTILE, hostileRecords, makeRecord } from '../../helpers/corpus-records';
import { useTempDir } from '../../helpers/tmp';

const tempDir = useTempDir();

/** Every file under a folder, relative, sorted (dot-files included: temp files must not linger). */
function listAll(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

/** All cell text of a workbook (the file itself is zipped, so grep would prove nothing). */
async function xlsxText(path: string): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
  expect(cells.length).toBeGreaterThan(7);
  return cells.join('\n');
}

describe('output paths', () => {
  it('rejects names that leave the folder', async () => {
    const folder = tempDir();
    for (const name of ['../x.csv', 'a/../../x.csv', '/etc/passwd', 'C:\\x.csv', '', 'a/./b', 'nul\0.csv', '..']) {
      await expect(resolveOutputPath(folder, name), name).rejects.toMatchObject({ code: 'EXPORT_PATH_UNSAFE' });
    }
    expect(await resolveOutputPath(folder, 'sub/ok.csv')).toBe(join(folder, 'sub', 'ok.csv'));
  });

  it('rejects symlinks out of the folder, as parent or as target', async () => {
    const folder = tempDir();
    const outside = tempDir();
    symlinkSync(outside, join(folder, 'escape'));
    await expect(resolveOutputPath(folder, 'escape/x.csv')).rejects.toMatchObject({ code: 'EXPORT_PATH_UNSAFE' });
    writeFileSync(join(outside, 'victim.txt'), 'keep');
    symlinkSync(join(outside, 'victim.txt'), join(folder, 'report.html'));
    await expect(exportCorpus({ folder, formats: ['report'], records: [makeRecord()], force: true })).rejects.toMatchObject({ code: 'EXPORT_PATH_UNSAFE' });
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('keep');
  });

  it('does not overwrite without force, and replaces with it', async () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'casme2-sheet.csv'), 'old');
    await expect(exportCorpus({ folder, formats: ['megc', 'casme2-csv'], records: [makeRecord()] })).rejects.toMatchObject({ code: 'EXPORT_TARGET_EXISTS' });
    // Checked before writing: the other format was not written either.
    expect(listAll(folder)).toEqual(['casme2-sheet.csv']);
    expect(readFileSync(join(folder, 'casme2-sheet.csv'), 'utf8')).toBe('old');
    await exportCorpus({ folder, formats: ['casme2-csv'], records: [makeRecord()], force: true });
    expect(readFileSync(join(folder, 'casme2-sheet.csv'), 'utf8')).toContain('EP02_01f');
  });

  it('rejects invalid records before writing anything, naming each offending field', async () => {
    const folder = tempDir();
    const records = [makeRecord(), makeRecord({ fps: 0 }), makeRecord({ apex: 50, offset: 40 }), makeRecord({ offset: 60 }), makeRecord({ onset: -1 }), makeRecord({ frameCount: 'x' as unknown as number })];
    const error = await exportCorpus({ folder, formats: [...EXPORT_FORMATS], records }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['records.1.fps', 'records.2.apex', 'records.3.offset', 'records.4.onset', 'records.5.frameCount']);
    expect(listAll(folder)).toEqual([]);
  });

  it('rejects unknown formats as bad input', async () => {
    await expect(exportCorpus({ folder: tempDir(), formats: ['pdf' as never], records: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('atomic writes', () => {
  it('leaves no file and no temp file when the writer fails midway', async () => {
    const folder = tempDir();
    const target = join(folder, 'big.csv');
    async function* failing() {
      for (let i = 0; i < 50_000; i += 1) yield `row ${i},${'x'.repeat(40)}\n`; // > 1 MiB: some bytes hit the disk
      throw new Error('disk unplugged');
    }
    await expect(writeOutputStream(target, failing())).rejects.toThrow('disk unplugged');
    expect(listAll(folder)).toEqual([]);
  });

  it('cancels between chunks and between files, keeping only finished files', async () => {
    const folder = tempDir();
    const controller = new AbortController();
    const progress: number[] = [];
    const records = Array.from({ length: 12 }, (_, i) => makeRecord({ clipName: `clip${i}`, eventId: `e${i}` }));
    const error = await exportCorpus({
      folder, formats: ['eaf'], records, signal: controller.signal,
      onProgress: (done) => { progress.push(done); if (done === 3) controller.abort(); },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    const written = listAll(folder);
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.length).toBeLessThan(12);
    expect(written.every((name) => name.endsWith('.eaf') && !name.includes('.tmp'))).toBe(true);
    const aborted = new AbortController();
    function* rows() { yield 'a\n'; aborted.abort(); yield 'b\n'; }
    await expect(writeOutputStream(join(folder, 'x.csv'), rows(), aborted.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(join(folder, 'x.csv'))).toBe(false);
  });

  it('keeps the previous file intact when a forced rewrite fails', async () => {
    const folder = tempDir();
    const target = join(folder, 'motion.csv');
    writeFileSync(target, 'previous export');
    function* failing() { yield 'half'; throw new Error('cancelled'); }
    await expect(writeOutputStream(target, failing())).rejects.toThrow('cancelled');
    expect(readFileSync(target, 'utf8')).toBe('previous export');
    expect(listAll(folder)).toEqual(['motion.csv']);
  });
});

describe('export options', () => {
  it('keeps only approved events when asked', () => {
    const { records } = selectRecords(hostileRecords(), { onlyApproved: true });
    expect(records.map((record) => record.eventId)).toEqual(['ev-1']);
  });

  it('anonymises: no names or paths in any file, stable salted subject ids within one export', async () => {
    const folder = tempDir();
    const records = [...hostileRecords(), makeRecord({ eventId: 'ev-4', clipName: 'EP03_02', annotator: 'bob' })];
    const { files } = await exportCorpus({ folder, formats: [...EXPORT_FORMATS], records, anonymise: true });
    expect(files.length).toBeGreaterThanOrEqual(EXPORT_FORMATS.length);
    const secrets = ['EP02_01f', 'EP03_02', '/data/', 'alice', 'bob', 'rita', HOSTILE.quoted, 'Ünïcødé', 'etc/passwd', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h2>'];
    for (const file of listAll(folder)) {
      const text = file.endsWith('.xlsx') ? await xlsxText(join(folder, file)) : readFileSync(join(folder, file), 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
    const spotting = readFileSync(join(folder, 'megc-spotting.csv'), 'utf8').split('\r\n').slice(1, 5).map((line) => line.split(',')[1]);
    expect(spotting[0]).toMatch(/^S[0-9a-f]{12}$/);
    expect(spotting[3]).toBe(spotting[0]); // subject 01 twice → same id
    expect(spotting[2]).not.toBe(spotting[0]);
    const other = selectRecords(records, { anonymise: true }).records[0]!.subject;
    expect(other).not.toBe(spotting[0]); // a fresh salt per export
    expect(selectRecords(records, { anonymise: true, salt: 'ab' }).records[0]!.subject).toBe(selectRecords(records, { anonymise: true, salt: 'ab' }).records[0]!.subject);
  });

  it('writes every format for hostile input without leaving temp files', async () => {
    const folder = tempDir();
    mkdirSync(join(folder, 'existing-subfolder'));
    const { files, records } = await exportCorpus({ folder, formats: [...EXPORT_FORMATS], records: hostileRecords(), includeImages: true });
    expect(records).toBe(3);
    for (const file of files) expect(existsSync(file.path)).toBe(true);
    expect(listAll(folder).filter((name) => name.includes('.tmp'))).toEqual([]);
  });
});
