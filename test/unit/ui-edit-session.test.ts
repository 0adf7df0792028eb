import { describe, expect, it } from 'vitest';
import type { AnnotationDraft, Provenance } from '../../src/renderer/src/state/annotation';
import { EditSession, type EditBackend } from '../../src/renderer/src/state/edit-session';
import { placeMarker, NO_MARKERS } from '../../src/renderer/src/state/markers';

/** A backend that records what reached it, in order, like a store would. */
function recordingBackend() {
  const writes: Array<{ eventId: number; kind: string; value: unknown; base?: number | null }> = [];
  let version = 0;
  const backend: EditBackend = {
    async saveMarkers(eventId, markers) {
      writes.push({ eventId, kind: 'markers', value: markers });
    },
    async saveAnnotation(eventId, _annotator, draft: AnnotationDraft, provenance: Provenance, baseVersion) {
      writes.push({ eventId, kind: 'annotation', value: { ...draft, provenance }, base: baseVersion });
      version += 1;
      return { version };
    },
  };
  return { backend, writes };
}

describe('placeMarker', () => {
  it('keeps onset ≤ apex ≤ offset whichever marker moves', () => {
    expect(placeMarker(NO_MARKERS, 'onset', 10)).toEqual({ onset: 10, apex: null, offset: 10 });
    const m = { onset: 10, apex: 15, offset: 20 };
    expect(placeMarker(m, 'onset', 17)).toEqual({ onset: 17, apex: 17, offset: 20 });
    expect(placeMarker(m, 'offset', 12)).toEqual({ onset: 10, apex: 12, offset: 12 });
    expect(placeMarker(m, 'apex', 25)).toEqual({ onset: 10, apex: 25, offset: 25 });
    expect(placeMarker(m, 'apex', 5)).toEqual({ onset: 5, apex: 5, offset: 20 });
  });
});

describe('EditSession', () => {
  const loaded = { draft: { aus: '1', emotion: null, label3: null, description: '' }, provenance: 'manual' as const, version: 3, markers: { onset: 1, apex: 2, offset: 3 } };

  it('saves every change once after the debounce, with the version it started from', async () => {
    const { backend, writes } = recordingBackend();
    const session = new EditSession(backend, 10);
    session.load(7, loaded);
    session.setField(7, 'description', 'b', 'manual', true);
    session.setField(7, 'description', 'br', 'manual', true);
    session.setField(7, 'aus', '1+2', 'manual');
    await session.flush();
    expect(writes).toEqual([{ eventId: 7, kind: 'annotation', base: 3, value: { aus: '1+2', emotion: null, label3: null, description: 'br', provenance: 'manual' } }]);
    session.setField(7, 'emotion', 'surprise', 'manual');
    await session.flush();
    expect(writes[1]?.base).toBe(1);
  });

  it('undoes and redoes across events and marker drags, saving each restored value', async () => {
    const { backend, writes } = recordingBackend();
    const session = new EditSession(backend, 10);
    session.load(1, loaded);
    session.load(2, { ...loaded, markers: { onset: 10, apex: null, offset: 12 } });
    session.setField(1, 'description', 'first', 'manual', true);
    session.previewMarkers(2, { onset: 11, apex: null, offset: 12 });
    session.previewMarkers(2, { onset: 12, apex: null, offset: 12 });
    session.setMarkers(2, { onset: 12, apex: null, offset: 12 });
    expect(session.history.undo()).toBe(true);
    expect(session.markers(2)).toEqual({ onset: 10, apex: null, offset: 12 });
    expect(session.history.undo()).toBe(true);
    expect(session.draft(1).description).toBe('');
    expect(session.history.redo()).toBe(true);
    expect(session.draft(1).description).toBe('first');
    await session.flush();
    expect(writes).toContainEqual({ eventId: 2, kind: 'markers', value: { onset: 10, apex: null, offset: 12 } });
    expect(writes.filter((w) => w.kind === 'annotation').at(-1)?.value).toMatchObject({ description: 'first' });
  });

  it('keeps saving the last AUs that parsed while the FACS field holds a typing error', async () => {
    const { backend, writes } = recordingBackend();
    const session = new EditSession(backend, 10);
    session.load(4, loaded);
    session.setField(4, 'aus', '1+', 'manual', true);
    session.setField(4, 'description', 'x', 'manual');
    await session.flush();
    expect(writes.at(-1)?.value).toMatchObject({ aus: '1', description: 'x' });
    expect(session.draft(4).aus).toBe('1+');
  });
});

describe('EditSession while a label loads', () => {
  it('keeps what was typed before the stored label arrived and saves it on top of the stored version, markers included', async () => {
    const { backend, writes } = recordingBackend();
    const session = new EditSession(backend, 10);
    session.setField(5, 'aus', 'R12', 'manual', true);
    session.load(5, { draft: { aus: '', emotion: 'happiness', label3: null, description: '' }, provenance: 'manual', version: 4, status: 'draft', markers: { onset: 4, apex: 10, offset: 20 } });
    expect(session.draft(5).aus).toBe('R12');
    expect(session.markers(5)).toEqual({ onset: 4, apex: 10, offset: 20 });
    expect(session.status(5)).toBe('draft');
    await session.flush();
    expect(writes).toEqual([{ eventId: 5, kind: 'annotation', value: { aus: 'R12', emotion: null, label3: null, description: '', provenance: 'manual' }, base: 4 }]);
  });

  it('takes a reviewed label again on a later visit unless an edit of it waits to be saved', async () => {
    const { backend } = recordingBackend();
    const session = new EditSession(backend, 10_000);
    session.load(6, { draft: { aus: '12', emotion: null, label3: null, description: '' }, provenance: 'manual', version: 2, status: 'submitted', markers: { onset: 1, apex: 2, offset: 3 } });
    expect(session.isSubmitted(6)).toBe(true);
    // Read-only while submitted: an undo step or a stray edit changes nothing.
    session.setField(6, 'aus', '12+6', 'manual');
    expect(session.draft(6).aus).toBe('12');
    session.syncLabel(6, { draft: { aus: '12', emotion: null, label3: null, description: '' }, provenance: 'manual', version: 3, locked: false, status: 'changes_requested' });
    expect(session.isSubmitted(6)).toBe(false);
    session.setField(6, 'aus', 'R12', 'manual');
    session.syncLabel(6, { draft: { aus: '12', emotion: null, label3: null, description: '' }, provenance: 'manual', version: 3, locked: false, status: 'changes_requested' });
    expect(session.draft(6).aus).toBe('R12');
  });
});
