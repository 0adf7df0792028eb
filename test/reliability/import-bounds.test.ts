/**
 * Bounded imports (issue 17, items 7, 8, 9 and the sheet and FACS parts of 15): hostile
 * or huge coding sheets go through `mellm import` in a child process, held to a time and
 * memory budget, and each ends in a typed, readable answer with the workspace unchanged.
 * The big sheets are generated here, as streams: a deflated run of identical rows is a
 * few hundred KB on disk however many rows it unpacks to.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportDriver, type Measured } from './support/measured';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const HEADER = ['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', '', 'Action Units', 'Estimated Emotion'];
/** Wall time and peak memory a hostile sheet may cost (the goals). */
const BUDGET = { ms: 5_000, rssMB: 500 };

let dir = '';
let root = '';
let workspace = '';
let userData = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-import-bounds-'));
  root = join(dir, 'CASME2_RAW');
  mkdirSync(join(root, 'sub01', 'EP01'), { recursive: true });
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#806050' } }).jpeg().toBuffer();
  for (let n = 1; n <= 20; n++) writeFileSync(join(root, 'sub01', 'EP01', `img${n}.jpg`), jpeg);
  workspace = join(dir, 'corpus.mellm');
  userData = join(dir, 'user');
  mkdirSync(userData);
  await seedWorkspace(workspace);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `mellm import <sheet> --root … --dataset casme2 --workspace …` in its own process. */
async function mellmImport(sheet: string, extra: readonly string[] = [], timeoutMs = 60_000, into = workspace): Promise<Measured & { exitCode: number; out: string; err: string }> {
  const run = await runImportDriver(['cli', userData, sheet, '--root', root, '--dataset', 'casme2', '--workspace', into, ...extra], timeoutMs);
  if (!run.ok) throw new Error(`mellm import ${sheet}: ${run.reason}`);
  return run.result as Measured & { exitCode: number; out: string; err: string };
}

/** Refused as bad input (exit 2) with a readable message, never a JavaScript error text. */
function expectRefused(result: { exitCode: number; err: string }, message: RegExp): void {
  expect(result.err).toMatch(/^mellm import: \S/);
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/TypeError|RangeError|Cannot read properties|Invalid string length|undefined|\n\s+at /);
  expect(result.exitCode).toBe(2);
}

const csv = (rows: ReadonlyArray<ReadonlyArray<string | number | null>>) => `${rows.map((r) => r.map((c) => c ?? '').join(',')).join('\n')}\n`;

describe('7: import diagnostics are linear in rows', () => {
  it('diagnoses a 100,000-row sheet where every row is bad within 5 s and 500 MB, counting every problem', async () => {
    const bad = [
      ['01', 'EP01', 9, 5, 1, null, 'AU12', 'happiness'], // onset after offset
      ['01', 'EP01', 'one', 5, 9, null, 'AU12', 'happiness'], // not a frame number
      ['01', 'EP99', 1, 5, 9, null, 'AU12', 'happiness'], // no such clip
      ['01', 'EP01', 1, 50, 90, null, 'AU12', 'happiness'], // beyond the clip
      ['01', 'EP01', 1, 5, 9, null, 'AU12+AU999x', 'happiness'], // not FACS
    ];
    const sheet = join(dir, 'bad-100k.csv');
    writeFileSync(sheet, csv([HEADER, ...Array.from({ length: 100_000 }, (_, i) => bad[i % bad.length]!)]));
    const before = fingerprintFile(workspace);
    const result = await mellmImport(sheet);
    expectRefused(result, /Nothing imported from bad-100k\.csv: no importable rows/);
    expect(result.err).toMatch(/row 2, OffsetFrame: onset 9 is after offset 1/);
    const more = Number(/… and (\d+) more/.exec(result.err)?.[1]);
    expect(more + 20).toBeGreaterThanOrEqual(100_000);
    expect(result.ms).toBeLessThanOrEqual(BUDGET.ms);
    expect(result.maxRssMB).toBeLessThanOrEqual(BUDGET.rssMB);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 120_000);
});
