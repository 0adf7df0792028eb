import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { commitImport, previewImport } from '../../src/main/app/import';
import { createWorkspace } from '../../src/main/store';
import { AppError } from '../../src/shared/errors';
import { FIXTURES, writeLayoutFixture, type FixtureName, type LayoutFixture } from '../helpers/dataset-fixtures';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-layouts-');
const NAMES = Object.keys(FIXTURES) as FixtureName[];

/** The frame rate each clip must get: the sheet's own (DFME), else the (source) dataset's. */
const FPS: Record<string, number> = { casme2: 200, samm: 200, smic: 100, casme3: 30, generic: 30, casme2x: 30, mmew: 90, '4dme': 60 };

/** What each fixture row must import as, read from the fixture itself. */
function expected(fixture: LayoutFixture) {
  return fixture.rows.map((row) => {
    const clip = fixture.clips[row.clip]!;
    const at = (n: number) => n - clip.first;
    return {
      clip: join(fixture.root, ...clip.segments),
      onset: at(row.frames.onset),
      apex: row.frames.apex === null ? null : at(row.frames.apex),
      offset: at(row.frames.offset),
      datasetFrames: row.frames,
      datasetAus: row.aus,
    };
  });
}

describe.each(NAMES)('the %s coding sheet', (name) => {
  it('imports every row whose frames exist, every notation its coders wrote included, with 0 refusals, positions from its own frame numbering', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, name, { notation: true });
    const ws = await createWorkspace(join(dir, 'ws.mellm'));
    const report = await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: fixture.dataset });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report).toMatchObject({ committed: true, eventsAdded: fixture.rows.length, totalRows: fixture.rows.length, skippedRows: [] });
    const got = [];
    for (const clip of await ws.clips.list({})) {
      for (const e of await ws.events.listForClip(clip.id)) {
        got.push({ clip: clip.path, onset: e.onset, apex: e.apex, offset: e.offset, datasetFrames: e.datasetFrames, datasetAus: e.datasetAus });
        // A composite row's clip keeps its source dataset; a frame folder takes the sheet's or the dataset's rate.
        const row = fixture.rows.find((r) => r.frames.onset === e.datasetFrames?.onset && join(fixture.root, ...fixture.clips[r.clip]!.segments) === clip.path)!;
        const source = name === 'megc' ? String(row.cells[0]) : fixture.dataset;
        expect(clip.dataset).toBe(source);
        expect(clip.fps).toBe(name === 'dfme' ? row.cells[7] : FPS[source]);
        // The dataset's (or the row's) rate is also the rate it was filmed at.
        expect(clip.captureFps).toBe(clip.fps);
      }
    }
    const byStart = (a: { clip: string; onset: number }, b: { clip: string; onset: number }) => a.clip.localeCompare(b.clip) || a.onset - b.onset;
    expect(got.sort(byStart)).toEqual(expected(fixture).sort(byStart));
    await ws.close();
  });

  it('is recognised by --dataset auto, which says why', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, name);
    const report = await previewImport(null, { sheet: fixture.sheet, root: fixture.root, dataset: 'auto' });
    expect(report.dataset).toBe(fixture.dataset);
    expect(report.detected).toMatch(name === 'casme2x' ? /no header row/ : name === 'generic' ? /standard names as a generic sheet/ : /is the .* layout/);
    expect(report.rows.every((r) => r.ok)).toBe(true);
  });

  it('refuses a row whose clip is missing and one with bad codes, grouped by kind; the other rows import with --skip-flagged', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, name, { broken: true });
    const broken = fixture.broken!;
    const ws = await createWorkspace(join(dir, 'ws.mellm'));
    const report = await previewImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: fixture.dataset });
    const errors = report.groups.filter((g) => g.severity === 'error');
    expect(errors.find((g) => g.kind === 'clip-not-found')).toMatchObject({ rows: 1, first: { row: broken.missingClipRow } });
    const bad = errors.find((g) => g.first.row === broken.garbageRow)!;
    // SMIC has no AU column and MEGC lists none: their broken cell is a frame number and a class label.
    const kind = name === 'smic' ? 'not-a-number' : name === 'megc' ? 'unknown-label' : 'aus-not-facs';
    expect(bad).toMatchObject({ kind, rows: 1 });
    if (kind === 'aus-not-facs') expect(bad.first.message).toMatch(new RegExp(`at character ${broken.garbageAt + 1}\\b`));
    const refusal = await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: fixture.dataset }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).message).toMatch(/\n1 row: clip folder not found \(first at row \d+/);
    expect((await ws.info()).counts.events).toBe(0);
    const partial = await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: fixture.dataset, skipFlagged: true });
    expect(partial).toMatchObject({ eventsAdded: fixture.rows.length, skippedRows: [broken.missingClipRow, broken.garbageRow] });
    await ws.close();
  });
});

describe('uncertain codings', () => {
  it('imports a code marked uncertain on its own (`12?`) and flags the event', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, 'generic', { notation: true });
    const ws = await createWorkspace(join(dir, 'ws.mellm'));
    const report = await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: 'generic' });
    expect(report.groups).toEqual([{ kind: 'aus-uncertain', severity: 'warning', rows: 1, first: expect.objectContaining({ row: 4, column: 'AU' }) }]);
    const events = await ws.events.listForClip(1);
    expect(events.map((e) => [e.datasetAus, e.flags])).toEqual([
      ['AU12 or AU14', []],
      ['1+2', []],
      ['4+12?', ['aus_uncertain']],
    ]);
    await ws.close();
  });

  it('imports an uncertain coding (CASME II `?`) and flags it; a missing apex is flagged too', async () => {
    const dir = tempDir();
    const fixture = await writeLayoutFixture(dir, 'casme2');
    const ws = await createWorkspace(join(dir, 'ws.mellm'));
    const report = await commitImport(ws, { sheet: fixture.sheet, root: fixture.root, dataset: 'casme2' });
    expect(report.groups.map((g) => [g.kind, g.severity, g.rows])).toEqual([
      ['apex-missing', 'warning', 1],
      ['aus-uncertain', 'warning', 1],
    ]);
    const events = [];
    for (const clip of await ws.clips.list({})) events.push(...(await ws.events.listForClip(clip.id)));
    expect(events.map((e) => [e.datasetAus, e.flags]).sort()).toEqual([
      ['1+2', []],
      ['?', ['aus_uncertain']],
      ['R12+L4B', ['apex_missing']],
    ]);
    // The session report shows the flags beside the dataset's labels.
    const out = join(dir, 'out');
    await exportWorkspace(ws, { formats: ['report'], folder: out });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(new Set(html.match(/<th>Import flags<\/th><td>[^<]*<\/td>/g))).toEqual(new Set(['<th>Import flags</th><td>no apex in the sheet</td>', '<th>Import flags</th><td>AU coding marked uncertain by the coder</td>']));
    await ws.close();
  });
});
