import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-identity-');

describe('who labels in a workspace file', () => {
  it('is Settings’ name, and the workspace says so (identity "settings", acting as no database role)', async () => {
    const dir = tempDir();
    const services = createServices({ userDataDir: join(dir, 'home') });
    const call = (channel: string, payload: unknown = {}) => dispatch(createHandlerTable(services), channel, payload, { transport: 'direct' });
    try {
      expect(await call('workspace.create', { path: join(dir, 'w.mellm') })).toMatchObject({ ok: true, data: { identity: 'settings', actingAs: null } });
      await call('settings.update', { annotator: 'ana' });
      const clip = await services.workspaces.require().clips.add({ path: join(dir, 'a.mp4'), kind: 'video', fps: 30, frames: 10, width: 4, height: 4 });
      const event = await services.workspaces.require().events.create({ clipId: clip.id, onset: 1, apex: 2, offset: 3, source: 'manual' });
      expect(await call('annotations.save', { eventId: event.id, annotator: 'ana', aus: 'AU1' })).toMatchObject({ ok: true, data: { annotator: 'ana' } });
      expect(await call('annotations.save', { eventId: event.id, annotator: 'bo', aus: 'AU1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      await disposeServices(services);
    }
  });
});
