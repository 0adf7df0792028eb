import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS } from '../../src/shared/api/export';
import { agreementSummary } from '../../src/main/corpus/agreement-summary';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { codedEventsFromStore, recordsFromStore } from '../../src/main/app/records-from-store';
import { createWorkspace, type WorkspaceStore } from '../../src/main/store';
import { time, type Benchmark, type BenchRow } from '../harness';

const EVENTS = 10_000;
const CODERS = ['ana', 'bob', 'chen'] as const;
const EMOTIONS = ['happiness', 'disgust', 'repression', 'surprise', 'others'] as const;
const LABEL3 = { happiness: 'positive', disgust: 'negative', repression: 'negative', surprise: 'surprise', others: 'negative' } as const;
const AUS = ['1+2', 'R12', '12', '4', '4+7', 'L14', '6+12', '17', '1+2+5B'] as const;

/** A deterministic 10,000-event workspace: 200 clips × 50 events, three coders who mostly agree, a third signed off. */
async function buildWorkspace(file: string): Promise<WorkspaceStore> {
  const ws = await createWorkspace(file);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  await ws.annotators.create('rita', 'reviewer');
  await ws.transaction(async (tx) => {
    for (let c = 0; c < EVENTS / 50; c++) {
      const clip = await tx.clips.add({ path: `/corpus/sub${c % 26}/clip${c}`, kind: 'sequence', fps: 200, frames: 3000, width: 640, height: 480, subject: String(c % 26).padStart(2, '0'), dataset: 'casme2', datasetFilename: `EP${c}` });
      for (let e = 0; e < 50; e++) {
        const onset = e * 55;
        const event = await tx.events.create({ clipId: clip.id, onset, apex: onset + 12, offset: onset + 40, source: 'spotting' });
        const truth = Math.floor(random() * EMOTIONS.length);
        const aus = Math.floor(random() * AUS.length);
        for (const coder of CODERS) {
          const emotion = EMOTIONS[random() < 0.8 ? truth : Math.floor(random() * EMOTIONS.length)]!;
          const saved = await tx.annotations.save({ eventId: event.id, annotator: coder, aus: AUS[random() < 0.7 ? aus : Math.floor(random() * AUS.length)]!, emotion, label3: LABEL3[emotion], status: 'submitted' });
          if (random() < 0.33) await tx.annotations.review(saved.id, 'rita', 'approve', 'ok');
        }
      }
    }
  });
  return ws;
}

/** Store-backed paths: the workspace → record adapter, export of every target, agreement over 10,000 events × 3 coders. */
export const reviewStoreBenchmark: Benchmark = {
  name: 'review-store',
  description: 'Export of a 10,000-event × 3-annotator workspace to each format (goal ≤ 10 s each) and agreement over it (goal ≤ 1 s)',
  async run({ reps = 3, log }) {
    const root = mkdtempSync(join(tmpdir(), 'mellm-bench-review-'));
    const rows: BenchRow[] = [];
    try {
      const started = performance.now();
      const ws = await buildWorkspace(join(root, 'bench.mellm'));
      log(`workspace: ${JSON.stringify((await ws.info()).counts)} built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      rows.push({ case: '10k events × 3', method: 'recordsFromStore', samples: await time(() => recordsFromStore(ws), reps, 1), metrics: { records: (await recordsFromStore(ws)).length } });
      rows.push({ case: '10k events × 3', method: 'agreement (store → summary)', samples: await time(async () => void agreementSummary(await codedEventsFromStore(ws)), reps, 1), metrics: { goalMs: 1_000 } });
      const coded = await codedEventsFromStore(ws);
      rows.push({ case: '10k events × 3', method: 'agreement (compute only)', samples: await time(() => void agreementSummary(coded), reps, 1), metrics: { goalMs: 1_000 } });
      for (const target of EXPORT_FORMATS) {
        let run = 0;
        let files: string[] = [];
        const samples = await time(async () => {
          const result = await exportWorkspace(ws, { formats: [target], folder: join(root, `${target}-${run++}`) });
          files = result.files.map((file) => file.path);
        }, reps, 0);
        rows.push({ case: '10k events × 3', method: `export ${target}`, samples, metrics: { goalMs: 10_000, files: files.length, MB: files.reduce((sum, path) => sum + statSync(path).size, 0) / 2 ** 20 } });
        log(`${target}: done`);
      }
      await ws.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    return rows;
  },
};
