import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { runCli } from '../../src/main/cli/main';
import { createServices } from '../../src/main/app/services';
import { WorkspaceInfoSchema } from '../../src/shared/workspace';
import { ImportReportSchema } from '../../src/shared/corpus-import';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-wsapi-');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function corpus(dir: string) {
  const root = join(dir, 'CASME2_RAW');
  await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
  const sheet = await writeSheet(join(dir, 'coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 80, '', '1+2', 'surprise']]);
  return { root, sheet };
}

describe('workspace channels', () => {
  it('create → import.preview → import.commit → clips/events/annotations through dispatch', async () => {
    const dir = tempDir();
    const services = createServices({ userDataDir: join(dir, 'home') });
    const table = createHandlerTable(services);
    const call = async (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });

    expect(await call('clips.list')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: /No workspace is open/ } });
    const file = join(dir, 'c.mellm');
    expect(await call('workspace.create', { path: file })).toMatchObject({ ok: true, data: { path: file, counts: { clips: 0 } } });
    expect(await call('workspace.recent')).toMatchObject({ ok: true, data: [{ path: file }] });

    const { root, sheet } = await corpus(dir);
    const preview = await call('import.preview', { sheet, root, dataset: 'casme2' });
    expect(preview).toMatchObject({ ok: true, data: { committed: false, rows: [{ ok: true, onset: 0, apex: 13, offset: 34 }] } });
    expect(await call('workspace.info')).toMatchObject({ ok: true, data: { counts: { events: 0 } } });
    const committed = await call('import.commit', { sheet, root, dataset: 'casme2' });
    expect(committed).toMatchObject({ ok: true, data: { committed: true, eventsAdded: 1 } });

    const clips = await call('clips.list', { subject: '01' });
    expect(clips).toMatchObject({ ok: true, data: [{ id: 1, frames: 35, width: 8, fps: 200 }] });
    const events = await call('events.list', { clipId: 1 });
    expect(events).toMatchObject({ ok: true, data: [{ id: 1, onset: 0, apex: 13, offset: 34 }] });
    expect(await call('events.update', { id: 1, apex: 50 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('events.create', { clipId: 1, onset: 10, apex: 5, offset: 20 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    await services.settings.update({ annotator: 'ana' });
    const saved = await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'AU1+AU2', emotion: 'surprise', label3: 'surprise' });
    expect(saved).toMatchObject({ ok: true, data: { version: 1, aus: 'AU1+AU2' } });
    const garbage = await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'X12', baseVersion: 1 });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'aus', message: /not a valid FACS code/ }] } });
    const again = await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '1+2+5B', baseVersion: 1, provenance: 'edited' });
    expect(again).toMatchObject({ ok: true, data: { version: 2 } });
    expect(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '1', baseVersion: 2, status: 'approved' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', issues: [{ path: 'status' }] },
    });
    expect(await call('annotations.get', { eventId: 1, annotator: 'ana' })).toMatchObject({ ok: true, data: [{ version: 2, aus: '1+2+5B' }] });
    expect(await call('clips.list', { annotator: 'ana', emotion: 'surprise' })).toMatchObject({ ok: true, data: [{ id: 1 }] });

    const sha = 'c'.repeat(64);
    const added = await call('clips.add', { path: join(dir, 'v.mp4'), kind: 'video', sha256: sha, fps: 30, frames: 90, width: 64, height: 48 });
    expect(added).toMatchObject({ ok: true, data: { id: 2, faceIndex: 0 } });
    expect(await call('clips.relink', { sha256: sha, path: join(dir, 'moved.mp4') })).toMatchObject({ ok: true, data: { id: 2, path: join(dir, 'moved.mp4') } });
    // The capture rate: schema-checked at the API, kept beside the container's, reset by null.
    expect(added).toMatchObject({ data: { fps: 30, captureFps: 30 } });
    expect(await call('clips.setCaptureFps', { id: 2, captureFps: 200 })).toMatchObject({ ok: true, data: { id: 2, fps: 30, captureFps: 200 } });
    for (const captureFps of [0, -1, '200', 20_000]) {
      expect(await call('clips.setCaptureFps', { id: 2, captureFps })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'captureFps' }] } });
    }
    expect(await call('clips.setCaptureFps', { id: 99, captureFps: 30 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('clips.list', {})).toMatchObject({ ok: true, data: [{ id: 1 }, { id: 2, captureFps: 200 }] });
    expect(await call('clips.setCaptureFps', { id: 2, captureFps: null })).toMatchObject({ ok: true, data: { captureFps: 30 } });
    expect(await call('workspace.close')).toEqual({ ok: true, data: { closed: true } });
    expect(await call('workspace.info')).toEqual({ ok: true, data: null });
    const notSqlite = join(dir, 'fake.mellm');
    writeFileSync(notSqlite, 'PK not a database');
    expect(await call('workspace.open', { path: notSqlite })).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect(await call('workspace.open', { path: file })).toMatchObject({ ok: true, data: { counts: { events: 1, annotations: 1 } } });
    await services.workspaces.close();
  });
});

describe('mellm workspace / import', () => {
  it('creates, imports (json) and reports info', async () => {
    const dir = tempDir();
    const file = join(dir, 'cli.mellm');
    expect((await cli('workspace', 'create', file)).code).toBe(0);
    expect((await cli('workspace', 'create', file)).err).toMatch(/already exists/);
    const { root, sheet } = await corpus(dir);
    const imported = await cli('import', sheet, '--root', root, '--dataset', 'casme2', '--workspace', file, '--json');
    expect(imported.code).toBe(0);
    expect(ImportReportSchema.parse(JSON.parse(imported.out))).toMatchObject({ committed: true, eventsAdded: 1 });
    const info = await cli('workspace', 'info', file, '--json');
    expect(WorkspaceInfoSchema.parse(JSON.parse(info.out)).counts).toMatchObject({ clips: 1, events: 1 });
    expect((await cli('workspace', 'info', file)).out).toMatch(/clips 1, events 1/);
  });

  it('refuses bad sheets and bad arguments without touching the workspace', async () => {
    const dir = tempDir();
    const file = join(dir, 'cli.mellm');
    await cli('workspace', 'create', file);
    const { root } = await corpus(dir);
    const swapped = await writeSheet(join(dir, 'swapped.csv'), [CASME2_HEADER, ['01', 'EP02_01f', '59', '46', '80', '', '1+2', 'surprise']]);
    const before = readFileSync(file);
    const bad = await cli('import', swapped, '--root', root, '--dataset', 'casme2', '--workspace', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/row 2, ApexFrame: apex 46 is before onset 59/);
    expect((await cli('workspace', 'info', file, '--json')).out).toMatch(/"events": 0/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect((await cli('import', swapped, '--root', root, '--dataset', 'casme9', '--workspace', file)).code).toBe(2);
    expect((await cli('import', swapped, '--root', root, '--dataset', 'generic', '--columns', 'onset', '--workspace', file)).err).toMatch(/field=Header/);
    const missing = await cli('workspace', 'info', join(dir, 'missing.mellm'));
    expect(missing.err).toMatch(/No workspace file/);
  });

  it('deletes and restores events and clips under the acting profile; an approved label needs a reviewer', async () => {
    const dir = tempDir();
    const services = createServices({ userDataDir: join(dir, 'home') });
    const table = createHandlerTable(services);
    const call = async (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'direct' });
    await call('workspace.create', { path: join(dir, 'c.mellm') });
    const { root, sheet } = await corpus(dir);
    await call('import.commit', { sheet, root, dataset: 'casme2' });

    expect(await call('events.delete', { id: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: /Set your annotator name/ } });
    expect(await call('events.delete', { id: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'id' }] } });
    expect(await call('events.delete', { id: 1, by: 'rita' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await services.settings.update({ annotator: 'ana' });
    // Pressing O: a one-frame manual event, then deleted, undone, deleted again.
    const accident = await call('events.create', { clipId: 1, onset: 20, offset: 20 });
    expect(accident).toMatchObject({ ok: true, data: { id: 2, source: 'manual' } });
    expect(await call('events.delete', { id: 2 })).toMatchObject({ ok: true, data: { target: 'event', targetId: 2, action: 'delete', by: 'ana' } });
    expect(await call('events.list', { clipId: 1 })).toMatchObject({ ok: true, data: [{ id: 1 }] });
    expect(await call('events.restore', { id: 2 })).toMatchObject({ ok: true, data: { id: 2, onset: 20, offset: 20 } });
    expect((await call('events.list', { clipId: 1 })) as { data: unknown[] }).toMatchObject({ data: [{ id: 1 }, { id: 2 }] });
    expect(await call('events.delete', { id: 2 })).toMatchObject({ ok: true });
    expect(await call('annotations.get', { eventId: 2, annotator: 'ana' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: /Event 2 was deleted/ } });

    const label = await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '1+2', status: 'submitted' });
    await services.workspaces.require().annotations.review((label as { data: { id: number } }).data.id, 'rita', 'approve');
    expect(await call('events.delete', { id: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: /only a reviewer can delete it \(ana is not a reviewer\)/ } });
    expect(await call('clips.delete', { id: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await services.settings.update({ annotator: 'rita' });
    expect(await call('clips.delete', { id: 1 })).toMatchObject({ ok: true, data: { target: 'clip', targetId: 1, by: 'rita' } });
    expect(await call('clips.list')).toEqual({ ok: true, data: [] });
    // "Analyse all" finds nothing to do in a workspace whose only clip is deleted.
    expect(await call('analysis.runAll', {})).toEqual({ ok: true, data: { jobIds: [], skipped: 0, items: [] } });
    expect(await call('events.list', { clipId: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: /Clip 1 was deleted/ } });
    expect(await call('clips.restore', { id: 1 })).toMatchObject({ ok: true, data: { id: 1 } });
    expect(await call('events.list', { clipId: 1 })).toMatchObject({ ok: true, data: [{ id: 1 }] });
    await services.workspaces.close();
  });
});
