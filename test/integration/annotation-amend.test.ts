import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/shared/workspace';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { EditSession } from '../../src/renderer/src/state/edit-session';

/**
 * The Annotate view's save path against a real workspace: a label approved in review is
 * locked, ordinary saves are refused, and the session's explicit amend writes a new,
 * unlocked version (the approved one stays in the audit trail).
 */
describe('editing an approved label', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-amend-'));
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });

  const label = async (eventId: number): Promise<Annotation> => (await call<Annotation[]>('annotations.get', { eventId, annotator: 'ann' }))[0] as Annotation;

  async function call<T>(name: string, payload: unknown): Promise<T> {
    const result = await dispatch(table, name, payload, { transport: 'direct' });
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.data as T;
  }

  it('needs amend: the session refuses nothing silently and amends on request', async () => {
    await call('settings.update', { annotator: 'ann' });
    await call('workspace.create', { path: join(root, 'a.mellm') });
    const workspace = services.workspaces.require();
    const clip = await workspace.clips.add({ path: join(root, 'clip.mp4'), kind: 'video', fps: 30, frames: 30, width: 64, height: 48 });
    const event = await workspace.events.create({ clipId: clip.id, onset: 2, apex: 5, offset: 9, source: 'manual' });
    const first = await call<Annotation>('annotations.save', { eventId: event.id, annotator: 'ann', aus: '1+2', provenance: 'accepted' });
    await workspace.annotations.review(first.id, 'rev', 'approve');
    const approved = await label(event.id);
    expect(approved.locked).toBe(true);

    const session = new EditSession(
      {
        saveMarkers: async () => undefined,
        saveAnnotation: (eventId, annotator, draft, provenance, baseVersion, amend) =>
          call<Annotation>('annotations.save', { eventId, annotator, ...draft, provenance, baseVersion, amend }),
      },
      5,
    );
    session.setAnnotator('ann');
    const draft = { aus: approved.aus, emotion: approved.emotion, label3: null, description: approved.description };
    session.load(event.id, { draft, provenance: approved.provenance, version: approved.version, markers: { onset: 2, apex: 5, offset: 9 }, locked: approved.locked });
    expect(session.isLocked(event.id)).toBe(true);

    // Without amend the store refuses, and the session keeps the edit dirty with the reason.
    session.setField(event.id, 'aus', '1+2+5', 'edited');
    await session.saver.flush();
    expect(session.saveState).toMatchObject({ status: 'error', dirty: 1 });
    expect(session.saveState.error).toMatch(/approved and locked/);

    session.amend(event.id);
    expect(session.isLocked(event.id)).toBe(false);
    await session.saver.flush();
    expect(session.saveState.status).not.toBe('error');
    const amended = await label(event.id);
    expect(amended).toMatchObject({ aus: '1+2+5', locked: false, provenance: 'edited' });
    expect(amended.version).toBeGreaterThan(approved.version);
    const history = await call<Array<{ version: number }>>('review.history', { annotationId: amended.id });
    expect(history.map((h) => h.version)).toContain(approved.version);

    // Later edits are ordinary saves of the new version.
    session.setField(event.id, 'description', 'Brows up.', 'edited');
    await session.saver.flush();
    expect((await label(event.id)).description).toBe('Brows up.');
  });
});
