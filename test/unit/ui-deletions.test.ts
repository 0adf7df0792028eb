import { describe, expect, it } from 'vitest';
import type { Clip, MeEvent } from '../../src/shared/workspace';
import { AppError } from '../../src/shared/errors';
import { CommandHistory } from '../../src/renderer/src/state/history';
import { SessionDeletions, type DeletionBackend, type DeletionChange } from '../../src/renderer/src/state/deletions';

const event = (id: number): MeEvent => ({
  id,
  clipId: 1,
  onset: 50,
  apex: null,
  offset: 50,
  source: 'manual',
  datasetFrames: null,
  datasetAus: null,
  datasetEmotion: null,
  datasetExtra: {},
  flags: [],
  createdAt: '2026-12-06T03:00:00.000Z',
});
const clip: Clip = { id: 1, path: '/CASME2_RAW/sub01/EP02_01f', kind: 'sequence', sha256: null, fps: 200, captureFps: 200, frames: 65, width: 640, height: 480, subject: '01', dataset: 'casme2', datasetRow: 2, datasetFilename: 'EP02_01f', faceIndex: 0, mediaRoot: null, mediaPath: null, createdAt: '2026-12-06T03:00:00.000Z' };

/** A store-like backend: keeps which rows are deleted, refuses what the store refuses, records calls in order. */
function storeBackend() {
  const deleted = new Set<string>();
  const calls: string[] = [];
  const refuse = new Set<string>();
  const backend: DeletionBackend = {
    async flush() {
      calls.push('flush');
    },
    async deleteEvent(id) {
      if (refuse.has(`event:${id}`)) throw new AppError('FORBIDDEN', `Event ${id} holds an approved label: only a reviewer can delete it (ana is not a reviewer)`);
      if (deleted.has(`event:${id}`)) throw new AppError('INVALID_INPUT', `Event ${id} is already deleted`);
      deleted.add(`event:${id}`);
      calls.push(`delete event ${id}`);
    },
    async restoreEvent(id) {
      if (!deleted.delete(`event:${id}`)) throw new AppError('INVALID_INPUT', `Event ${id} is not deleted`);
      calls.push(`restore event ${id}`);
      return event(id);
    },
    async deleteClip(id) {
      deleted.add(`clip:${id}`);
      calls.push(`delete clip ${id}`);
    },
    async restoreClip(id) {
      deleted.delete(`clip:${id}`);
      calls.push(`restore clip ${id}`);
      return clip;
    },
  };
  return { backend, deleted, calls, refuse };
}

function session() {
  const history = new CommandHistory();
  const store = storeBackend();
  const deletions = new SessionDeletions(history, store.backend, (failure) => (failure as Error).message);
  const changes: string[] = [];
  deletions.onChange((c: DeletionChange) => changes.push(`${c.deleted ? 'gone' : 'back'} ${c.target.kind} ${c.target.kind === 'event' ? c.target.event.id : c.target.clip.id}`));
  return { history, deletions, changes, ...store };
}

describe('SessionDeletions', () => {
  it('an event made by accident: Ctrl+Z deletes it, redo brings it back; delete → undo → delete again', async () => {
    const { history, deletions, changes, deleted, calls } = session();
    deletions.created(event(7));
    expect(history.undoLabel).toBe('deletion.steps.created');
    history.undo();
    await deletions.settled();
    expect([...deleted]).toEqual(['event:7']);
    history.redo();
    await deletions.settled();
    expect(deleted.size).toBe(0);

    expect(await deletions.delete({ kind: 'event', event: event(7) })).toBe(true);
    expect(deletions.notice).toMatchObject({ kind: 'deleted', target: { kind: 'event' } });
    history.undo();
    await deletions.settled();
    expect(deleted.size).toBe(0);
    // The notice ends with its step.
    expect(deletions.notice).toBeNull();
    expect(await deletions.delete({ kind: 'event', event: event(7) })).toBe(true);
    expect([...deleted]).toEqual(['event:7']);
    expect(changes).toEqual(['gone event 7', 'back event 7', 'gone event 7', 'back event 7', 'gone event 7']);
    // Pending edits are written before every deletion or restore.
    expect(calls).toEqual(['flush', 'delete event 7', 'flush', 'restore event 7', 'flush', 'delete event 7', 'flush', 'restore event 7', 'flush', 'delete event 7']);
  });

  it('the notice undoes its own deletion only while it is the latest step; another edit ends it', async () => {
    const { history, deletions, deleted } = session();
    await deletions.delete({ kind: 'clip', clip });
    expect(deletions.notice).toMatchObject({ kind: 'deleted', target: { kind: 'clip' } });
    deletions.undo();
    await deletions.settled();
    expect(deleted.size).toBe(0);
    history.redo();
    await deletions.settled();
    expect(deletions.notice).toMatchObject({ kind: 'deleted' });
    expect([...deleted]).toEqual(['clip:1']);

    let value = 0;
    history.execute({ label: 'edit.aus', apply: () => (value = 1), revert: () => (value = 0) });
    expect(deletions.notice).toBeNull();
    deletions.undo(); // no notice: nothing happens
    expect(value).toBe(1);
    expect([...deleted]).toEqual(['clip:1']);
  });

  it('a refused deletion adds no undo step and says why', async () => {
    const { history, deletions, refuse, calls } = session();
    refuse.add('event:3');
    expect(await deletions.delete({ kind: 'event', event: event(3) })).toBe(false);
    expect(history.canUndo).toBe(false);
    expect(deletions.notice).toEqual({ kind: 'failed', message: 'Event 3 holds an approved label: only a reviewer can delete it (ana is not a reviewer)' });
    expect(calls).toEqual(['flush']);
    deletions.dismiss();
    expect(deletions.notice).toBeNull();
  });

  it('a restore the store refuses during undo shows as a failure', async () => {
    const { history, deletions, deleted } = session();
    await deletions.delete({ kind: 'event', event: event(4) });
    deleted.delete('event:4'); // restored elsewhere (another window)
    history.undo();
    await deletions.settled();
    expect(deletions.notice).toEqual({ kind: 'failed', message: 'Event 4 is not deleted' });
  });
});
