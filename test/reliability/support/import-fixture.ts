import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { runImportDriver, type Measured } from './measured';
import { seedWorkspace } from './workspace';
import { forgeWorkbook, repeated, rowXml, worksheetXml } from './xlsx-forge';

export const CASME2_HEADER = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', '', 'Action Units', 'Estimated Emotion'];
export const GOOD_ROW = ['01', 'EP01', 1, 5, 9, null, 'AU12', 'happiness'];

/** Rows each wrong in its own way, repeated: no row of a sheet made of them is importable. */
const BAD_ROWS = [
  ['01', 'EP01', 9, 5, 1, null, 'AU12', 'happiness'], // onset after offset
  ['01', 'EP01', 'one', 5, 9, null, 'AU12', 'happiness'], // not a frame number
  ['01', 'EP99', 1, 5, 9, null, 'AU12', 'happiness'], // no such clip
  ['01', 'EP01', 1, 50, 90, null, 'AU12', 'happiness'], // beyond the clip
  ['01', 'EP01', 1, 5, 9, null, 'AU12+AU999x', 'happiness'], // not FACS
];

export interface ImportFixture {
  /** A CASME II media root holding sub01/EP01 (20 frames). */
  readonly root: string;
  /** A seeded workspace the imports run against. */
  readonly workspace: string;
  readonly userData: string;
}

/** A media root, a seeded workspace and a user-data folder under `dir`. */
export async function makeImportFixture(dir: string): Promise<ImportFixture> {
  const root = join(dir, 'CASME2_RAW');
  mkdirSync(join(root, 'sub01', 'EP01'), { recursive: true });
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#806050' } }).jpeg().toBuffer();
  for (let n = 1; n <= 20; n++) writeFileSync(join(root, 'sub01', 'EP01', `img${n}.jpg`), jpeg);
  const workspace = join(dir, 'corpus.mellm');
  await seedWorkspace(workspace);
  const userData = join(dir, 'user');
  mkdirSync(userData, { recursive: true });
  return { root, workspace, userData };
}

export const csvText = (rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string => `${rows.map((r) => r.map((c) => c ?? '').join(',')).join('\n')}\n`;

/** A CASME II CSV of `count` rows, none of them importable. */
export function writeBadRowsCsv(path: string, count: number): string {
  writeFileSync(path, csvText([CASME2_HEADER, ...Array.from({ length: count }, (_, i) => BAD_ROWS[i % BAD_ROWS.length]!)]));
  return path;
}

/** A CASME II workbook of a header and `count` identical rows without references: a few MB at most. */
export async function writeRowsWorkbook(path: string, count: number): Promise<string> {
  const rows = function* () {
    yield rowXml(1, CASME2_HEADER);
    yield* repeated(rowXml(null, GOOD_ROW), count);
  };
  await forgeWorkbook(path, { sheets: [{ name: 'Sheet1', xml: worksheetXml(rows()) }] });
  return path;
}

export type ImportRun = Measured & { exitCode: number; out: string; err: string };

/** `mellm import <sheet> --root … --dataset casme2 --workspace …` in its own process, timed. */
export async function runMellmImport(fixture: ImportFixture, sheet: string, extra: readonly string[] = [], timeoutMs = 60_000, workspace = fixture.workspace): Promise<ImportRun> {
  const run = await runImportDriver(['cli', fixture.userData, sheet, '--root', fixture.root, '--dataset', 'casme2', '--workspace', workspace, ...extra], timeoutMs);
  if (!run.ok) throw new Error(`mellm import ${sheet}: ${run.reason}`);
  return run.result as ImportRun;
}
