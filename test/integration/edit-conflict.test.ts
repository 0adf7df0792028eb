import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { conflictOf } from '../../src/shared/annotation-conflict';
import type { Annotation } from '../../src/shared/workspace';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { EditSession } from '../../src/renderer/src/state/edit-session';

/**
 * Two editors (two tabs) on one label through the API the renderer calls: the stale one
 * gets a typed conflict naming who changed what, and either choice leaves both versions
 * in the audit trail. A busy database is a transient failure the session retries.
 */
describe('edit conflicts through the API', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-conflict-'));
  const workspacePath = join(root, 'w.mellm');
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });

  async function call<T>(name: string, payload: unknown): Promise<T> {
    const result = await dispatch(table, name, payload, { transport: 'direct' });
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code, detail: result.error.detail });
    return result.data as T;
  }

  /** One tab's session, loaded with the stored label as the Annotate view loads it. */
  async function tab(eventId: number): Promise<EditSession> {
    const session = new EditSession(
      {
        saveMarkers: async () => undefined,
        saveAnnotation: (id, annotator, draft, provenance, baseVersion, amend) =>
          call<Annotation>('annotations.save', { eventId: id, annotator, ...draft, provenance, baseVersion, amend }),
      },
      5,
    );
    session.setAnnotator('ann');
    const [stored] = await call<Annotation[]>('annotations.get', { eventId, annotator: 'ann' });
    const draft = stored ? { aus: stored.aus, emotion: stored.emotion, label3: stored.label3, description: stored.description } : { aus: '', emotion: null, label3: null, description: '' };
    session.load(eventId, { draft, provenance: stored?.provenance ?? 'manual', version: stored?.version ?? null, markers: { onset: 2, apex: 5, offset: 9 } });
    return session;
  }

  async function newEvent(onset: number): Promise<number> {
    const workspace = services.workspaces.require();
    const [clip] = await workspace.clips.list({});
    return (await workspace.events.create({ clipId: clip!.id, onset, apex: onset + 3, offset: onset + 7, source: 'manual' })).id;
  }

  it('refuses a stale save with who changed which fields and when, validated as the renderer reads it', async () => {
    await call('settings.update', { annotator: 'ann' });
    await call('workspace.create', { path: workspacePath });
    await services.workspaces.require().clips.add({ path: join(root, 'clip.mp4'), kind: 'video', fps: 30, frames: 30, width: 64, height: 48 });
    const eventId = await newEvent(2);
    const v1 = await call<Annotation>('annotations.save', { eventId, annotator: 'ann', aus: '1' });
    const v2 = await call<Annotation>('annotations.save', { eventId, annotator: 'ann', aus: '1+2', description: 'Brows up.', baseVersion: 1 });
    const result = await dispatch(table, 'annotations.save', { eventId, annotator: 'ann', aus: '4', baseVersion: v1.version }, { transport: 'direct' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EDIT_CONFLICT');
    expect(conflictOf(result.error)).toEqual({ theirs: v2, baseVersion: 1, changedBy: 'ann', changedAt: v2.updatedAt, changedFields: ['aus', 'description'] });
  });

  it('Keep mine saves my values on top of theirs: the audit trail holds both versions', async () => {
    const eventId = await newEvent(12);
    const first = await tab(eventId);
    first.setField(eventId, 'aus', '1', 'manual');
    await first.flush();
    const stale = await tab(eventId);
    first.setField(eventId, 'aus', '1+2', 'manual');
    await first.flush();
    stale.setField(eventId, 'aus', '1+2+5', 'manual');
    stale.setField(eventId, 'description', 'Brows and lids up.', 'manual');
    await stale.flush();
    expect(stale.conflict(eventId)).toMatchObject({ changedBy: 'ann', changedFields: ['aus'], theirs: { version: 2, aus: '1+2' } });
    stale.keepMine(eventId);
    await stale.flush();
    expect(stale.saveState.status).toBe('saved');
    const stored = (await services.workspaces.require().annotations.get(eventId, 'ann'))!;
    const trail = await services.workspaces.require().annotations.history(stored.id);
    expect(trail.map((entry) => [entry.version, (JSON.parse(entry.snapshot) as Annotation).aus])).toEqual([
      [1, '1'],
      [2, '1+2'],
      [3, '1+2+5'],
    ]);
    expect(stored).toMatchObject({ version: 3, aus: '1+2+5', description: 'Brows and lids up.' });
  });

  it('Load theirs leaves their version stored and the session on it', async () => {
    const eventId = await newEvent(20);
    const first = await tab(eventId);
    first.setField(eventId, 'aus', '1', 'manual');
    await first.flush();
    const stale = await tab(eventId);
    first.setField(eventId, 'emotion', 'surprise', 'manual');
    await first.flush();
    stale.setField(eventId, 'aus', '4', 'manual');
    await stale.flush();
    expect(stale.conflict(eventId)?.changedFields).toEqual(['emotion']);
    stale.loadTheirs(eventId);
    expect(stale.draft(eventId)).toMatchObject({ aus: '1', emotion: 'surprise' });
    stale.setField(eventId, 'description', 'Mouth still.', 'manual');
    await stale.flush();
    const stored = (await services.workspaces.require().annotations.get(eventId, 'ann'))!;
    expect(stored).toMatchObject({ version: 3, aus: '1', emotion: 'surprise', description: 'Mouth still.' });
    const trail = await services.workspaces.require().annotations.history(stored.id);
    expect(trail.map((entry) => entry.version)).toEqual([1, 2, 3]);
  });

  it('retries a save refused by a busy database and ends saved', async () => {
    const eventId = await newEvent(4);
    const session = await tab(eventId);
    // Another process holds the write lock longer than the store waits (busy_timeout).
    const other = new Database(workspacePath);
    other.exec('BEGIN IMMEDIATE');
    const seen: string[] = [];
    session.subscribe(() => seen.push(session.saveState.status));
    session.setField(eventId, 'aus', '12', 'manual');
    const firstTry = session.flush();
    await firstTry;
    expect(session.saveState).toMatchObject({ status: 'retrying', dirty: 1 });
    expect(session.saveState.error).toMatch(/busy/);
    other.exec('COMMIT');
    other.close();
    await expect.poll(() => session.saveState.status, { timeout: 5000 }).toBe('saved');
    expect((await services.workspaces.require().annotations.get(eventId, 'ann'))?.aus).toBe('12');
    expect(seen).toContain('retrying');
  });
});
