import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOOD_ROW, makeImportFixture, runMellmImport, writeBadRowsCsv, writeRowsWorkbook, type ImportRun } from '../../../test/reliability/support/import-fixture';
import { runImportDriver } from '../../../test/reliability/support/measured';
import { forgeWorkbook, repeated, rowXml, worksheetXml } from '../../../test/reliability/support/xlsx-forge';
import type { BenchRow } from '../../harness';

/** The goals for a hostile sheet: answered within 5 s and 500 MB. */
const GOAL = { ms: 5_000, rssMB: 500 };
const SAMPLES = 3;

function row(name: string, method: string, runs: readonly ImportRun[], extra: Record<string, number | string> = {}): BenchRow {
  const peak = Math.max(...runs.map((r) => r.maxRssMB));
  const slowest = Math.max(...runs.map((r) => r.ms));
  return {
    case: name,
    method,
    samples: runs.map((r) => r.ms),
    metrics: {
      peakRssMB: peak,
      cpuMs: Math.max(...runs.map((r) => r.cpuMs)),
      exitCode: runs[0]?.exitCode ?? null,
      answer: (runs[0]?.err || runs[0]?.out || '').split('\n')[0]!.slice(0, 160),
      withinGoals: slowest <= GOAL.ms && peak <= GOAL.rssMB ? 'yes' : 'no',
      ...extra,
    },
  };
}

/**
 * Bounded imports: hostile sheets through `mellm import`, each in its own process so its
 * wall time and peak resident memory are its own. 100,000 rows that are all bad must be
 * diagnosed, a 3,000,000-row workbook and a zip bomb refused, within 5 s and 500 MB; a
 * 1,000,000 × 10 workbook (within the default limits) is read for comparison.
 */
export async function importsReliabilityRows(log: (m: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-imports-'));
  try {
    const fixture = await makeImportFixture(dir);
    const rows: BenchRow[] = [];
    const measure = async (name: string, method: string, sheet: string, extra: Record<string, number | string> = {}) => {
      const runs: ImportRun[] = [];
      for (let i = 0; i < SAMPLES; i++) runs.push(await runMellmImport(fixture, sheet, [], 120_000));
      const result = row(name, method, runs, { sheetMB: Number((statSync(sheet).size / 1e6).toFixed(2)), ...extra });
      log(`${name}: ${runs.map((r) => r.ms).join(' / ')} ms, peak ${result.metrics?.peakRssMB} MB — ${result.metrics?.answer}`);
      rows.push(result);
    };

    await measure('100k bad rows diagnosed', 'mellm import (CSV, every row refused with its problems)', writeBadRowsCsv(join(dir, 'bad-100k.csv'), 100_000));
    await measure('3M-row xlsx refused', 'mellm import (rows counted to the 1,048,576 limit)', await writeRowsWorkbook(join(dir, '3m-rows.xlsx'), 3_000_000), { rows: 3_000_000 });

    const bombRow = rowXml(null, [...GOOD_ROW.slice(0, 7), 'x'.repeat(420)]);
    const bomb = () => worksheetXml(repeated(bombRow, Math.ceil(1.26e9 / bombRow.length)));
    const honest = join(dir, 'bomb.xlsx');
    await forgeWorkbook(honest, { sheets: [{ name: 'Sheet1', xml: bomb() }] });
    await measure('zip bomb refused (1.26 GB declared)', 'mellm import (declared size checked before inflating)', honest);
    const lying = join(dir, 'bomb-lying.xlsx');
    await forgeWorkbook(lying, { sheets: [{ name: 'Sheet1', xml: bomb(), declaredSize: 40_000 }] });
    await measure('zip bomb refused (size understated)', 'mellm import (inflated bytes counted against the declared size)', lying);

    const million = join(dir, 'million.xlsx');
    await forgeWorkbook(million, { sheets: [{ name: 'Sheet1', xml: worksheetXml(repeated(rowXml(null, ['01', 'EP01', 1, 5, 9, 'x', 'AU12', 'happiness', 'note', 42]), 1_000_000)) }] });
    const read = await runImportDriver(['read', million], 180_000);
    if (!read.ok) throw new Error(`reading the 1,000,000-row workbook: ${read.reason}`);
    log(`1M × 10 xlsx read: ${read.result.ms} ms, peak ${read.result.maxRssMB} MB`);
    rows.push({
      case: '1M × 10 xlsx read (within the default limits)',
      method: 'readSheet (counting pass + reading pass)',
      samples: [read.result.ms],
      metrics: { peakRssMB: read.result.maxRssMB, cpuMs: read.result.cpuMs, rows: Number(read.result.rows), cells: Number(read.result.cells) },
    });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
