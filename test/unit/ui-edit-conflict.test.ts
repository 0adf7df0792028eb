import { describe, expect, it } from 'vitest';
import type { AnnotationConflict } from '../../src/shared/annotation-conflict';
import type { Annotation } from '../../src/shared/workspace';
import type { AnnotationDraft } from '../../src/renderer/src/state/annotation';
import { conflictRows, keepMineDraft, mineAsText, theirsDraft } from '../../src/renderer/src/state/conflict';
import { EditSession, type EditBackend } from '../../src/renderer/src/state/edit-session';
import { readUnsaved, writeUnsaved, type DraftStorage } from '../../src/renderer/src/state/unsaved-drafts';

const theirs: Annotation = {
  id: 4,
  eventId: 7,
  annotator: 'ana',
  aus: '1+2',
  emotion: 'surprise',
  label3: 'surprise',
  description: 'Brows up.',
  status: 'draft',
  provenance: 'manual',
  version: 3,
  locked: false,
  updatedAt: '2026-12-06T03:20:00.000Z',
};
const conflict: AnnotationConflict = { theirs, baseVersion: 2, changedBy: 'ana', changedAt: theirs.updatedAt, changedFields: ['aus', 'description'] };
const mine: AnnotationDraft = { aus: '1+2+5', emotion: 'surprise', label3: 'surprise', description: 'Brows and lids up.' };

/** The label both editors started from (version 2). */
const base: AnnotationDraft = { aus: '1', emotion: 'surprise', label3: 'surprise', description: '' };

describe('conflict merge logic', () => {
  it('Keep mine takes the fields I changed and keeps theirs where I changed nothing', () => {
    // They changed AUs and description; I changed only the emotion.
    expect(keepMineDraft(base, { ...base, emotion: 'fear' }, theirsDraft(theirs))).toEqual({ aus: '1+2', emotion: 'fear', label3: 'surprise', description: 'Brows up.' });
    // Both changed the same field: mine wins there.
    expect(keepMineDraft(base, mine, theirsDraft(theirs))).toEqual(mine);
    // Without a known starting point every field is mine.
    expect(keepMineDraft(null, { ...base, emotion: 'fear' }, theirsDraft(theirs))).toEqual({ ...base, emotion: 'fear' });
  });

  it('lists the fields where mine and theirs differ or they changed, with both values and what Keep mine saves', () => {
    expect(conflictRows(base, mine, conflict)).toEqual([
      { field: 'aus', mine: '1+2+5', theirs: '1+2', kept: '1+2+5', changedByThem: true, differs: true },
      { field: 'description', mine: 'Brows and lids up.', theirs: 'Brows up.', kept: 'Brows and lids up.', changedByThem: true, differs: true },
    ]);
    // A field they changed to what I also have is listed, but does not differ.
    expect(conflictRows(base, { ...mine, aus: '1+2' }, conflict)[0]).toEqual({ field: 'aus', mine: '1+2', theirs: '1+2', kept: '1+2', changedByThem: true, differs: false });
    // A field only I changed differs too; a field only they changed keeps theirs.
    const rows = conflictRows(base, { ...base, emotion: 'fear' }, conflict);
    expect(rows.map((r) => [r.field, r.kept])).toEqual([['aus', '1+2'], ['emotion', 'fear'], ['description', 'Brows up.']]);
  });

  it('takes their label as a draft and writes mine as text with the given field names', () => {
    expect(theirsDraft(theirs)).toEqual({ aus: '1+2', emotion: 'surprise', label3: 'surprise', description: 'Brows up.' });
    const names = { aus: 'FACS', emotion: 'Emotion', label3: 'Class', description: 'Description' };
    expect(mineAsText({ ...mine, label3: null }, names)).toBe('FACS: 1+2+5\nEmotion: surprise\nClass: \nDescription: Brows and lids up.');
  });
});

/** A backend holding one stored label, refusing stale saves the way the store does. */
function storeBackend(stored: Annotation) {
  let current = stored;
  const trail: Annotation[] = [stored];
  const calls: Array<number | null> = [];
  const backend: EditBackend = {
    saveMarkers: async () => undefined,
    async saveAnnotation(eventId, annotator, draft, provenance, baseVersion) {
      calls.push(baseVersion);
      if (baseVersion !== current.version) {
        const detail: AnnotationConflict = { theirs: current, baseVersion, changedBy: 'ana', changedAt: current.updatedAt, changedFields: ['aus'] };
        throw Object.assign(new Error('changed since it was loaded'), { code: 'EDIT_CONFLICT', detail });
      }
      current = { ...current, ...draft, eventId, annotator, provenance, version: current.version + 1 };
      trail.push(current);
      return current;
    },
  };
  return {
    backend,
    calls,
    trail,
    /** Another tab saves: the stored label moves on. */
    theirSave(patch: Partial<Annotation>) {
      current = { ...current, ...patch, version: current.version + 1 };
      trail.push(current);
    },
  };
}

describe('EditSession conflicts', () => {
  const base = { ...theirs, aus: '1', description: '', version: 2 };
  const load = (session: EditSession) =>
    session.load(7, { draft: theirsDraft(base), provenance: 'manual', version: 2, markers: { onset: 1, apex: 2, offset: 3 } });

  it('holds my edit on a conflict, keeps later edits without failing calls, and Keep mine saves on top of theirs', async () => {
    const store = storeBackend(base);
    const session = new EditSession(store.backend, 5);
    session.setAnnotator('ana');
    load(session);
    store.theirSave({ aus: '1+2', description: 'Brows up.' });
    session.setField(7, 'aus', '1+2+5', 'manual');
    await session.flush();
    expect(session.conflict(7)?.theirs.version).toBe(3);
    expect(session.saveState).toMatchObject({ status: 'conflict', dirty: 1 });
    session.setField(7, 'description', 'Brows and lids up.', 'manual');
    await session.flush();
    expect(store.calls).toEqual([2]);
    // Nothing typed is dropped while the person decides.
    expect(session.draft(7)).toMatchObject({ aus: '1+2+5', description: 'Brows and lids up.' });
    expect(session.conflictBase(7)).toEqual(theirsDraft(base));

    session.keepMine(7);
    await session.flush();
    expect(session.conflict(7)).toBeNull();
    expect(store.calls).toEqual([2, 3]);
    expect(store.trail.map((v) => [v.version, v.aus])).toEqual([[2, '1'], [3, '1+2'], [4, '1+2+5']]);
    expect(session.saveState.status).toBe('saved');
    // Later edits build on the saved version.
    session.setField(7, 'emotion', 'fear', 'manual');
    await session.flush();
    expect(store.calls.at(-1)).toBe(4);
  });

  it('Keep mine merges: their change to a field I left alone survives in the new version', async () => {
    const store = storeBackend(base);
    const session = new EditSession(store.backend, 5);
    session.setAnnotator('ana');
    load(session);
    store.theirSave({ description: 'Brows up.' });
    session.setField(7, 'emotion', 'fear', 'manual');
    await session.flush();
    expect(session.conflict(7)).not.toBeNull();
    session.keepMine(7);
    await session.flush();
    expect(store.trail.at(-1)).toMatchObject({ version: 4, emotion: 'fear', description: 'Brows up.', aus: '1' });
    expect(session.draft(7)).toMatchObject({ emotion: 'fear', description: 'Brows up.' });
    // One undo step brings back exactly what I had typed.
    session.history.undo();
    expect(session.draft(7)).toMatchObject({ emotion: 'fear', description: '' });
  });

  it('Load theirs discards mine and shows their version; later edits save on top of it', async () => {
    const store = storeBackend(base);
    const session = new EditSession(store.backend, 5);
    session.setAnnotator('ana');
    load(session);
    store.theirSave({ aus: '1+2', description: 'Brows up.' });
    session.setField(7, 'aus', '4', 'manual');
    await session.flush();
    session.loadTheirs(7);
    expect(session.draft(7)).toEqual({ aus: '1+2', emotion: 'surprise', label3: 'surprise', description: 'Brows up.' });
    expect(session.conflict(7)).toBeNull();
    expect(session.saveState).toMatchObject({ dirty: 0 });
    await session.flush();
    expect(store.calls).toEqual([2]);
    session.setField(7, 'emotion', 'fear', 'manual');
    await session.flush();
    expect(store.calls).toEqual([2, 3]);
    expect(store.trail.map((v) => v.version)).toEqual([2, 3, 4]);
  });

  it('adopts their version silently when it already holds exactly my values', async () => {
    const store = storeBackend(base);
    const session = new EditSession(store.backend, 5);
    session.setAnnotator('ana');
    load(session);
    store.theirSave({ aus: '1+2' });
    session.setField(7, 'aus', '1+2', 'manual');
    await session.flush();
    expect(session.conflict(7)).toBeNull();
    expect(session.saveState.status).toBe('saved');
    session.setField(7, 'description', 'x', 'manual');
    await session.flush();
    expect(store.calls).toEqual([2, 3]);
  });
});

/** sessionStorage's surface, in memory. */
function memoryStorage(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('unsaved edits across a reload', () => {
  it('keeps an unsaved label per workspace and annotator, and forgets it once saved', () => {
    const storage = memoryStorage();
    const label = { eventId: 7, draft: mine, base, provenance: 'manual' as const, baseVersion: 2 };
    writeUnsaved(storage, 'ws.mellm\nana', [{ eventId: 7, unsaved: label }]);
    expect(readUnsaved(storage, 'ws.mellm\nana', 7)).toEqual(label);
    expect(readUnsaved(storage, 'ws.mellm\nbob', 7)).toBeNull();
    expect(readUnsaved(storage, 'other.mellm\nana', 7)).toBeNull();
    // Events the session has not loaded are left alone; a saved one is removed.
    writeUnsaved(storage, 'ws.mellm\nana', [{ eventId: 8, unsaved: null }]);
    expect(readUnsaved(storage, 'ws.mellm\nana', 7)).toEqual(label);
    writeUnsaved(storage, 'ws.mellm\nana', [{ eventId: 7, unsaved: null }]);
    expect(readUnsaved(storage, 'ws.mellm\nana', 7)).toBeNull();
    expect(storage.map.size).toBe(0);
  });

  it('ignores a damaged or foreign entry instead of failing', () => {
    const storage = memoryStorage();
    storage.setItem('mellm.unsaved-labels', '{not json');
    expect(readUnsaved(storage, 's', 7)).toBeNull();
    storage.setItem('mellm.unsaved-labels', JSON.stringify({ s: { 7: { eventId: 7, draft: { aus: 5 } } } }));
    expect(readUnsaved(storage, 's', 7)).toBeNull();
  });

  it('restores an unsaved label into a fresh session and saves it on the version it was built on', async () => {
    const storage = memoryStorage();
    const store = storeBackend({ ...theirs, version: 2 });
    const before = new EditSession(store.backend, 5);
    before.setAnnotator('ana');
    before.setRecovery({ read: (id) => readUnsaved(storage, 's', id), write: (states) => writeUnsaved(storage, 's', states) });
    before.load(7, { draft: theirsDraft(theirs), provenance: 'manual', version: 2, markers: { onset: 1, apex: 2, offset: 3 } });
    before.setField(7, 'aus', '1+2+5', 'manual');
    // The page goes away before the debounce fires.
    const after = new EditSession(store.backend, 5);
    after.setAnnotator('ana');
    after.setRecovery({ read: (id) => readUnsaved(storage, 's', id), write: (states) => writeUnsaved(storage, 's', states) });
    after.load(7, { draft: theirsDraft(theirs), provenance: 'manual', version: 2, markers: { onset: 1, apex: 2, offset: 3 } });
    expect(after.draft(7).aus).toBe('1+2+5');
    expect(after.restoredEvents()).toEqual([7]);
    // What it was built on travels with it, for a merge if the reload meets a conflict.
    expect(after.conflictBase(7)).toEqual(theirsDraft(theirs));
    await after.flush();
    expect(store.trail.at(-1)).toMatchObject({ version: 3, aus: '1+2+5' });
    expect(readUnsaved(storage, 's', 7)).toBeNull();
  });
});
