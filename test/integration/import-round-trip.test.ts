import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitImport } from '../../src/main/app/import';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { createWorkspace, type WorkspaceStore } from '../../src/main/store';
import { CASME2_HEADER, countingProber, writeSequence, writeSheet } from '../helpers/corpus';
import { FIXTURES, writeLayoutFixture, type FixtureName } from '../helpers/dataset-fixtures';
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
    await exportWorkspace(ws, { formats: ['casme2-csv'], folder: out });

    const again = await commitImport(ws, { sheet: join(out, 'casme2-sheet.csv'), root, dataset: 'casme2' }, deps);
    expect(again).toMatchObject({ committed: true, eventsAdded: 0 });
    expect((await ws.info()).counts.events).toBe(2);

    const fresh = await createWorkspace(join(dir, 'b.mellm'));
    expect(await commitImport(fresh, { sheet: join(out, 'casme2-sheet.csv'), root, dataset: 'casme2' }, deps)).toMatchObject({ eventsAdded: 2 });
    expect(await events(fresh)).toEqual(await events(ws));
    await Promise.all([ws.close(), fresh.close()]);
  });
});

/** Clips with their dataset facts and every event with what its sheet said, sorted. */
async function sheetFacts(ws: WorkspaceStore) {
  const clips = [];
  for (const clip of await ws.clips.list({})) {
    const events = (await ws.events.listForClip(clip.id)).map((e) => ({
      onset: e.onset,
      apex: e.apex,
      offset: e.offset,
      frames: e.datasetFrames,
      aus: e.datasetAus,
      emotion: e.datasetEmotion,
      extra: e.datasetExtra,
      flags: e.flags,
    }));
    clips.push({ path: clip.path, dataset: clip.dataset, fps: clip.fps, frames: clip.frames, subject: clip.subject, name: clip.datasetFilename, events });
  }
  return clips.sort((a, b) => a.path.localeCompare(b.path));
}

describe.each(Object.keys(FIXTURES) as FixtureName[])('the %s layout round trip', (name) => {
  it('exports to its own sheet (header, numbering, AU text as written) and re-imports to the same frames and codes', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, name, { notation: true });
    const dataset = name === 'megc' ? 'megc' : fixture.dataset;
    const ws = await createWorkspace(join(dir, 'a.mellm'));
    expect(await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset })).toMatchObject({ eventsAdded: fixture.rows.length });
    const out = join(dir, 'out');
    await exportWorkspace(ws, { formats: [name === 'megc' ? 'megc-composite' : 'dataset-sheets'], folder: out });
    const sheet = name === 'megc' ? join(out, 'megc-composite.csv') : join(out, 'sheets', `${fixture.dataset}.csv`);
    const lines = readFileSync(sheet, 'utf8').split('\r\n');
    // The released header (the long-video SAMM sheet comes back in SAMM's micro-expression header).
    if (fixture.header && name !== 'samm-long') expect(lines[0]).toBe(fixture.header.join(','));
    for (const row of fixture.rows) if (row.aus) expect(lines.some((line) => line.includes(row.aus!.includes(',') ? `"${row.aus}"` : row.aus!))).toBe(true);

    const again = await commitImport(ws, { sheet, root: fixture.root, dataset });
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(again).toMatchObject({ committed: true, eventsAdded: 0, alreadyPresent: fixture.rows.length });

    const fresh = await createWorkspace(join(dir, 'b.mellm'));
    expect(await commitImport(fresh, { sheet, root: fixture.root, dataset })).toMatchObject({ eventsAdded: fixture.rows.length });
    expect(await sheetFacts(fresh)).toEqual(await sheetFacts(ws));
    await Promise.all([ws.close(), fresh.close()]);
  });
});

describe('the identity rule', () => {
  it('an annotator coding an imported event otherwise comes back as a new event; the dataset rows are skipped', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, 'casme2');
    const ws = await createWorkspace(join(dir, 'a.mellm'));
    await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: 'casme2' });
    await ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '1+2+5B', emotion: 'surprise', label3: 'surprise' });
    await ws.annotations.save({ eventId: 2, annotator: 'ana', aus: 'R12+L4B', emotion: 'happiness', label3: 'positive' });
    const out = join(dir, 'out');
    await exportWorkspace(ws, { formats: ['dataset-sheets'], folder: out });
    const again = await commitImport(ws, { sheet: join(out, 'sheets', 'casme2.csv'), root: fixture.root, dataset: 'casme2' });
    // ana's 1+2+5B differs from the sheet's 1+2: a new event; her R12+L4B equals it: the same event.
    expect(again).toMatchObject({ eventsAdded: 1, alreadyPresent: 4 });
    const clip = (await ws.clips.byPath(join(fixture.root, 'sub01', 'EP02_01f')))!;
    expect((await ws.events.listForClip(clip.id)).map((e) => e.datasetAus)).toEqual(['1+2', '1+2+5B', '?']);
    await ws.close();
  });
});
