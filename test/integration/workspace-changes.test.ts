import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkspaceChanged } from '../../src/shared/api/events';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { WORKSPACE_WRITES } from '../../src/main/api/changes';
import { createServices, disposeServices } from '../../src/main/app/services';

/**
 * Every window hears when a call changed the workspace (`workspace.changed`), through the
 * handler table both transports use, on a real SQLite workspace: a write announces itself
 * with its channel and clip once it succeeded; a refused write and a read say nothing.
 */
describe('workspace change notifications', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-changes-'));
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  const heard: WorkspaceChanged[] = [];
  services.events.subscribe((name, payload) => {
    if (name === 'workspace.changed') heard.push(payload as WorkspaceChanged);
  });
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });
  const call = (name: string, payload: unknown) => dispatch(table, name, payload, { transport: 'direct' });
  const ok = async (name: string, payload: unknown) => {
    const result = await call(name, payload);
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.data;
  };

  it('announces a created, moved and deleted event with its channel, and the clip when the call names it', async () => {
    await ok('settings.update', { annotator: 'ana' });
    await ok('workspace.create', { path: join(root, 'w.mellm') });
    const clip = await services.workspaces.require().clips.add({ path: join(root, 'a.mp4'), kind: 'video', fps: 30, frames: 90, width: 64, height: 48 });
    heard.length = 0;
    const { id } = (await ok('events.create', { clipId: clip.id, onset: 10, offset: 20 })) as { id: number };
    await ok('events.update', { id, onset: 12 });
    await ok('events.delete', { id });
    expect(heard).toEqual([{ cause: 'events.create', clipId: clip.id }, { cause: 'events.update' }, { cause: 'events.delete' }]);
  });

  it('says nothing for a refused write or a read', async () => {
    heard.length = 0;
    expect((await call('events.create', { clipId: 999, onset: 1, offset: 2 })).ok).toBe(false);
    expect((await call('events.list', { clipId: 1 })).ok).toBe(true);
    expect(heard).toEqual([]);
  });

  it('names only channels that exist', () => {
    for (const name of WORKSPACE_WRITES) expect(table[name]).toBeTypeOf('function');
  });
});
