import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Annotation, Review } from '../../src/shared/workspace';
import { nextToLabel, worklistCounts, type WorklistRow } from '../../src/shared/worklist';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { EditSession } from '../../src/renderer/src/state/edit-session';

/**
 * The label lifecycle as the app drives it: the Annotate view's EditSession submits,
 * withdraws and resubmits through the real channels; reviewers decide through
 * `review.decide`; the annotator reads the comment through `review.feedback`; the
 * worklist counts and finds the next event to label.
 */
describe('label lifecycle through the API', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-lifecycle-'));
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });

  async function call<T>(name: string, payload: unknown = {}): Promise<T> {
    const result = await dispatch(table, name, payload, { transport: 'direct' });
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.data as T;
  }
  const refused = (name: string, payload: unknown) =>
    call(name, payload).then(
      () => null,
      (error: Error & { code: string }) => ({ code: error.code, message: error.message }),
    );
  const as = (annotator: string) => call('settings.update', { annotator });
  const mine = async (eventId: number) => (await call<Annotation[]>('annotations.get', { eventId, annotator: 'ann' }))[0]!;

  it('submit → read-only → withdraw → submit → changes requested with a comment → edit → resubmit → approved; nobody approves their own label', async () => {
    await call('workspace.create', { path: join(root, 'w.mellm') });
    const first = await call<{ id: number }>('clips.add', { path: join(root, 'EP01_01'), kind: 'sequence', fps: 200, frames: 60, width: 8, height: 8, subject: '01' });
    const second = await call<{ id: number }>('clips.add', { path: join(root, 'EP02_01'), kind: 'sequence', fps: 200, frames: 60, width: 8, height: 8, subject: '02' });
    const a = await call<{ id: number }>('events.create', { clipId: first.id, onset: 5, apex: 10, offset: 20 });
    const b = await call<{ id: number }>('events.create', { clipId: second.id, onset: 3, apex: 8, offset: 30 });
    await call('annotators.create', { name: 'rita', role: 'reviewer' });
    await as('rita');
    await call('annotators.create', { name: 'rex', role: 'reviewer' });
    await call('annotators.create', { name: 'ann', role: 'annotator' });
    await as('ann');

    const session = new EditSession(
      {
        saveMarkers: async () => undefined,
        saveAnnotation: (eventId, annotator, draft, provenance, baseVersion, amend, status) =>
          call<Annotation>('annotations.save', { eventId, annotator, ...draft, provenance, baseVersion, amend, status }),
      },
      5,
    );
    session.setAnnotator('ann');
    session.load(a.id, { draft: { aus: '', emotion: null, label3: null, description: '' }, provenance: 'manual', version: null, markers: { onset: 5, apex: 10, offset: 20 } });
    session.setField(a.id, 'aus', '12', 'manual');
    session.setField(a.id, 'emotion', 'happiness', 'manual');
    expect(worklistCounts(await call<WorklistRow[]>('labels.worklist'))).toEqual({ todo: 2, submitted: 0, changesRequested: 0 });

    // Submit saves the pending edits first, then submits that label.
    await session.submit(a.id);
    expect(await mine(a.id)).toMatchObject({ aus: '12', emotion: 'happiness', status: 'submitted' });
    expect(session.isSubmitted(a.id)).toBe(true);
    const rows = await call<WorklistRow[]>('labels.worklist');
    expect(worklistCounts(rows)).toEqual({ todo: 1, submitted: 1, changesRequested: 0 });
    // Submit & next: the other clip's event is what is left to label.
    expect(nextToLabel(rows, [first.id, second.id], { clipId: first.id, eventId: a.id })).toEqual({ clipId: second.id, eventId: b.id });

    // Read-only now: an edit is refused by the store, not only hidden by the UI.
    const version = (await mine(a.id)).version;
    expect(await refused('annotations.save', { eventId: a.id, annotator: 'ann', aus: '12+6', emotion: 'happiness', baseVersion: version })).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/submitted for review/),
    });
    session.setField(a.id, 'aus', '12+6', 'manual');
    await session.flush();
    expect(await mine(a.id)).toMatchObject({ aus: '12', status: 'submitted', version });

    await session.withdraw(a.id);
    expect(await mine(a.id)).toMatchObject({ aus: '12', status: 'draft' });
    session.setField(a.id, 'aus', 'R12', 'manual');
    await session.submit(a.id);
    expect(await mine(a.id)).toMatchObject({ aus: 'R12', status: 'submitted' });

    // The reviewer asks for changes with a comment; the annotator reads it.
    await as('rita');
    const label = await mine(a.id);
    await call('review.decide', { annotationId: label.id, decision: 'request_changes', comment: 'Add AU6: the cheeks rise.' });
    await as('ann');
    expect(await call<Review>('review.feedback', { annotationId: label.id })).toMatchObject({ reviewer: 'rita', decision: 'request_changes', comment: 'Add AU6: the cheeks rise.' });
    expect(worklistCounts(await call<WorklistRow[]>('labels.worklist'))).toEqual({ todo: 1, submitted: 0, changesRequested: 1 });

    const requested = await mine(a.id);
    // Coming back to the event, Annotate takes the label as the review left it.
    session.syncLabel(a.id, { draft: { aus: requested.aus, emotion: requested.emotion, label3: null, description: '' }, provenance: requested.provenance, version: requested.version, status: requested.status, locked: requested.locked });
    expect(session.isSubmitted(a.id)).toBe(false);
    session.setField(a.id, 'aus', 'R12+6', 'manual');
    await session.submit(a.id);
    expect(await mine(a.id)).toMatchObject({ aus: 'R12+6', status: 'submitted' });

    // A reviewer labelling the same event cannot approve their own label, through the API and the store.
    await as('rita');
    const own = await call<Annotation>('annotations.save', { eventId: a.id, annotator: 'rita', aus: '6+12', status: 'submitted' });
    expect(await refused('review.decide', { annotationId: own.id, decision: 'approve' })).toMatchObject({ code: 'FORBIDDEN' });
    await expect(services.workspaces.require().annotations.review(own.id, 'rita', 'approve')).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/own label/) });
    // Another reviewer's feedback is not the annotator's to read.
    await as('ann');
    expect(await refused('review.feedback', { annotationId: own.id })).toMatchObject({ code: 'FORBIDDEN' });

    await as('rita');
    await call('review.decide', { annotationId: label.id, decision: 'approve', comment: 'Good.' });
    expect(await mine(a.id)).toMatchObject({ status: 'approved', locked: true });
    await as('rex');
    expect(await call('review.decide', { annotationId: own.id, decision: 'approve' })).toMatchObject({ annotation: { status: 'approved' } });
    const trail = await call<Array<{ snapshot: string }>>('review.history', { annotationId: label.id });
    expect(trail.map((t) => (JSON.parse(t.snapshot) as Annotation).status)).toEqual(['draft', 'submitted', 'draft', 'draft', 'submitted', 'changes_requested', 'draft', 'submitted', 'approved']);
  });
});
