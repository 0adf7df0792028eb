import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitImport, previewImport } from '../../src/main/app/import';
import { createWorkspace } from '../../src/main/store';
import { openSqliteWorkspace } from '../../src/main/store/sqlite/connection';
import { CASME2_HEADER, countingProber, writeSequence, writeSheet } from '../../test/helpers/corpus';
import { time, type Benchmark } from '../harness';

const CLIPS = 100;
const EVENTS_PER_CLIP = 20;
const FRAMES = 60;

/** Workspace store: importing a 2,000-row coding sheet, and annotation save latency. */
export const storeBenchmark: Benchmark = {
  name: 'store',
  description: 'import of a 2,000-row CASME II-style sheet (xlsx vs csv, preview vs commit) and annotations.save latency',
  async run({ reps, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-store-'));
    try {
      const root = join(dir, 'media');
      const rows: Array<Array<string | number>> = [CASME2_HEADER];
      for (let c = 0; c < CLIPS; c++) {
        const subject = String((c % 26) + 1).padStart(2, '0');
        await writeSequence(root, [`sub${subject}`, `EP${c}`], 1, FRAMES);
        for (let e = 0; e < EVENTS_PER_CLIP; e++) rows.push([subject, `EP${c}`, e + 1, e + 10, e + 30, '', 'R14A+L12C', 'happiness']);
      }
      log(`wrote ${CLIPS} frame folders, ${rows.length - 1} sheet rows`);
      const xlsx = await writeSheet(join(dir, 'coding.xlsx'), rows);
      const csv = await writeSheet(join(dir, 'coding.csv'), rows);
      const deps = { prober: countingProber };
      const importReps = reps ?? 3;
      let n = 0;
      const commit = (sheet: string) => async () => {
        const ws = await createWorkspace(join(dir, `w${n++}.mellm`));
        try {
          const report = await commitImport(ws, { sheet, root, dataset: 'casme2' }, deps);
          if (report.eventsAdded !== CLIPS * EVENTS_PER_CLIP) throw new Error(`imported ${report.eventsAdded}`);
        } finally {
          await ws.close();
        }
      };
      const importRows = [
        { case: '2000-row sheet', method: 'xlsx preview (parse + validate)', samples: await time(() => previewImport(null, { sheet: xlsx, root, dataset: 'casme2' }, deps), importReps) },
        { case: '2000-row sheet', method: 'xlsx commit (one transaction)', samples: await time(commit(xlsx), importReps) },
        { case: '2000-row sheet', method: 'csv commit (one transaction)', samples: await time(commit(csv), importReps) },
      ];

      const file = join(dir, 'annotate.mellm');
      const saveReps = reps ?? 500;
      const ws = await createWorkspace(file);
      let save: number[];
      try {
        await commitImport(ws, { sheet: csv, root, dataset: 'casme2' }, deps);
        let event = 0;
        const versions = new Map<number, number>();
        save = await time(async () => {
          const eventId = (event++ % 2000) + 1;
          const saved = await ws.annotations.save({ eventId, annotator: 'bench', aus: '6+12', emotion: 'happiness', baseVersion: versions.get(eventId) ?? null });
          versions.set(eventId, saved.version);
        }, saveReps, 20);
      } finally {
        await ws.close();
      }
      // The floor: the same file through the SQLite layer's own connection (same pragmas), no store around it.
      const sqlite = openSqliteWorkspace(file);
      try {
        const update = sqlite.db.prepare('UPDATE annotations SET description = ? WHERE id = 1');
        const bare = sqlite.db.transaction(() => update.run(String(Math.random())));
        const floor = await time(() => bare.immediate(), saveReps, 20);
        return [
          ...importRows,
          { case: 'annotation save', method: 'annotations.save (validate, version, audit, WAL)', samples: save },
          { case: 'annotation save', method: 'bare UPDATE in a transaction (floor)', samples: floor },
        ];
      } finally {
        sqlite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
