import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import type { ClipProber } from '../../src/main/corpus/import';

let frame: Buffer | undefined;

/** A real 8×8 JPEG, encoded once and reused for every frame file. */
async function tinyJpeg(): Promise<Buffer> {
  frame ??= await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 120, g: 90, b: 80 } } }).jpeg().toBuffer();
  return frame;
}

/** Writes a frame folder `root/...segments` with files named by `name(n)` for n in [first, last]. */
export async function writeSequence(root: string, segments: string[], first: number, last: number, name = (n: number) => `img${n}.jpg`): Promise<string> {
  const dir = join(root, ...segments);
  mkdirSync(dir, { recursive: true });
  const jpeg = await tinyJpeg();
  for (let n = first; n <= last; n++) writeFileSync(join(dir, name(n)), jpeg);
  return dir;
}

/** The test prober: counts the frame files we wrote (the media layer's probe in the app). */
export const countingProber: ClipProber = async (clipPath) => {
  if (!statSync(clipPath).isDirectory()) throw new Error('not a frame folder');
  const frames = readdirSync(clipPath).filter((f) => f.endsWith('.jpg')).length;
  if (frames === 0) throw new Error('no frames');
  return { frames, fps: 200, width: 8, height: 8, kind: 'sequence' };
};

/** Writes a sheet with exceljs: .xlsx or .csv by extension. */
export async function writeSheet(path: string, rows: Array<Array<string | number | null>>): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (const row of rows) sheet.addRow(row);
  if (path.endsWith('.csv')) await workbook.csv.writeFile(path);
  else await workbook.xlsx.writeFile(path);
  return path;
}

export const CASME2_HEADER = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', '', 'Action Units', 'Estimated Emotion'];

/** SAMM: 13 preamble rows before the header. */
export const SAMM_PREAMBLE: string[][] = Array.from({ length: 13 }, (_, i) => (i === 0 ? ['SAMM Micro-FACS Codes'] : i === 2 ? ['Coder 1 / Coder 2'] : []));
export const SAMM_HEADER = [
  'Subject',
  'Filename',
  'Inducement Code',
  'Onset Frame',
  'Apex Frame',
  'Offset Frame',
  'Duration',
  'Type',
  'Action Units',
  'Estimated Emotion',
  'Objective Classes',
  'Notes',
];
