import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitImport } from '../../src/main/app/import';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { createWorkspace, type WorkspaceStore } from '../../src/main/store';
import { CASME2_HEADER, countingProber, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-round-trip-');
const deps = { prober: countingProber };

/** Every event's clip, frames and dataset labels, in a comparable form. */
async function events(ws: WorkspaceStore) {
  const all = [];
  for (const clip of await ws.clips.list({})) {
    for (const e of await ws.events.listForClip(clip.id)) {
      all.push({ clip: clip.path, subject: clip.subject, onset: e.onset, apex: e.apex, offset: e.offset, frames: e.datasetFrames, aus: e.datasetAus, emotion: e.datasetEmotion });
    }
  }
  return all;
}

describe('import → export → import', () => {
  it('a CASME II export re-imported into the same workspace skips the events already there; into a fresh one it gives them back', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
    const sheet = await writeSheet(join(dir, 'CASME2-coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 80, '', '1+2', 'surprise'], ['01', 'EP02_01f', 60, 66, 75, '', 'R12', 'happiness']]);
    const ws = await createWorkspace(join(dir, 'a.mellm'));
    await commitImport(ws, { sheet, root, dataset: 'casme2' }, deps);
    const out = join(dir, 'out');
    await exportWorkspace(ws, { targets: ['casme2-csv'], folder: out });

    const again = await commitImport(ws, { sheet: join(out, 'casme2-sheet.csv'), root, dataset: 'casme2' }, deps);
    expect(again).toMatchObject({ committed: true, eventsAdded: 0 });
    expect((await ws.info()).counts.events).toBe(2);

    const fresh = await createWorkspace(join(dir, 'b.mellm'));
    expect(await commitImport(fresh, { sheet: join(out, 'casme2-sheet.csv'), root, dataset: 'casme2' }, deps)).toMatchObject({ eventsAdded: 2 });
    expect(await events(fresh)).toEqual(await events(ws));
    await Promise.all([ws.close(), fresh.close()]);
  });
});
