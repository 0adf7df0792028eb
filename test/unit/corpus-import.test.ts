import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { commitImport, previewImport } from '../../src/main/app/import';
import { probeMedia } from '../../src/main/media/probe';
import { createWorkspace, type WorkspaceStore } from '../../src/main/store';
import { AppError } from '../../src/shared/errors';
import { importMessage } from '../../src/shared/import-messages';
import { CASME2_HEADER, SAMM_HEADER, SAMM_PREAMBLE, countingProber, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-import-');
const deps = { prober: countingProber };

async function casme2Corpus() {
  const dir = tempDir();
  const root = join(dir, 'CASME2_RAW');
  await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
  await writeSequence(root, ['sub02', 'EP03_02'], 1, 30);
  const ws = await createWorkspace(join(dir, 'casme2.mellm'));
  return { dir, root, ws };
}

/** The row counts, and SQLite's integrity check read over a second connection to the file. */
async function snapshot(ws: WorkspaceStore) {
  const db = new Database(ws.location, { readonly: true, fileMustExist: true });
  try {
    return { counts: (await ws.info()).counts, integrity: db.pragma('integrity_check', { simple: true }) };
  } finally {
    db.close();
  }
}

async function refused(work: Promise<unknown>, message: RegExp): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).message).toMatch(message);
  return error as AppError;
}

describe('dataset sheet import', () => {
  it('imports a CASME II sheet: 0-based positions from img numbers, dataset frames kept, blank columns ignored', async () => {
    const { dir, root, ws } = await casme2Corpus();
    const sheet = await writeSheet(join(dir, 'CASME2-coding.xlsx'), [
      CASME2_HEADER,
      ['01', 'EP02_01f', 46, 59, 80, '', '1+2', 'surprise'],
      [1, 'EP02_01f', 50, '/', 70, '', 'R12', 'happiness'],
      ['02', 'EP03_02', 3, 10, 25, '', '4+L10', 'disgust'],
    ]);
    const report = await commitImport(ws, { sheet, root, dataset: 'casme2' }, deps);
    expect(report).toMatchObject({ committed: true, clipsAdded: 2, eventsAdded: 3, headerRow: 1, totalRows: 3 });
    expect(report.problems).toEqual([{ row: 3, column: 'ApexFrame', message: "apex is '/': imported without an apex", text: { key: 'apexMissing', params: { text: '/' } }, severity: 'warning', kind: 'apex-missing' }]);
    const clip = (await ws.clips.byPath(join(root, 'sub01', 'EP02_01f')))!;
    expect(clip).toMatchObject({ frames: 35, subject: '01', dataset: 'casme2', datasetRow: 2, datasetFilename: 'EP02_01f' });
    const [first, second] = await ws.events.listForClip(clip.id);
    expect(first).toMatchObject({ onset: 0, apex: 13, offset: 34, source: 'dataset', datasetFrames: { onset: 46, apex: 59, offset: 80 }, datasetAus: '1+2' });
    expect(second).toMatchObject({ onset: 4, apex: null, offset: 24, flags: ['apex_missing'], datasetEmotion: 'happiness' });
    const other = (await ws.events.listForClip((await ws.clips.byPath(join(root, 'sub02', 'EP03_02')))!.id))[0];
    expect(other).toMatchObject({ onset: 2, apex: 9, offset: 24, datasetAus: '4+L10' });
    await ws.close();
  });

  it('finds the SAMM header after 13 preamble rows and keeps the extra columns', async () => {
    const dir = tempDir();
    const root = join(dir, 'SAMM');
    await writeSequence(root, ['006', '006_1_2'], 5562, 5600, (n) => `006_${String(n).padStart(5, '0')}.jpg`);
    const sheet = await writeSheet(join(dir, 'SAMM_Micro_FACS_Codes_v2.xlsx'), [
      ...SAMM_PREAMBLE,
      SAMM_HEADER,
      [6, '006_1_2', 1, 5562, 5588, 5600, 39, 'Micro - 1/2', 'R14A+R17A', 'Contempt', 'III', ''],
    ]);
    const ws = await createWorkspace(join(dir, 'samm.mellm'));
    const report = await commitImport(ws, { sheet, root, dataset: 'samm' }, deps);
    expect(report).toMatchObject({ headerRow: 14, eventsAdded: 1, problems: [] });
    const event = (await ws.events.get(1))!;
    expect(event).toMatchObject({ onset: 0, apex: 26, offset: 38, datasetAus: 'R14A+R17A', datasetEmotion: 'Contempt' });
    expect(event.datasetExtra).toEqual({ 'Inducement Code': '1', Duration: '39', Type: 'Micro - 1/2', 'Objective Classes': 'III' });
    await ws.close();
  });

  it('imports SMIC (no apex), headerless CAS(ME)² and a generic CSV with named columns and unicode names', async () => {
    const dir = tempDir();
    const root = join(dir, 'media');
    await writeSequence(root, ['s1', 'micro', 'negative', 's1_ne_01'], 1, 20, (n) => `image${String(n).padStart(6, '0')}.jpg`);
    await writeSequence(root, ['s15', '15_0101disgustingteeth'], 1, 40);
    // Decomposed (macOS-style) folder name; the sheet holds the composed form.
    await writeSequence(root, ['P1', 'séance_é'.normalize('NFD')], 0, 9, (n) => `f${n}.jpg`);
    const ws = await createWorkspace(join(dir, 'mixed.mellm'));
    // Excel in decimal-comma locales writes CSV with semicolons.
    const smic = join(dir, 'smic.csv');
    writeFileSync(smic, '\uFEFFSubject;Filename;OnsetFrame;OffsetFrame;Emotion\r\n1;s1_ne_01;3;15;negative\r\n');
    expect((await commitImport(ws, { sheet: smic, root, dataset: 'smic' }, deps)).problems).toEqual([]);
    expect(await ws.events.get(1)).toMatchObject({ onset: 2, apex: null, offset: 14, flags: [] });

    const casme2x = await writeSheet(join(dir, 'CAS(ME)^2code_final.xlsx'), [[15, '15_0101disgustingteeth', 5, 10, 30, '4+7', 'negative', 'micro-expression', 'disgust']]);
    expect(await commitImport(ws, { sheet: casme2x, root, dataset: 'casme2x' }, deps)).toMatchObject({ headerRow: 0, eventsAdded: 1 });

    const generic = await writeSheet(join(dir, 'mine.csv'), [['Who', 'Clip', 'Start', 'Peak', 'End', 'FACS'], ['P1', 'séance_é', '1', '4', '8', 'AU12 or AU14']]);
    const columns = { subject: 'Who', filename: 'Clip', onset: 'Start', apex: 'Peak', offset: 'End', aus: 'FACS' };
    const report = await commitImport(ws, { sheet: generic, root, dataset: 'generic', columns }, deps);
    expect(report.problems).toEqual([]);
    // The coder's text as written, not a normalised form.
    expect(await ws.events.get(3)).toMatchObject({ onset: 1, apex: 4, offset: 8, datasetAus: 'AU12 or AU14' });
    expect((await ws.clips.get(3))?.path).toBe(join(root, 'P1', 'séance_é'.normalize('NFD')));
    await ws.close();
  });

  it.each([
    ['casme3', ['spNO.1', 'a', 'color'], ['Subject', 'Filename', 'Onset', 'Apex', 'Offset', 'AU', 'Objective class', 'emotion'], ['spNO.1', 'a', 3, 5, 9, 'L12', 'I', 'happy']],
    ['mmew', ['happiness', 'S01_happiness_1'], ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'AU', 'Estimated Emotion'], ['S01', 'S01_happiness_1', 3, 5, 9, '6+12', 'happiness']],
    ['4dme', ['S1', 'S1_1'], ['Subject', 'Filename', 'Onset', 'Apex', 'Offset', 'AUs', 'Emotion'], ['S1', 'S1_1', 3, 5, 9, '1+2', 'Surprise']],
  ] as const)('imports a %s sheet from its folder layout', async (dataset, segments, header, row) => {
    const dir = tempDir();
    const root = join(dir, 'media');
    await writeSequence(root, [...segments], 1, 12, (n) => `${n}.jpg`);
    const sheet = await writeSheet(join(dir, `${dataset}.xlsx`), [[...header], [...row]]);
    const ws = await createWorkspace(join(dir, `${dataset}.mellm`));
    const report = await commitImport(ws, { sheet, root, dataset }, deps);
    expect(report.problems).toEqual([]);
    expect((await ws.clips.get(1))?.path).toBe(join(root, ...segments));
    expect(await ws.events.get(1)).toMatchObject({ onset: 2, apex: 4, offset: 8, datasetFrames: { onset: 3, apex: 5, offset: 9 } });
    await ws.close();
  });

  it('maps video frame numbers from 1 through the injected prober', async () => {
    const dir = tempDir();
    const root = join(dir, 'media');
    mkdirSync(join(root, 'P2'), { recursive: true });
    writeFileSync(join(root, 'P2', 'session.mp4'), 'stand-in: the prober below answers for it');
    const videoProber = async () => ({ frames: 100, fps: 30, width: 640, height: 480, kind: 'video' as const });
    const sheet = await writeSheet(join(dir, 'long.csv'), [['Subject', 'Filename', 'Onset', 'Offset'], ['P2', 'session.mp4', '1', '100'], ['P2', 'session.mp4', '50', '101']]);
    const report = await previewImport(null, { sheet, root, dataset: 'generic', columns: { subject: 'Subject', filename: 'Filename', onset: 'Onset', offset: 'Offset' } }, { prober: videoProber });
    expect(report.rows.map((r) => [r.onset, r.offset, r.ok])).toEqual([[0, 99, true], [49, -1, false]]);
    expect(report.problems[0]).toMatchObject({ row: 3, column: 'Offset', message: 'frame 101 is not in the clip (100 frames)' });
  });

  it('keeps the dataset\'s capture rate on a re-encoded video: a CASME II clip at 30 fps in its container was filmed at 200; a generic sheet keeps the container\'s', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    mkdirSync(join(root, 'sub01'), { recursive: true });
    writeFileSync(join(root, 'sub01', 'EP02_01f'), 'stand-in: the prober below answers for it');
    const reencoded = async () => ({ frames: 66, fps: 30, width: 640, height: 480, kind: 'video' as const });
    const sheet = await writeSheet(join(dir, 'casme2.csv'), [CASME2_HEADER, ['01', 'EP02_01f', '1', '21', '45', '', '12', 'happiness']]);
    const ws = await createWorkspace(join(dir, 'ws.mellm'));
    expect(await commitImport(ws, { sheet, root, dataset: 'casme2' }, { prober: reencoded })).toMatchObject({ clipsAdded: 1, eventsAdded: 1 });
    expect(await ws.clips.require(1)).toMatchObject({ fps: 30, captureFps: 200 });
    const generic = await writeSheet(join(dir, 'generic.csv'), [['Subject', 'Filename', 'Onset', 'Offset'], ['P2', 'session.mp4', '1', '10']]);
    mkdirSync(join(dir, 'media', 'P2'), { recursive: true });
    writeFileSync(join(dir, 'media', 'P2', 'session.mp4'), 'stand-in');
    await commitImport(ws, { sheet: generic, root: join(dir, 'media'), dataset: 'generic', columns: { subject: 'Subject', filename: 'Filename', onset: 'Onset', offset: 'Offset' } }, { prober: reencoded });
    expect(await ws.clips.require(2)).toMatchObject({ fps: 30, captureFps: 30 });
    await ws.close();
  });

  it('numbers a frame folder with a gap as the media reader does: the missing frame keeps its index', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    const clip = await writeSequence(root, ['sub01', 'EP02_01f'], 1, 10);
    rmSync(join(clip, 'img4.jpg'));
    const sheet = await writeSheet(join(dir, 'gap.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 2, 5, 9, '', '12', 'happiness'], ['01', 'EP02_01f', 3, 4, 5, '', '12', 'happiness']]);
    // The real probe: its frame index is what the player and the analysis read.
    const report = await previewImport(null, { sheet, root, dataset: 'casme2' });
    expect((await probeMedia(clip, { fps: 200 })).frames).toBe(10);
    expect(report.rows[0]).toMatchObject({ onset: 1, apex: 4, offset: 8, ok: true });
    expect(report.rows[1]).toMatchObject({ ok: false });
    expect(report.problems).toEqual([{ row: 3, column: 'ApexFrame', kind: 'frame-not-in-clip', severity: 'error', message: `frame 4 is missing from the clip folder ${clip}`, text: { key: 'frameGap', params: { frame: 4, path: clip } } }]);
  });

  it('previews without writing and reports each problem with row and column', async () => {
    const { dir, root, ws } = await casme2Corpus();
    const sheet = await writeSheet(join(dir, 'bad.xlsx'), [
      CASME2_HEADER,
      ['01', 'EP02_01f', 59, 46, 80, '', '1+2', 'surprise'], // swapped onset/apex
      ['01', 'EP02_01f', 46, 59, 80, '', '1++2', 'surprise'], // garbage FACS
      ['01', '../../etc', 1, 2, 3, '', '', ''], // path escape
      ['01', 'EP99', 1, 2, 3, '', '', ''], // missing folder
      ['02', 'EP03_02', 3, 10, 31, '', '', ''], // beyond the last frame
      ['02', 'EP03_02', 'x', 10, 20, '', '', ''], // not a number
      ['02', 'EP03_02', 3, 10, 25, '', '12', 'happiness'], // fine
      [2, 'EP03_02', 3, 10, 25, '', '12', 'happiness'], // the same event again (subject 2 is sub02 too): skipped
      ['02', 'EP03_02', 3, 10, 25, '', '12B', 'happiness'], // the same frames coded otherwise: a new event
    ]);
    const report = await previewImport(ws, { sheet, root, dataset: 'casme2' }, deps);
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => [p.row, p.column, p.kind, p.message]);
    expect(errors).toEqual([
      [2, 'ApexFrame', 'frame-order', 'apex 46 is before onset 59'],
      [3, 'Action Units', 'aus-not-facs', expect.stringMatching(/'1\+\+2'.*at character 3$/)],
      [4, 'Filename', 'unsafe-name', expect.stringMatching(/not a plain name/)],
      [5, 'Filename', 'clip-not-found', expect.stringMatching(/clip not found/)],
      [6, 'OffsetFrame', 'frame-not-in-clip', 'frame 31 is not in the clip (30 frames)'],
      [7, 'OnsetFrame', 'not-a-number', "expected a frame number, got 'x'"],
    ]);
    expect(report.problems.filter((p) => p.severity === 'warning')).toEqual([
      { row: 9, column: '(row)', kind: 'duplicate-row', severity: 'warning', message: 'the same event as row 8 (clip, frames and AU text): skipped', text: { key: 'duplicateRow', params: { row: 8 } } },
    ]);
    // Each problem carries its message as a key and values (the window says it in its language), the English made from them.
    expect(report.problems.map((p) => p.text?.key)).toEqual(['apexBeforeOnset', 'ausNotFacs', 'unsafeName', 'clipNotFound', 'frameNotInClip', 'notAFrame', 'duplicateRow']);
    for (const p of report.problems) expect(importMessage(p.text!)).toBe(p.message);
    expect(report.rows.map((r) => [r.row, r.ok, r.present])).toEqual([[2, false, false], [3, false, false], [4, false, false], [5, false, false], [6, false, false], [7, false, false], [8, true, false], [9, false, true], [10, true, false]]);
    expect(report).toMatchObject({ skippedRows: [2, 3, 4, 5, 6, 7, 9], alreadyPresent: 1 });
    expect(report.groups.map((g) => [g.kind, g.severity, g.rows, g.first.row])).toEqual([
      ['frame-order', 'error', 1, 2],
      ['aus-not-facs', 'error', 1, 3],
      ['unsafe-name', 'error', 1, 4],
      ['clip-not-found', 'error', 1, 5],
      ['frame-not-in-clip', 'error', 1, 6],
      ['not-a-number', 'error', 1, 7],
      ['duplicate-row', 'warning', 1, 9],
    ]);
    expect((await ws.info()).counts.events).toBe(0);

    const before = await snapshot(ws);
    const error = await refused(commitImport(ws, { sheet, root, dataset: 'casme2' }, deps), /Nothing imported from [^:]+: 6 problems; .*\n1 row: onset, apex and offset out of order \(first at row 2, ApexFrame: apex 46 is before onset 59\)/s);
    expect(error.issues?.[0]).toEqual({ path: 'row 2.ApexFrame', message: 'apex 46 is before onset 59' });
    // The window says the same in its language from the key and its values.
    expect(error.detail).toEqual({ importRefusal: { key: 'problems', params: { sheet: basename(sheet), count: 6 } } });
    expect(await snapshot(ws)).toEqual(before);

    const partial = await commitImport(ws, { sheet, root, dataset: 'casme2', skipFlagged: true }, deps);
    expect(partial).toMatchObject({ committed: true, eventsAdded: 2, alreadyPresent: 1, skippedRows: [2, 3, 4, 5, 6, 7, 9] });
    // Importing the same sheet again: both events are already there, skipped rather than refused.
    const again = await commitImport(ws, { sheet, root, dataset: 'casme2', skipFlagged: true }, deps);
    expect(again).toMatchObject({ committed: true, eventsAdded: 0, alreadyPresent: 3 });
    expect(again.problems.filter((p) => p.kind === 'already-present').map((p) => p.row)).toEqual([8, 10]);
    expect((await ws.info()).counts.events).toBe(2);
    await ws.close();
  });

  it('refuses malformed sheets with a clear error and leaves the workspace unchanged', async () => {
    const { dir, root, ws } = await casme2Corpus();
    const before = await snapshot(ws);
    const missing = await writeSheet(join(dir, 'missing.xlsx'), [['Subject', 'Filename', 'OnsetFrame', 'OffsetFrame'], ['01', 'EP02_01f', 46, 80]]);
    await refused(commitImport(ws, { sheet: missing, root, dataset: 'casme2' }, deps), /missing column apex/);
    const empty = join(dir, 'empty.xlsx');
    writeFileSync(empty, '');
    await refused(commitImport(ws, { sheet: empty, root, dataset: 'casme2' }, deps), /is empty/);
    const blank = await writeSheet(join(dir, 'blank.xlsx'), []);
    await refused(commitImport(ws, { sheet: blank, root, dataset: 'casme2' }, deps), /has no data/);
    const headerOnly = await writeSheet(join(dir, 'header.xlsx'), [CASME2_HEADER]);
    await refused(commitImport(ws, { sheet: headerOnly, root, dataset: 'casme2' }, deps), /no data rows/);
    const png = join(dir, 'photo.xlsx');
    writeFileSync(png, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer());
    await refused(commitImport(ws, { sheet: png, root, dataset: 'casme2' }, deps), /neither an \.xlsx workbook nor a \.csv/);
    const fakeZip = join(dir, 'fake.xlsx');
    copyFileSync(png, fakeZip);
    writeFileSync(fakeZip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]));
    await refused(commitImport(ws, { sheet: fakeZip, root, dataset: 'casme2' }, deps), /Cannot read the sheet/);
    const unnamed = await writeSheet(join(dir, 'unnamed.xlsx'), [['Who', 'Take', 'Start', 'End'], ['01', 'EP02_01f', 46, 80]]);
    await refused(commitImport(ws, { sheet: unnamed, root, dataset: 'generic' }, deps), /generic sheet needs columns for filename, onset, offset.*--columns/);
    await refused(commitImport(ws, { sheet: join(dir, 'nope.xlsx'), root, dataset: 'casme2' }, deps), /Cannot read the sheet/);
    expect(await snapshot(ws)).toEqual(before);
    await ws.close();
  });
});
