import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../src/shared/api/export';
import { exportCorpus } from '../../src/main/corpus/export';
import { time, type Benchmark, type BenchRow } from '../harness';
import { syntheticExportRecords } from './corpus-synthetic';

function folderBytes(paths: readonly string[]): number {
  return paths.reduce((sum, path) => sum + statSync(path).size, 0);
}

/** Export of 10,000 synthetic events to each format (goal ≤ 10 s each), written atomically to a temp folder. */
export const exportBenchmark: Benchmark = {
  name: 'export',
  description: 'Corpus export of 10,000 events (29 ROI features, 30 motion rows each) to every format',
  async run({ reps = 3, log }) {
    const records = syntheticExportRecords(10_000);
    log(`${records.length} records, ${new Set(records.map((record) => record.clipName)).size} clips, 30 motion rows × 29 ROIs each`);
    const root = mkdtempSync(join(tmpdir(), 'mellm-bench-export-'));
    const rows: BenchRow[] = [];
    try {
      const cases: { label: string; formats: ExportFormat[]; includeImages?: boolean; anonymise?: boolean }[] = [
        ...EXPORT_FORMATS.map((format) => ({ label: format, formats: [format] })),
        { label: 'report + images', formats: ['report'], includeImages: true },
        { label: 'casme2-csv anonymised', formats: ['casme2-csv'], anonymise: true },
      ];
      for (const entry of cases) {
        let run = 0;
        let files: string[] = [];
        const samples = await time(async () => {
          const folder = join(root, `${entry.label.replace(/\W+/g, '-')}-${run++}`);
          const result = await exportCorpus({ folder, formats: entry.formats, records, includeImages: entry.includeImages ?? false, anonymise: entry.anonymise ?? false });
          files = result.files.map((file) => file.path);
        }, reps, 0);
        rows.push({ case: '10k events', method: entry.label, samples, metrics: { goalMs: 10_000, files: files.length, MB: folderBytes(files) / 2 ** 20 } });
        log(`${entry.label}: done`);
        rmSync(root, { recursive: true, force: true });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    return rows;
  },
};
