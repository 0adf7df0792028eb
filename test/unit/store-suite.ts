/**
 * The behaviour every workspace store implements, through `WorkspaceStore` only: no SQL,
 * no files. Each implementation runs it from its own test file (SQLite:
 * store-sqlite.test.ts) with a factory that hands over an empty, open store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { ROI_NAMES } from '../../src/shared/rois';
import type { Clip, MeEvent } from '../../src/shared/workspace';
import type { CorpusRow, NewSpottingRun, WorkspaceStore } from '../../src/main/store';
import { MAX_SPOTTING_CURVE_POINTS } from '../../src/main/store/spotting-runs';

export interface StoreFixture {
  /** An empty, open workspace store. */
  readonly store: WorkspaceStore;
  /** Closes the store (if still open) and removes whatever it was kept in. */
  cleanup(): Promise<void>;
}

const SHA = 'a'.repeat(64);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One CASME II-like clip (60 frames) with one dataset event (3 → 10 → 40). */
async function seed(ws: WorkspaceStore): Promise<{ clip: Clip; event: MeEvent }> {
  const clip = await ws.clips.add({ path: '/media/sub01/EP02_01f', kind: 'sequence', sha256: SHA, fps: 200, frames: 60, width: 640, height: 480, subject: '01' });
  const event = await ws.events.create({ clipId: clip.id, onset: 3, apex: 10, offset: 40, source: 'dataset', datasetEmotion: 'happiness' });
  return { clip, event };
}

/** Awaits `work` and checks it was refused with an AppError of this code and message. */
async function refuses(work: Promise<unknown>, code: AppError['code'], message: RegExp): Promise<void> {
  const caught = await work.then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
  expect((caught as AppError).message).toMatch(message);
}

export function storeSuite(name: string, make: () => Promise<StoreFixture>): void {
  describe(`workspace store: ${name}`, () => {
    let fixture: StoreFixture | null = null;
    let ws: WorkspaceStore;
    beforeEach(async () => {
      fixture = await make();
      ws = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = null;
    });

    describe('store', () => {
      it('is open at its location, reports counts, and closes', async () => {
        expect(ws.isOpen).toBe(true);
        expect(ws.location).toEqual(expect.any(String));
        expect(ws.location.length).toBeGreaterThan(0);
        expect((await ws.info()).counts).toEqual({ clips: 0, events: 0, annotations: 0, analyses: 0, reviews: 0 });
        // Without a team set-up (a file; a server account in no team role) the caller names who labels.
        expect(ws.actingRole).toBeNull();
        expect(await ws.info()).toMatchObject({ identity: 'settings', actingAs: null });
        await seed(ws);
        expect((await ws.info()).counts).toEqual({ clips: 1, events: 1, annotations: 0, analyses: 0, reviews: 0 });
        expect(() => ws.assertPresent()).not.toThrow();
        await ws.close();
        expect(ws.isOpen).toBe(false);
      });
    });

    describe('clips', () => {
      it('adds a clip and finds it by id, path and sha256; unknown ones are null, require refuses them', async () => {
        const { clip } = await seed(ws);
        expect(clip).toMatchObject({ path: '/media/sub01/EP02_01f', kind: 'sequence', sha256: SHA, fps: 200, frames: 60, width: 640, height: 480, subject: '01', dataset: null, datasetRow: null, datasetFilename: null, faceIndex: 0 });
        expect(clip.createdAt).toEqual(expect.any(String));
        expect(await ws.clips.get(clip.id)).toEqual(clip);
        expect(await ws.clips.require(clip.id)).toEqual(clip);
        expect(await ws.clips.byPath(clip.path)).toEqual(clip);
        expect(await ws.clips.bySha256(SHA)).toEqual(clip);
        expect(await ws.clips.get(clip.id + 100)).toBeNull();
        expect(await ws.clips.byPath('/nowhere')).toBeNull();
        expect(await ws.clips.bySha256('b'.repeat(64))).toBeNull();
        await refuses(ws.clips.require(clip.id + 100), 'NOT_FOUND', new RegExp(`No clip ${clip.id + 100}`));
      });

      it('relinks a moved clip by its sha256', async () => {
        const { clip } = await seed(ws);
        const moved = await ws.clips.relinkClip(SHA, '/new/place/EP02_01f');
        expect(moved).toMatchObject({ id: clip.id, path: '/new/place/EP02_01f' });
        expect(await ws.clips.byPath('/media/sub01/EP02_01f')).toBeNull();
        await expect(ws.clips.relinkClip('b'.repeat(64), '/x')).rejects.toThrow(/No clip with sha256/);
        const other = await ws.clips.add({ path: '/other', kind: 'video', fps: 30, frames: 9, width: 2, height: 2 });
        await refuses(ws.clips.relinkClip(SHA, other.path), 'INVALID_INPUT', /Another clip already uses \/other/);
        expect((await ws.clips.require(clip.id)).path).toBe('/new/place/EP02_01f');
      });

      it('sets the face index to track', async () => {
        const { clip } = await seed(ws);
        expect(await ws.clips.setFaceIndex(clip.id, 2)).toMatchObject({ id: clip.id, faceIndex: 2 });
        expect((await ws.clips.require(clip.id)).faceIndex).toBe(2);
        await refuses(ws.clips.setFaceIndex(clip.id + 100, 1), 'NOT_FOUND', /No clip/);
      });

      it('keeps a clip under a named media root: stored, found, moved, cleared; one clip per place; bad names refused', async () => {
        const { clip } = await seed(ws);
        expect(clip).toMatchObject({ mediaRoot: null, mediaPath: null });
        const rooted = await ws.clips.setMediaLocation(clip.id, { root: 'CASME2_RAW', path: 'sub01/EP02_01f' });
        expect(rooted).toMatchObject({ id: clip.id, path: clip.path, mediaRoot: 'CASME2_RAW', mediaPath: 'sub01/EP02_01f' });
        expect(await ws.clips.require(clip.id)).toEqual(rooted);
        expect((await ws.clips.list())[0]).toEqual(rooted);
        const added = await ws.clips.add({ path: '/media/sub02/EP01', kind: 'sequence', fps: 200, frames: 30, width: 64, height: 64, mediaRoot: 'CASME2_RAW', mediaPath: 'sub02/EP01' });
        expect(added).toMatchObject({ mediaRoot: 'CASME2_RAW', mediaPath: 'sub02/EP01' });
        await refuses(ws.clips.setMediaLocation(added.id, { root: 'CASME2_RAW', path: 'sub01/EP02_01f' }), 'INVALID_INPUT', /already lives at CASME2_RAW\/sub01\/EP02_01f/);
        await expect(ws.clips.add({ path: '/x/y', kind: 'video', fps: 30, frames: 9, width: 2, height: 2, mediaRoot: 'CASME2_RAW', mediaPath: 'sub02/EP01' })).rejects.toThrow(/already lives at/);
        for (const path of ['../etc/passwd', '/abs', 'a//b', 'a\\b', 'a/./b']) {
          await expect(ws.clips.setMediaLocation(clip.id, { root: 'CASME2_RAW', path })).rejects.toThrow(/media path/);
        }
        await expect(ws.clips.setMediaLocation(clip.id, { root: '../up', path: 'a' })).rejects.toThrow(/media root name/);
        await expect(ws.clips.add({ path: '/half', kind: 'video', fps: 30, frames: 9, width: 2, height: 2, mediaRoot: 'CASME2_RAW' })).rejects.toThrow(/come together/);
        expect(await ws.clips.require(clip.id)).toEqual(rooted);
        expect(await ws.clips.setMediaLocation(clip.id, null)).toMatchObject({ mediaRoot: null, mediaPath: null });
        await refuses(ws.clips.setMediaLocation(clip.id + 100, null), 'NOT_FOUND', /No clip/);
      });

      it('keeps a capture rate beside the container rate: the container rate by default, set, reset, refused when not a rate', async () => {
        const { clip } = await seed(ws);
        expect(clip).toMatchObject({ fps: 200, captureFps: 200 });
        const reencoded = await ws.clips.add({ path: '/media/EP02_01f-30fps.mp4', kind: 'video', fps: 30, frames: 44, width: 8, height: 8, captureFps: 200 });
        expect(reencoded).toMatchObject({ fps: 30, captureFps: 200 });
        expect(await ws.clips.setCaptureFps(clip.id, 500)).toMatchObject({ fps: 200, captureFps: 500 });
        expect((await ws.clips.require(clip.id)).captureFps).toBe(500);
        expect((await ws.clips.list()).find((c) => c.id === clip.id)?.captureFps).toBe(500);
        expect(await ws.clips.setCaptureFps(clip.id, null)).toMatchObject({ fps: 200, captureFps: 200 });
        for (const bad of [0, -30, Number.NaN, Number.POSITIVE_INFINITY, 10_001]) await refuses(ws.clips.setCaptureFps(clip.id, bad), 'INVALID_INPUT', /capture rate/);
        expect((await ws.clips.require(clip.id)).captureFps).toBe(200);
        await refuses(ws.clips.setCaptureFps(clip.id + 100, 30), 'NOT_FOUND', /No clip/);
        await expect(ws.clips.add({ path: '/bad', kind: 'video', fps: 30, frames: 9, width: 2, height: 2, captureFps: 0 })).rejects.toThrow();
      });

      it('rejects duplicate clips and events outside the clip or out of order', async () => {
        const { clip, event } = await seed(ws);
        await expect(ws.clips.add({ path: '/elsewhere', kind: 'video', sha256: SHA, fps: 30, frames: 9, width: 2, height: 2 })).rejects.toThrow(/already/);
        await expect(ws.clips.add({ path: clip.path, kind: 'video', fps: 30, frames: 9, width: 2, height: 2 })).rejects.toThrow(/already in this workspace/);
        await expect(ws.events.create({ clipId: clip.id, onset: 5, offset: 60 })).rejects.toThrow(/past the clip's last frame/);
        await expect(ws.events.create({ clipId: clip.id, onset: 5, apex: 2, offset: 10 })).rejects.toThrow(/onset ≤ apex ≤ offset/);
        expect((await ws.events.listForClip(clip.id))[0]?.id).toBe(event.id);
        await expect(ws.events.update({ id: event.id, apex: 50 })).rejects.toThrow(/onset ≤ apex ≤ offset/);
        expect((await ws.events.update({ id: event.id, apex: 12 })).apex).toBe(12);
        expect((await ws.info()).counts.events).toBe(1);
        expect((await ws.info()).counts.clips).toBe(1);
      });

      it('lists clips by subject, emotion, status and annotator, a page at a time', async () => {
        const { clip } = await seed(ws);
        const other = await ws.clips.add({ path: '/media/sub02/EP01', kind: 'sequence', fps: 200, frames: 30, width: 64, height: 64, subject: '02' });
        const event = await ws.events.create({ clipId: other.id, onset: 0, offset: 20 });
        await ws.annotations.save({ eventId: event.id, annotator: 'bo', aus: '4', emotion: 'disgust', status: 'submitted' });
        expect((await ws.clips.list({ subject: '01' })).map((c) => c.subject)).toEqual(['01']);
        expect((await ws.clips.list({ emotion: 'Happiness' })).map((c) => c.id)).toEqual([clip.id]);
        expect((await ws.clips.list({ emotion: 'disgust' })).map((c) => c.id)).toEqual([other.id]);
        expect((await ws.clips.list({ status: 'submitted', annotator: 'bo' })).map((c) => c.id)).toEqual([other.id]);
        expect(await ws.clips.list({ annotator: 'nobody' })).toEqual([]);
        expect((await ws.clips.list()).map((c) => c.id)).toEqual([clip.id, other.id]);
        expect((await ws.clips.list({ limit: 1 })).map((c) => c.id)).toEqual([clip.id]);
        expect((await ws.clips.list({ limit: 1, offset: 1 })).map((c) => c.id)).toEqual([other.id]);
      });
    });

    describe('events', () => {
      it('creates, reads, orders and moves events; knows which dataset rows it holds', async () => {
        const { clip, event } = await seed(ws);
        const early = await ws.events.create({
          clipId: clip.id,
          onset: 1,
          apex: null,
          offset: 2,
          source: 'dataset',
          datasetFrames: { onset: 47, apex: null, offset: 48 },
          datasetAus: '1+2',
          datasetExtra: { Note: 'x' },
          flags: ['apex_missing'],
        });
        expect(early).toMatchObject({ clipId: clip.id, onset: 1, apex: null, offset: 2, source: 'dataset', datasetFrames: { onset: 47, apex: null, offset: 48 }, datasetAus: '1+2', datasetEmotion: null, datasetExtra: { Note: 'x' }, flags: ['apex_missing'] });
        expect(await ws.events.get(early.id)).toEqual(early);
        expect(await ws.events.require(event.id)).toEqual(event);
        expect(await ws.events.get(early.id + event.id + 100)).toBeNull();
        await refuses(ws.events.require(9999), 'NOT_FOUND', /No event 9999/);
        // Onset order, not creation order.
        expect((await ws.events.listForClip(clip.id)).map((e) => e.id)).toEqual([early.id, event.id]);
        expect(await ws.events.listForClip(clip.id + 100)).toEqual([]);
        await refuses(ws.events.create({ clipId: clip.id + 100, onset: 0, offset: 1 }), 'NOT_FOUND', /No clip/);

        expect(await ws.events.update({ id: event.id, onset: 4, apex: null })).toMatchObject({ id: event.id, onset: 4, apex: null, offset: 40 });
        await refuses(ws.events.update({ id: event.id, offset: 60 }), 'INVALID_INPUT', /past the clip's last frame/);
        await refuses(ws.events.update({ id: event.id, onset: 41 }), 'INVALID_INPUT', /onset ≤ apex ≤ offset/);
        await refuses(ws.events.update({ id: 9999, onset: 1 }), 'NOT_FOUND', /No event 9999/);
        expect(await ws.events.require(event.id)).toMatchObject({ onset: 4, apex: null, offset: 40 });

        // The import identity: clip, sheet frames (a missing apex matching a missing apex) and AU text.
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 47, apex: null, offset: 48 }, '1+2')).toBe(true);
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 47, apex: 47, offset: 48 }, '1+2')).toBe(false);
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 47, apex: null, offset: 48 }, '1+2B')).toBe(false);
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 47, apex: null, offset: 48 }, null)).toBe(false);
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 47, apex: null, offset: 49 }, '1+2')).toBe(false);
        expect(await ws.events.hasDatasetEvent('/elsewhere', { onset: 47, apex: null, offset: 48 }, '1+2')).toBe(false);
        // The seeded event has no dataset frames.
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 3, apex: null, offset: 40 }, null)).toBe(false);
      });
    });

    describe('analyses', () => {
      it('stores analyses with model versions, timings and the settings key, newest first', async () => {
        const { event } = await seed(ws);
        const analysis = await ws.analyses.add(event.id, [{ id: 'blazeface', version: '1' }], { emotion: 'happiness' }, { face: 12.5 });
        expect(analysis).toMatchObject({ eventId: event.id, models: [{ id: 'blazeface', version: '1' }], result: { emotion: 'happiness' }, timingsMs: { face: 12.5 } });
        expect(await ws.analyses.listForEvent(event.id)).toEqual([analysis]);
        await expect(ws.analyses.add(99, [], {})).rejects.toThrow(/No event 99/);
        await refuses(ws.analyses.add(99, [], {}), 'NOT_FOUND', /No event 99/);

        const keyed = await ws.analyses.add(event.id, [{ id: 'mellm', version: '2' }], { aus: 'R12' }, undefined, 'settings-A');
        expect(keyed.timingsMs).toEqual({});
        expect((await ws.analyses.listForEvent(event.id)).map((a) => a.id)).toEqual([keyed.id, analysis.id]);
        expect(await ws.analyses.hasConfig(event.id, 'settings-A')).toBe(true);
        expect(await ws.analyses.hasConfig(event.id, 'settings-B')).toBe(false);
        expect(await ws.analyses.listForEvent(event.id + 100)).toEqual([]);
        expect(await ws.analyses.hasConfig(event.id + 100, 'settings-A')).toBe(false);
        expect((await ws.info()).counts.analyses).toBe(2);
      });
    });

    describe('annotators', () => {
      it('creates, lists, renames and changes the role of profiles; finds the acting reviewer', async () => {
        const rita = await ws.annotators.create('rita', 'reviewer');
        const ana = await ws.annotators.create('ana', 'annotator');
        expect(rita).toMatchObject({ name: 'rita', role: 'reviewer' });
        expect((await ws.annotators.list()).map((a) => a.name)).toEqual(['ana', 'rita']);
        expect(await ws.annotators.byName('ana')).toEqual(ana);
        expect(await ws.annotators.byName('nobody')).toBeNull();
        await refuses(ws.annotators.create('ana', 'reviewer'), 'INVALID_INPUT', /already exists/);

        expect(await ws.annotators.update(ana.id, { name: 'anna' })).toEqual({ id: ana.id, name: 'anna', role: 'annotator' });
        expect(await ws.annotators.byName('ana')).toBeNull();
        await refuses(ws.annotators.update(ana.id, { name: 'rita' }), 'INVALID_INPUT', /already exists/);
        await refuses(ws.annotators.update(9999, { role: 'reviewer' }), 'NOT_FOUND', /No annotator 9999/);

        expect(await ws.annotators.requireReviewer('rita')).toEqual(rita);
        await refuses(ws.annotators.requireReviewer('anna'), 'FORBIDDEN', /anna is not a reviewer/);
        await refuses(ws.annotators.requireReviewer('ghost'), 'FORBIDDEN', /ghost is not a reviewer/);
        await refuses(ws.annotators.requireReviewer(''), 'FORBIDDEN', /Choose a reviewer profile/);
        expect(await ws.annotators.update(ana.id, { role: 'reviewer' })).toMatchObject({ name: 'anna', role: 'reviewer' });
        expect((await ws.annotators.requireReviewer('anna')).id).toBe(ana.id);
      });

      it('ensureAnnotator creates a profile on first use and returns the same one after', async () => {
        const first = await ws.annotations.ensureAnnotator('bo');
        expect(first).toMatchObject({ name: 'bo', role: 'annotator' });
        expect(await ws.annotations.ensureAnnotator('bo', 'reviewer')).toEqual(first);
        expect(await ws.annotations.ensureAnnotator('rex', 'reviewer')).toMatchObject({ name: 'rex', role: 'reviewer' });
        expect((await ws.annotators.list()).map((a) => a.name)).toEqual(['bo', 'rex']);
      });
    });

    describe('annotations', () => {
      it('saves annotations with versions, an append-only audit trail and review locking', async () => {
        const { event } = await seed(ws);
        // The coder's notation is kept as written.
        const first = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'AU6 + au12', emotion: 'happiness', provenance: 'accepted' });
        expect(first).toMatchObject({ version: 1, aus: 'AU6 + au12', locked: false });
        const second = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '6+12+25', baseVersion: 1, provenance: 'edited', status: 'submitted' });
        expect(second.version).toBe(2);
        await expect(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', baseVersion: 1 })).rejects.toThrow(/changed since it was loaded/);
        await expect(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1++2', baseVersion: 2 })).rejects.toThrow(/not a valid FACS code/);
        expect((await ws.annotations.history(first.id)).map((h) => h.version)).toEqual([1, 2]);

        const review = await ws.annotations.review(first.id, 'rita', 'approve', 'good');
        expect(review).toMatchObject({ decision: 'approve', annotationVersion: 3, reviewer: 'rita' });
        expect(await ws.annotations.byId(first.id)).toMatchObject({ status: 'approved', locked: true });
        await expect(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', baseVersion: 3 })).rejects.toThrow(/locked/);
        expect(await ws.annotations.history(first.id)).toHaveLength(3);
      });

      it('reads annotations by event and annotator, by id and per event; refuses unknown events and stale versions', async () => {
        const { event } = await seed(ws);
        const bo = await ws.annotations.save({ eventId: event.id, annotator: 'bo', aus: '4', description: 'brow lowerer', label3: 'negative' });
        const ana = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness' });
        expect(bo).toMatchObject({ eventId: event.id, annotator: 'bo', aus: '4', emotion: null, label3: 'negative', description: 'brow lowerer', status: 'draft', provenance: 'manual', version: 1, locked: false });
        expect(bo.updatedAt).toEqual(expect.any(String));
        expect(await ws.annotations.get(event.id, 'bo')).toEqual(bo);
        expect(await ws.annotations.byId(ana.id)).toEqual(ana);
        expect(await ws.annotations.get(event.id, 'nobody')).toBeNull();
        expect(await ws.annotations.byId(ana.id + bo.id + 100)).toBeNull();
        // Ordered by annotator name.
        expect((await ws.annotations.listForEvent(event.id)).map((a) => a.annotator)).toEqual(['ana', 'bo']);
        expect(await ws.annotations.listForEvent(event.id + 100)).toEqual([]);

        await refuses(ws.annotations.save({ eventId: 9999, annotator: 'ana', aus: '1' }), 'NOT_FOUND', /No event 9999/);
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'cy', aus: '1', baseVersion: 2 }), 'INVALID_INPUT', /no longer exists at version 2/);
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1' }), 'EDIT_CONFLICT', /changed since it was loaded \(version 1, edited from none\)/);
        expect(await ws.annotations.get(event.id, 'cy')).toBeNull();
        expect((await ws.info()).counts.annotations).toBe(2);
      });

      it('refuses a stale save with who changed which fields and when, and their version to build on', async () => {
        const { event } = await seed(ws);
        const v1 = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1', emotion: 'surprise' });
        const v2 = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1+2', emotion: 'surprise', description: 'brows up', baseVersion: 1 });
        const stale = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', baseVersion: 1 }).then(
          () => null,
          (error: unknown) => error as { code: string; detail: unknown },
        );
        expect(stale?.code).toBe('EDIT_CONFLICT');
        expect(stale?.detail).toEqual({ theirs: v2, baseVersion: 1, changedBy: 'ana', changedAt: v2.updatedAt, changedFields: ['aus', 'description'] });
        // A reviewer's decision is a change by the reviewer, of the status.
        await ws.annotations.review(v1.id, 'rita', 'request_changes', 'side?');
        const reviewed = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', baseVersion: 2 }).then(
          () => null,
          (error: unknown) => error as { code: string; detail: { changedBy: string; changedFields: string[]; theirs: { version: number } } },
        );
        expect(reviewed?.detail).toMatchObject({ changedBy: 'rita', changedFields: ['status'], theirs: { version: 3 } });
        // A version that was never saved is bad input, not someone else's change.
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', baseVersion: 7 }), 'INVALID_INPUT', /Version 7 .*never saved/);
        // Building on their version is an ordinary save: both versions stay in the trail.
        await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', baseVersion: 3 });
        expect((await ws.annotations.history(v1.id)).map((h) => h.version)).toEqual([1, 2, 3, 4]);
      });

      it('keeps every saved version in the audit trail, each with its actor and a snapshot of the label', async () => {
        const { event } = await seed(ws);
        const v1 = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1', status: 'draft' });
        const v2 = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1+2', status: 'submitted', baseVersion: 1 });
        await ws.annotations.review(v1.id, 'rita', 'request_changes', 'side?');
        const trail = await ws.annotations.history(v1.id);
        expect(trail.map((t) => [t.annotationId, t.version, t.annotator])).toEqual([
          [v1.id, 1, 'ana'],
          [v1.id, 2, 'ana'],
          [v1.id, 3, 'rita'],
        ]);
        expect(trail.every((t) => typeof t.at === 'string')).toBe(true);
        expect(JSON.parse(trail[0]!.snapshot)).toEqual(v1);
        expect(JSON.parse(trail[1]!.snapshot)).toEqual(v2);
        expect(JSON.parse(trail[2]!.snapshot)).toMatchObject({ version: 3, status: 'changes_requested', locked: false, aus: '1+2' });
        expect(await ws.annotations.history(v1.id + 100)).toEqual([]);
      });

      it('amends an approved label as a new, unlocked version; the approved one stays in the trail', async () => {
        const { event } = await seed(ws);
        const saved = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12', status: 'submitted', provenance: 'accepted' });
        await ws.annotations.review(saved.id, 'rita', 'approve');
        expect(await ws.annotations.byId(saved.id)).toMatchObject({ version: 2, locked: true, status: 'approved' });
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12+6', baseVersion: 2 }), 'FORBIDDEN', /approved and locked; amend it/);
        // An amendment still needs the version it started from.
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12+6', baseVersion: 1, amend: true }), 'EDIT_CONFLICT', /changed since it was loaded/);
        const amended = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12+6', baseVersion: 2, amend: true, provenance: 'edited' });
        expect(amended).toMatchObject({ id: saved.id, version: 3, locked: false, status: 'draft', aus: 'R12+6', provenance: 'edited' });
        // Unlocked again: an ordinary save follows.
        expect(await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12+6', baseVersion: 3, status: 'submitted' })).toMatchObject({ version: 4, status: 'submitted' });
        const trail = await ws.annotations.history(saved.id);
        expect(trail.map((t) => [t.version, (JSON.parse(t.snapshot) as { status: string; locked: boolean }).status])).toEqual([
          [1, 'submitted'],
          [2, 'approved'],
          [3, 'draft'],
          [4, 'submitted'],
        ]);
      });

      it('lets only reviewers decide; request changes and reject leave the label editable', async () => {
        const { event } = await seed(ws);
        const label = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', status: 'submitted' });
        await ws.annotators.create('bo', 'annotator');
        await refuses(ws.annotations.review(label.id, 'bo', 'approve'), 'FORBIDDEN', /bo is not a reviewer/);
        await refuses(ws.annotations.review(label.id, 'ana', 'approve'), 'FORBIDDEN', /ana is not a reviewer/);
        await refuses(ws.annotations.review(label.id + 100, 'rita', 'approve'), 'NOT_FOUND', /No annotation/);
        expect(await ws.annotations.byId(label.id)).toMatchObject({ version: 1, status: 'submitted' });

        const asked = await ws.annotations.review(label.id, 'rita', 'request_changes', 'which side?');
        expect(asked).toMatchObject({ annotationId: label.id, annotationVersion: 2, reviewer: 'rita', decision: 'request_changes', comment: 'which side?' });
        expect(asked.createdAt).toEqual(expect.any(String));
        expect(await ws.annotations.byId(label.id)).toMatchObject({ version: 2, status: 'changes_requested', locked: false });
        expect(await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12', baseVersion: 2, status: 'submitted' })).toMatchObject({ version: 3, status: 'submitted' });
        const rejected = await ws.annotations.review(label.id, 'rita', 'reject');
        expect(rejected).toMatchObject({ annotationVersion: 4, decision: 'reject', comment: '' });
        expect(await ws.annotations.byId(label.id)).toMatchObject({ version: 4, status: 'rejected', locked: false });
        expect((await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'L12', baseVersion: 4 })).version).toBe(5);
        expect((await ws.info()).counts.reviews).toBe(2);
      });

      it('refuses a reviewer deciding on their own label, whatever the decision, and changes nothing', async () => {
        const { event } = await seed(ws);
        await ws.annotators.create('rita', 'reviewer');
        const own = await ws.annotations.save({ eventId: event.id, annotator: 'rita', aus: '12', status: 'submitted' });
        for (const decision of ['approve', 'request_changes', 'reject'] as const) {
          await refuses(ws.annotations.review(own.id, 'rita', decision, 'mine'), 'FORBIDDEN', /rita cannot review (her|their) own label/);
        }
        expect(await ws.annotations.byId(own.id)).toMatchObject({ version: 1, status: 'submitted', locked: false });
        expect(await ws.annotations.history(own.id)).toHaveLength(1);
        expect((await ws.info()).counts.reviews).toBe(0);
        // Another reviewer may.
        expect(await ws.annotations.review(own.id, 'rex', 'approve')).toMatchObject({ reviewer: 'rex', decision: 'approve' });
      });

      it('refuses a decision on a version the reviewer did not see, naming who changed what; a current one is decided', async () => {
        const { event } = await seed(ws);
        const seen = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness', status: 'submitted' });
        // Ana withdraws her label, changes it and submits it again while the reviewer still looks at version 1.
        await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness', status: 'draft', baseVersion: 1 });
        await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', emotion: 'disgust', status: 'draft', baseVersion: 2 });
        const now = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', emotion: 'disgust', status: 'submitted', baseVersion: 3 });
        const stale = await ws.annotations.review(seen.id, 'rita', 'approve', 'looks right', seen.version).then(
          () => null,
          (error: unknown) => error,
        );
        expect(stale).toBeInstanceOf(AppError);
        expect(stale).toMatchObject({ code: 'EDIT_CONFLICT', detail: { theirs: now, baseVersion: 1, changedBy: 'ana', changedFields: ['aus', 'emotion'] } });
        // Nothing of the refused decision landed.
        expect(await ws.annotations.byId(seen.id)).toEqual(now);
        expect((await ws.info()).counts.reviews).toBe(0);
        expect(await ws.annotations.history(seen.id)).toHaveLength(4);
        await refuses(ws.annotations.review(seen.id, 'rita', 'approve', '', now.version + 3), 'INVALID_INPUT', /Version 7 .*never saved/);
        // Deciding on the version shown goes through.
        expect(await ws.annotations.review(seen.id, 'rita', 'approve', 'fine', now.version)).toMatchObject({ annotationVersion: now.version + 1, decision: 'approve' });
        expect(await ws.annotations.byId(seen.id)).toMatchObject({ status: 'approved', locked: true, aus: '4' });
      });

      it('keeps a submitted label read-only for its annotator until a reviewer acts or it is withdrawn', async () => {
        const { event } = await seed(ws);
        const draft = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness', label3: 'positive', description: 'smile' });
        const submitted = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'submitted', baseVersion: draft.version });
        expect(submitted).toMatchObject({ version: 2, status: 'submitted' });
        // An edit, even one that keeps it submitted, is refused; so is an edit that withdraws at the same time.
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12+6', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'submitted', baseVersion: 2 }), 'FORBIDDEN', /submitted for review.*withdraw it/);
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12+6', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'draft', baseVersion: 2 }), 'FORBIDDEN', /submitted for review.*withdraw it/);
        expect(await ws.annotations.byId(draft.id)).toMatchObject({ version: 2, status: 'submitted', aus: '12' });
        // Withdrawing: the same label back to draft, then editable again.
        const withdrawn = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'draft', baseVersion: 2 });
        expect(withdrawn).toMatchObject({ version: 3, status: 'draft', aus: '12' });
        expect(await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12+6', emotion: 'happiness', label3: 'positive', description: 'smile', baseVersion: 3 })).toMatchObject({ version: 4, status: 'draft', aus: '12+6' });
        // Submitted again, a reviewer's request for changes makes it editable, and resubmitting submits it.
        await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12+6', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'submitted', baseVersion: 4 });
        await ws.annotations.review(draft.id, 'rita', 'request_changes', 'side?');
        expect(await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'R12+6', emotion: 'happiness', label3: 'positive', description: 'smile', status: 'submitted', baseVersion: 6 })).toMatchObject({ version: 7, status: 'submitted', aus: 'R12+6' });
        expect((await ws.annotations.history(draft.id)).map((h) => (JSON.parse(h.snapshot) as { status: string }).status)).toEqual(['draft', 'submitted', 'draft', 'draft', 'submitted', 'changes_requested', 'submitted']);
      });
    });

    describe('reviews', () => {
      it('queues events with submitted or decided labels, undecided first; knows the latest decision and whether an event is in review', async () => {
        const clip = await ws.clips.add({ path: '/media/c', kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '07' });
        const decided = await ws.events.create({ clipId: clip.id, onset: 5, apex: 8, offset: 20 });
        const waiting = await ws.events.create({ clipId: clip.id, onset: 30, apex: 35, offset: 50 });
        const drafts = await ws.events.create({ clipId: clip.id, onset: 60, offset: 70 });
        await ws.events.create({ clipId: clip.id, onset: 80, offset: 90 }); // nobody labelled it

        const ana = await ws.annotations.save({ eventId: decided.id, annotator: 'ana', aus: '12', status: 'submitted' });
        const bo = await ws.annotations.save({ eventId: decided.id, annotator: 'bo', aus: '6+12', status: 'submitted' });
        await ws.annotations.save({ eventId: waiting.id, annotator: 'ana', aus: '4', status: 'submitted' });
        await ws.annotations.save({ eventId: waiting.id, annotator: 'bo', aus: '4', status: 'draft' });
        await ws.annotations.save({ eventId: drafts.id, annotator: 'ana', aus: '1' });
        expect(await ws.reviews.inReview(decided.id)).toBe(false);
        expect((await ws.reviews.latestForEvent(decided.id)).size).toBe(0);

        await ws.annotations.review(ana.id, 'rita', 'request_changes', 'first look');
        await ws.annotations.review(ana.id, 'rex', 'approve', 'fine now');
        await ws.annotations.review(bo.id, 'rita', 'approve');

        const queue = await ws.reviews.queue(10, 0);
        expect(queue).toEqual([
          { eventId: waiting.id, clipId: clip.id, clipPath: '/media/c', subject: '07', onset: 30, apex: 35, offset: 50, annotations: 2, submitted: 1, approved: 0 },
          { eventId: decided.id, clipId: clip.id, clipPath: '/media/c', subject: '07', onset: 5, apex: 8, offset: 20, annotations: 2, submitted: 0, approved: 2 },
        ]);
        expect(await ws.reviews.queue(1, 0)).toEqual([queue[0]]);
        expect(await ws.reviews.queue(1, 1)).toEqual([queue[1]]);
        expect(await ws.reviews.queue(10, 2)).toEqual([]);

        const latest = await ws.reviews.latestForEvent(decided.id);
        expect([...latest.keys()].sort((a, b) => a - b)).toEqual([ana.id, bo.id].sort((a, b) => a - b));
        expect(latest.get(ana.id)).toMatchObject({ annotationId: ana.id, reviewer: 'rex', decision: 'approve', comment: 'fine now', annotationVersion: 3 });
        expect(latest.get(bo.id)).toMatchObject({ reviewer: 'rita', decision: 'approve', comment: '' });
        expect(await ws.reviews.inReview(decided.id)).toBe(true);
        expect(await ws.reviews.inReview(waiting.id)).toBe(false);
        expect((await ws.reviews.latestForEvent(waiting.id)).size).toBe(0);
      });
    });

    describe('worklist', () => {
      it('lists every event with the annotator’s own label only, who labelled it and whether it was analysed; clips without events too', async () => {
        const { clip, event } = await seed(ws);
        const later = await ws.events.create({ clipId: clip.id, onset: 45, offset: 55, datasetAus: 'R12', datasetEmotion: 'happiness' });
        const empty = await ws.clips.add({ path: '/media/sub02/EP01_01', kind: 'sequence', fps: 200, frames: 30, width: 8, height: 8 });
        await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '6+12', emotion: 'happiness', status: 'submitted' });
        await ws.annotations.save({ eventId: event.id, annotator: 'bo', aus: '4', emotion: 'disgust' });
        await ws.annotations.save({ eventId: later.id, annotator: 'bo', aus: '1', emotion: 'surprise' });
        await ws.analyses.add(later.id, [{ id: 'mellm', version: 'test' }], {});

        const row = { datasetAus: null, datasetEmotion: null, analysed: false, spotted: false };
        expect(await ws.reviews.worklist('ana')).toEqual([
          { ...row, clipId: clip.id, eventId: event.id, onset: 3, status: 'submitted', aus: '6+12', emotion: 'happiness', datasetEmotion: 'happiness', annotators: ['ana', 'bo'] },
          { ...row, clipId: clip.id, eventId: later.id, onset: 45, status: null, aus: null, emotion: null, datasetAus: 'R12', datasetEmotion: 'happiness', annotators: ['bo'], analysed: true },
          { ...row, clipId: empty.id, eventId: null, onset: null, status: null, aus: null, emotion: null, annotators: [] },
        ]);
        // Another annotator sees their own labels, never ana's.
        expect((await ws.reviews.worklist('bo')).map((r) => [r.status, r.aus])).toEqual([['draft', '4'], ['draft', '1'], [null, null]]);
        expect((await ws.reviews.worklist('nobody')).map((r) => r.status)).toEqual([null, null, null]);
      });
    });

    describe('per-frame motion rows', () => {
      const row = (frame: number, base: number) => ({ frame, roiMagnitudes: Float32Array.from(ROI_NAMES, (_, i) => base + i / 100), auEvidence: { '12': base } as Record<string, number> });

      it('replaces the frames a scan covered and reads rows back by frame range bit-exactly', async () => {
        const { clip } = await seed(ws);
        await ws.frameMotion.replace(clip.id, { lag: 6, first: 0, last: 59, rows: [row(6, 0.5), row(7, 1.25), row(40, 9), row(41, 9)] });
        await ws.frameMotion.replace(clip.id, { lag: 4, first: 36, last: 42, rows: [row(40, 0.125), row(41, 3.5), row(42, 0.75)] });
        const got = await ws.frameMotion.range(clip.id, 0, 41);
        expect(got.map((r) => [r.frame, r.lag, r.auEvidence['12']])).toEqual([[6, 6, 0.5], [7, 6, 1.25], [40, 4, 0.125], [41, 4, 3.5]]);
        expect([...(got[3]?.roiMagnitudes ?? [])]).toEqual([...row(41, 3.5).roiMagnitudes]);
        expect(got[3]?.roiMagnitudes).toBeInstanceOf(Float32Array);
        expect((await ws.frameMotion.range(clip.id, 42, 100)).map((r) => r.frame)).toEqual([42]);
        expect(await ws.frameMotion.range(clip.id + 100, 0, 100)).toEqual([]);
        // An empty scan clears its range.
        await ws.frameMotion.replace(clip.id, { lag: 6, first: 0, last: 10, rows: [] });
        expect((await ws.frameMotion.range(clip.id, 0, 100)).map((r) => r.frame)).toEqual([40, 41, 42]);
      });

      it('refuses a row with the wrong number of ROIs and keeps the rows it had', async () => {
        const { clip } = await seed(ws);
        await ws.frameMotion.replace(clip.id, { lag: 6, first: 0, last: 10, rows: [row(6, 1)] });
        const scan = (rows: ReturnType<typeof row>[]) => ({ lag: 6, first: 0, last: 10, rows });
        await refuses(ws.frameMotion.replace(clip.id, scan([row(7, 2), { frame: 8, roiMagnitudes: new Float32Array(3), auEvidence: {} }])), 'INVALID_INPUT', /29 ROI magnitudes/);
        await refuses(ws.frameMotion.replace(clip.id, scan([row(11, 2)])), 'INVALID_INPUT', /outside the scan 0\.\.10/);
        expect((await ws.frameMotion.range(clip.id, 0, 100)).map((r) => r.frame)).toEqual([6]);
      });
    });

    describe('spotting runs', () => {
      /** A run as the app stores it: a 10-minute 30-fps curve, nothing offered, blinks and a gaze shift set aside. */
      const run = (clipId: number, points = 18_000, extra: Partial<NewSpottingRun> = {}): NewSpottingRun => ({
        clipId,
        createdBy: 'ana',
        appVersion: '0.28.0',
        configKey: 'k1',
        settings: { captureFps: 30, classThresholds: { microMaxMs: 500, microOnsetApexMaxMs: 250 } },
        models: [{ id: 'dis-fast', version: '1' }],
        report: { threshold: 6, curve_unit: 'quiet_deviations', intervals: [], blinks: [{ onset: 30, apex: 33, offset: 36 }], confounders: [{ cause: 'saccade', onset: 90, apex: 91, offset: 94, reason: 'gaze shift' }] },
        curve: Float32Array.from({ length: points }, (_, t) => Math.fround(Math.sin(t / 7) * 3.5 + 0.1 * (t % 11))),
        ...extra,
      });

      it('keeps a run that offered nothing with its set-aside list, its curve bit-exactly and what made it', async () => {
        const { clip } = await seed(ws);
        expect(await ws.spottingRuns.latest(clip.id)).toBeNull();
        const given = run(clip.id);
        const saved = await ws.spottingRuns.save(given);
        const read = await ws.spottingRuns.latest(clip.id);
        expect(read).toEqual(saved);
        expect(read).toMatchObject({ clipId: clip.id, createdBy: 'ana', appVersion: '0.28.0', configKey: 'k1', settings: given.settings, models: given.models, report: given.report });
        expect(read?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(read?.curve).toBeInstanceOf(Float32Array);
        expect(Buffer.from(read!.curve.buffer).equals(Buffer.from(given.curve.buffer))).toBe(true);
        // The clip counts as analysed in the worklist, though it has no event.
        expect((await ws.reviews.worklist('ana')).map((r) => [r.clipId, r.eventId, r.spotted])).toEqual([[clip.id, expect.any(Number), true]]);
      });

      it('replaces the clip’s run with the next one, and keeps one per clip', async () => {
        const { clip } = await seed(ws);
        const other = await ws.clips.add({ path: '/media/long.mp4', kind: 'video', fps: 30, frames: 18_000, width: 640, height: 480 });
        await ws.spottingRuns.save(run(clip.id, 60));
        await ws.spottingRuns.save(run(other.id, 10, { configKey: null, createdBy: null }));
        const next = run(clip.id, 30, { configKey: 'k2', report: { intervals: [{ onset: 3, apex: 10, offset: 40, kind: 'macro', score: 0.7, strength: 2, facs: 'L1B' }] } });
        await ws.spottingRuns.save(next);
        const read = await ws.spottingRuns.latest(clip.id);
        expect(read).toMatchObject({ configKey: 'k2', report: next.report });
        expect([await ws.spottingRuns.hasConfig(clip.id, 'k2'), await ws.spottingRuns.hasConfig(clip.id, 'k1'), await ws.spottingRuns.hasConfig(other.id, 'k1')]).toEqual([true, false, false]);
        expect(read?.curve.length).toBe(30);
        expect(await ws.spottingRuns.latest(other.id)).toMatchObject({ configKey: null, createdBy: null });
        expect((await ws.spottingRuns.latest(other.id))?.curve.length).toBe(10);
      });

      it('refuses an unknown or deleted clip, a curve past its bound or with a non-number, and keeps the run it had', async () => {
        const { clip } = await seed(ws);
        await ws.spottingRuns.save(run(clip.id, 60));
        await refuses(ws.spottingRuns.save(run(clip.id + 100)), 'NOT_FOUND', /No clip/);
        await refuses(ws.spottingRuns.save(run(clip.id, MAX_SPOTTING_CURVE_POINTS + 1)), 'INVALID_INPUT', /at most 1080000/);
        await refuses(ws.spottingRuns.save(run(clip.id, 5, { curve: Float32Array.of(1, Number.NaN) })), 'INVALID_INPUT', /not a finite number/);
        expect((await ws.spottingRuns.latest(clip.id))?.curve.length).toBe(60);
        await ws.clips.delete(clip.id, 'ana');
        expect(await ws.spottingRuns.latest(clip.id)).toBeNull();
        expect(await ws.spottingRuns.hasConfig(clip.id, 'k1')).toBe(false);
        await refuses(ws.spottingRuns.save(run(clip.id)), 'NOT_FOUND', /deleted/);
        await ws.clips.restore(clip.id, 'ana');
        expect((await ws.spottingRuns.latest(clip.id))?.curve.length).toBe(60);
      });

      it('lands with the rest of a transaction or not at all', async () => {
        const { clip } = await seed(ws);
        await ws.transaction(async (tx) => tx.spottingRuns.save(run(clip.id, 12)));
        const failing = ws.transaction(async (tx) => {
          await tx.spottingRuns.save(run(clip.id, 99));
          throw new AppError('INTERNAL', 'stop');
        });
        await refuses(failing, 'INTERNAL', /stop/);
        expect((await ws.spottingRuns.latest(clip.id))?.curve.length).toBe(12);
      });
    });

    describe('corpus snapshot', () => {
      it('reads clips, names, latest reviews, frame shifts and every event × annotation row in one go', async () => {
        expect(await ws.corpus.snapshot()).toEqual({ clips: new Map(), annotatorNames: new Map(), latestReviews: new Map(), frameShifts: new Map(), rows: [], datasetDetails: new Map() });
        const casme = await ws.clips.add({ path: '/c/sub01/EP02_01f', kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
        const own = await ws.clips.add({ path: '/v/take.mp4', kind: 'video', fps: 30, frames: 90, width: 8, height: 8 });
        const dataset = (onset: number, shift: number) => ({ clipId: casme.id, onset, apex: onset + 2, offset: onset + 5, source: 'dataset' as const, datasetFrames: { onset: onset + shift, apex: onset + 2 + shift, offset: onset + 5 + shift }, datasetAus: '1+2', datasetEmotion: 'surprise' });
        const e1 = await ws.events.create(dataset(3, 46));
        const e2 = await ws.events.create(dataset(20, 46));
        const e3 = await ws.events.create({ ...dataset(10, 47), datasetExtra: { Type: 'Micro - 1/2' }, flags: ['aus_uncertain'] }); // a stray shift: the most common one wins
        const spotted = await ws.events.create({ clipId: own.id, onset: 0, offset: 4, source: 'spotting' });
        const ana = await ws.annotations.ensureAnnotator('ana');
        const bo = await ws.annotations.ensureAnnotator('bo');
        const anaLabel = await ws.annotations.save({ eventId: e1.id, annotator: 'ana', aus: 'AU1+AU2', emotion: 'surprise', label3: 'surprise', description: 'brows up', status: 'submitted', provenance: 'edited' });
        const boLabel = await ws.annotations.save({ eventId: e1.id, annotator: 'bo', aus: '1' });
        const ownLabel = await ws.annotations.save({ eventId: spotted.id, annotator: 'bo', aus: '12', label3: 'positive', provenance: 'accepted' });
        await ws.annotations.review(anaLabel.id, 'rita', 'request_changes', 'side?');
        await ws.annotations.review(anaLabel.id, 'rex', 'approve', 'ok');
        const rita = (await ws.annotators.byName('rita'))!;
        const rex = (await ws.annotators.byName('rex'))!;

        const snapshot = await ws.corpus.snapshot();
        expect(snapshot.clips).toEqual(
          new Map([
            [casme.id, { id: casme.id, path: '/c/sub01/EP02_01f', fps: 200, captureFps: 200, frames: 100, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' }],
            [own.id, { id: own.id, path: '/v/take.mp4', fps: 30, captureFps: 30, frames: 90, subject: null, dataset: null, datasetFilename: null }],
          ]),
        );
        expect(snapshot.annotatorNames).toEqual(new Map([[ana.id, 'ana'], [bo.id, 'bo'], [rita.id, 'rita'], [rex.id, 'rex']]));
        expect(snapshot.latestReviews).toEqual(new Map([[anaLabel.id, { reviewerId: rex.id, comment: 'ok' }]]));
        expect(snapshot.frameShifts).toEqual(new Map([[casme.id, 46]]));
        // Only events with extra columns or flags are listed.
        expect(snapshot.datasetDetails).toEqual(new Map([[e3.id, { extra: { Type: 'Micro - 1/2' }, flags: ['aus_uncertain'] }]]));
        const sheet = (e: MeEvent) => [e.id, casme.id, e.onset, e.apex, e.offset, e.datasetFrames!.onset, e.datasetFrames!.apex, e.datasetFrames!.offset, '1+2', 'surprise'];
        const none = [null, null, null, null, null, null, null, null];
        const expected: CorpusRow[] = [
          [...sheet(e1), anaLabel.id, ana.id, 'AU1+AU2', 'surprise', 'surprise', 'brows up', 'approved', 'edited'],
          [...sheet(e1), boLabel.id, bo.id, '1', null, null, '', 'draft', 'manual'],
          [...sheet(e3), ...none],
          [...sheet(e2), ...none],
          [spotted.id, own.id, 0, null, 4, null, null, null, null, null, ownLabel.id, bo.id, '12', null, 'positive', '', 'draft', 'accepted'],
        ] as CorpusRow[];
        expect(snapshot.rows).toEqual(expected);
      });
    });

    describe('deletion', () => {
      /** What every read that feeds the app, reports and exports sees of one event. */
      async function sightings(eventId: number, clip: Clip) {
        return {
          get: (await ws.events.get(eventId)) !== null,
          listed: (await ws.events.listForClip(clip.id)).some((e) => e.id === eventId),
          queued: (await ws.reviews.queue(100, 0)).some((r) => r.eventId === eventId),
          snapshot: (await ws.corpus.snapshot()).rows.some((r) => r[0] === eventId),
          analyses: (await ws.analyses.listForEvent(eventId)).length,
          worklist: (await ws.reviews.worklist('ana')).some((r) => r.eventId === eventId),
          clipInWorklist: (await ws.reviews.worklist('ana')).some((r) => r.clipId === clip.id),
        };
      }
      const everywhere = { get: true, listed: true, queued: true, snapshot: true, analyses: 1, worklist: true, clipInWorklist: true };
      const nowhere = { get: false, listed: false, queued: false, snapshot: false, analyses: 0, worklist: false };

      it('deletes an event softly: no read sees it; restore brings it back with its label and analysis', async () => {
        const { clip, event } = await seed(ws);
        const label = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', status: 'submitted' });
        await ws.analyses.add(event.id, [{ id: 'mellm', version: '1' }], { aus: '12' }, {}, 'settings-A');
        expect(await sightings(event.id, clip)).toEqual(everywhere);

        const deletion = await ws.events.delete(event.id, 'ana');
        expect(deletion).toMatchObject({ target: 'event', targetId: event.id, action: 'delete', by: 'ana' });
        expect(deletion.at).toEqual(expect.any(String));
        expect(await sightings(event.id, clip)).toEqual({ ...nowhere, clipInWorklist: true });
        expect((await ws.info()).counts.events).toBe(0);
        await refuses(ws.events.require(event.id), 'NOT_FOUND', new RegExp(`Event ${event.id} was deleted; restore it`));
        // Nothing more lands on a deleted event.
        await refuses(ws.events.update({ id: event.id, onset: 4 }), 'NOT_FOUND', /was deleted/);
        await refuses(ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12+6', baseVersion: 1 }), 'NOT_FOUND', /deleted/);
        await refuses(ws.analyses.add(event.id, [], {}), 'NOT_FOUND', /deleted/);
        await refuses(ws.annotations.review(label.id, 'rita', 'approve'), 'NOT_FOUND', /was deleted/);

        const restored = await ws.events.restore(event.id, 'ana');
        expect(restored).toEqual(event);
        expect(await sightings(event.id, clip)).toEqual(everywhere);
        expect(await ws.annotations.byId(label.id)).toEqual(label);
        expect((await ws.events.deletionHistory(event.id)).map((d) => [d.action, d.by])).toEqual([['delete', 'ana'], ['restore', 'ana']]);
      });

      it('an event with an approved label is deleted and restored by a reviewer only', async () => {
        const { clip, event } = await seed(ws);
        const label = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', status: 'submitted' });
        await ws.annotations.review(label.id, 'rita', 'approve');
        await refuses(ws.events.delete(event.id, 'ana'), 'FORBIDDEN', new RegExp(`Event ${event.id} holds an approved label: only a reviewer can delete it \\(ana is not a reviewer\\)`));
        await refuses(ws.clips.delete(clip.id, 'ana'), 'FORBIDDEN', /approved label: only a reviewer can delete it/);
        expect(await sightings(event.id, clip)).toMatchObject({ get: true, snapshot: true });
        expect(await ws.events.deletionHistory(event.id)).toEqual([]);

        await ws.events.delete(event.id, 'rita');
        await refuses(ws.events.restore(event.id, 'ana'), 'FORBIDDEN', /only a reviewer can restore it/);
        expect((await ws.events.restore(event.id, 'rita')).id).toBe(event.id);
        expect((await ws.events.deletionHistory(event.id)).map((d) => [d.action, d.by])).toEqual([['delete', 'rita'], ['restore', 'rita']]);
      });

      it('refuses unknown ids, a second delete, restoring a live row and an anonymous actor, and changes nothing', async () => {
        const { clip, event } = await seed(ws);
        await refuses(ws.events.delete(9999, 'ana'), 'NOT_FOUND', /No event 9999/);
        await refuses(ws.events.restore(9999, 'ana'), 'NOT_FOUND', /No event 9999/);
        await refuses(ws.clips.delete(9999, 'ana'), 'NOT_FOUND', /No clip 9999/);
        await refuses(ws.events.restore(event.id, 'ana'), 'INVALID_INPUT', new RegExp(`Event ${event.id} is not deleted`));
        await refuses(ws.clips.restore(clip.id, 'ana'), 'INVALID_INPUT', new RegExp(`Clip ${clip.id} is not deleted`));
        await refuses(ws.events.delete(event.id, '  '), 'FORBIDDEN', /Set your annotator name/);
        expect(await ws.events.get(event.id)).toEqual(event);
        await ws.events.delete(event.id, 'ana');
        await refuses(ws.events.delete(event.id, 'ana'), 'INVALID_INPUT', /already deleted/);
        expect((await ws.events.deletionHistory(event.id)).map((d) => d.action)).toEqual(['delete']);
      });

      it('deleting a clip hides it and its events from every read; restoring brings back those not deleted on their own', async () => {
        const { clip, event } = await seed(ws);
        const own = await ws.events.create({ clipId: clip.id, onset: 45, offset: 50, source: 'dataset', datasetFrames: { onset: 91, apex: null, offset: 96 }, datasetAus: '4' });
        const other = await ws.clips.add({ path: '/media/sub02/EP01', kind: 'sequence', fps: 200, frames: 30, width: 64, height: 64, subject: '02' });
        for (const e of [event, own]) {
          await ws.annotations.save({ eventId: e.id, annotator: 'bo', aus: '4', emotion: 'disgust', status: 'submitted' });
          await ws.analyses.add(e.id, [{ id: 'mellm', version: '1' }], {});
        }
        await ws.frameMotion.replace(clip.id, { lag: 6, first: 0, last: 59, rows: [{ frame: 6, roiMagnitudes: new Float32Array(ROI_NAMES.length), auEvidence: {} }] });
        await ws.events.delete(own.id, 'bo');

        const audit = await ws.clips.delete(clip.id, 'bo');
        expect(audit).toMatchObject({ target: 'clip', targetId: clip.id, action: 'delete', by: 'bo' });
        expect(await ws.clips.get(clip.id)).toBeNull();
        expect(await ws.clips.byPath(clip.path)).toBeNull();
        expect(await ws.clips.bySha256(SHA)).toBeNull();
        await refuses(ws.clips.require(clip.id), 'NOT_FOUND', new RegExp(`Clip ${clip.id} was deleted`));
        expect((await ws.clips.list()).map((c) => c.id)).toEqual([other.id]);
        expect(await ws.clips.list({ status: 'submitted' })).toEqual([]);
        expect(await ws.clips.list({ emotion: 'happiness' })).toEqual([]);
        expect(await sightings(event.id, clip)).toEqual({ ...nowhere, clipInWorklist: false });
        await refuses(ws.events.require(event.id), 'NOT_FOUND', new RegExp(`belongs to clip ${clip.id}, which was deleted`));
        const snapshot = await ws.corpus.snapshot();
        expect([...snapshot.clips.keys()]).toEqual([other.id]);
        expect(snapshot.frameShifts.size).toBe(0);
        expect(await ws.frameMotion.range(clip.id, 0, 59)).toEqual([]);
        expect(await ws.info()).toMatchObject({ counts: { clips: 1, events: 0 } });
        await refuses(ws.events.create({ clipId: clip.id, onset: 0, offset: 1 }), 'NOT_FOUND', /was deleted/);
        await refuses(ws.events.restore(own.id, 'bo'), 'NOT_FOUND', /restore the clip first/);
        await refuses(ws.clips.setFaceIndex(clip.id, 1), 'NOT_FOUND', /was deleted/);
        await refuses(ws.clips.setCaptureFps(clip.id, 30), 'NOT_FOUND', /was deleted/);
        // The media keeps its place: adding it again points to restore.
        await refuses(ws.clips.add({ path: clip.path, kind: 'sequence', fps: 200, frames: 60, width: 8, height: 8 }), 'INVALID_INPUT', /deleted \(clip \d+\); restore it/);
        await refuses(ws.clips.add({ path: '/moved', kind: 'sequence', sha256: SHA, fps: 200, frames: 60, width: 8, height: 8 }), 'INVALID_INPUT', /deleted \(clip \d+\); restore it/);

        expect(await ws.clips.restore(clip.id, 'bo')).toEqual(clip);
        expect(await sightings(event.id, clip)).toMatchObject({ get: true, listed: true, queued: true, snapshot: true, analyses: 1 });
        expect(await sightings(own.id, clip)).toEqual({ ...nowhere, clipInWorklist: true });
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 91, apex: null, offset: 96 }, '4')).toBe(false);
        expect((await ws.frameMotion.range(clip.id, 0, 59)).length).toBe(1);
        await ws.events.restore(own.id, 'bo');
        expect(await ws.events.hasDatasetEvent(clip.path, { onset: 91, apex: null, offset: 96 }, '4')).toBe(true);
        expect((await ws.events.listForClip(clip.id)).map((e) => e.id)).toEqual([event.id, own.id]);
        expect((await ws.clips.deletionHistory(clip.id)).map((d) => [d.target, d.action, d.by])).toEqual([['clip', 'delete', 'bo'], ['clip', 'restore', 'bo']]);
      });
    });

    describe('claims', () => {
      const lease = { leaseMs: 60_000, maxAttempts: 2 };

      it('claims a unit for one owner: a live lease is refused to another; the holder renews and finishes it', async () => {
        expect(await ws.claims.get('unit')).toBeNull();
        const before = Date.now();
        const first = await ws.claims.claim('unit', 'A', lease);
        const after = Date.now();
        expect(first).toMatchObject({ claimed: true, claim: { key: 'unit', owner: 'A', state: 'running', attempts: 1, error: null } });
        expect(first.claim.leaseUntil).toBeGreaterThanOrEqual(before + 60_000);
        expect(first.claim.leaseUntil).toBeLessThanOrEqual(after + 60_000);
        expect(await ws.claims.get('unit')).toEqual(first.claim);

        expect(await ws.claims.claim('unit', 'B', lease)).toEqual({ claimed: false, claim: first.claim });
        // Another key is its own unit.
        expect((await ws.claims.claim('other', 'B', lease)).claimed).toBe(true);

        expect(await ws.claims.renew('unit', 'B', 120_000)).toBe(false);
        expect(await ws.claims.renew('unit', 'A', 120_000)).toBe(true);
        expect((await ws.claims.get('unit'))?.leaseUntil).toBeGreaterThanOrEqual(before + 120_000);
        expect(await ws.claims.renew('missing', 'A', 1000)).toBe(false);

        // Only the holder finishes it.
        await ws.claims.finish('unit', 'B');
        expect(await ws.claims.get('unit')).toMatchObject({ owner: 'A', state: 'running' });
        await ws.claims.finish('unit', 'A');
        expect(await ws.claims.get('unit')).toMatchObject({ owner: 'A', state: 'done', attempts: 1, error: null });
        expect(await ws.claims.renew('unit', 'A', 1000)).toBe(false);
        // Done work is not taken again (without `again`).
        expect(await ws.claims.claim('unit', 'B', lease)).toMatchObject({ claimed: false, claim: { owner: 'A', state: 'done' } });
      });

      it('fail with retry leaves the unit to the next taker as a further attempt; without retry it stays failed', async () => {
        await ws.claims.claim('unit', 'A', { leaseMs: 60_000, maxAttempts: 3 });
        expect(await ws.claims.fail('unit', 'B', 'not mine', { retry: false })).toMatchObject({ owner: 'A', state: 'running', error: null });
        const crashed = await ws.claims.fail('unit', 'A', 'worker crashed', { retry: true });
        expect(crashed).toMatchObject({ key: 'unit', owner: 'A', attempts: 1, error: 'worker crashed' });
        const retried = await ws.claims.claim('unit', 'B', { leaseMs: 60_000, maxAttempts: 3 });
        expect(retried).toMatchObject({ claimed: true, claim: { owner: 'B', state: 'running', attempts: 2, error: null } });
        const failed = await ws.claims.fail('unit', 'B', 'unreadable media', { retry: false });
        expect(failed).toMatchObject({ owner: 'B', state: 'failed', attempts: 2, error: 'unreadable media' });
        expect(await ws.claims.claim('unit', 'C', { leaseMs: 60_000, maxAttempts: 3 })).toEqual({ claimed: false, claim: failed });
        expect(await ws.claims.fail('missing', 'A', 'x', { retry: true })).toBeNull();
      });

      it('a lease that runs out is taken over as the next attempt, until maxAttempts refuses it', async () => {
        const short = { leaseMs: 5, maxAttempts: 2 };
        expect((await ws.claims.claim('unit', 'A', short)).claim.attempts).toBe(1);
        await sleep(30);
        const takeover = await ws.claims.claim('unit', 'B', short);
        expect(takeover).toMatchObject({ claimed: true, claim: { owner: 'B', state: 'running', attempts: 2 } });
        // The presumed-dead owner lost it: it can neither renew nor finish.
        expect(await ws.claims.renew('unit', 'A', 60_000)).toBe(false);
        await ws.claims.finish('unit', 'A');
        expect(await ws.claims.get('unit')).toMatchObject({ owner: 'B', state: 'running' });
        await sleep(30);
        const refused = await ws.claims.claim('unit', 'C', short);
        expect(refused).toMatchObject({ claimed: false, claim: { owner: 'B', attempts: 2 } });
        expect(refused.claim.leaseUntil).toBeLessThanOrEqual(Date.now());
        // A caller allowing more attempts takes it.
        expect(await ws.claims.claim('unit', 'C', { leaseMs: 60_000, maxAttempts: 3 })).toMatchObject({ claimed: true, claim: { owner: 'C', attempts: 3 } });
      });

      it('again restarts done or failed work from its first attempt, never a live lease', async () => {
        await ws.claims.claim('unit', 'A', lease);
        await ws.claims.finish('unit', 'A');
        const redo = await ws.claims.claim('unit', 'B', { ...lease, again: true });
        expect(redo).toMatchObject({ claimed: true, claim: { owner: 'B', state: 'running', attempts: 1, error: null } });
        expect(await ws.claims.claim('unit', 'C', { ...lease, again: true })).toMatchObject({ claimed: false, claim: { owner: 'B', state: 'running' } });
        await ws.claims.fail('unit', 'B', 'broken', { retry: false });
        expect((await ws.claims.claim('unit', 'C', lease)).claimed).toBe(false);
        expect(await ws.claims.claim('unit', 'C', { ...lease, again: true })).toMatchObject({ claimed: true, claim: { owner: 'C', state: 'running', attempts: 1, error: null } });
      });

      it('retryFailed takes failed work again from its first attempt but leaves done work done', async () => {
        await ws.claims.claim('broken', 'A', lease);
        await ws.claims.fail('broken', 'A', 'unreadable', { retry: false });
        await ws.claims.claim('fine', 'A', lease);
        await ws.claims.finish('fine', 'A');
        expect(await ws.claims.claim('broken', 'B', { ...lease, retryFailed: true })).toMatchObject({ claimed: true, claim: { owner: 'B', state: 'running', attempts: 1, error: null } });
        expect(await ws.claims.claim('fine', 'B', { ...lease, retryFailed: true })).toMatchObject({ claimed: false, claim: { owner: 'A', state: 'done' } });
        // Nor does it take a live lease.
        expect(await ws.claims.claim('broken', 'C', { ...lease, retryFailed: true })).toMatchObject({ claimed: false, claim: { owner: 'B' } });
      });

      it('keeps the holder’s checkpoint for a retry; a fresh start and finishing drop it', async () => {
        const bytes = (...values: number[]) => Uint8Array.from(values);
        const short = { leaseMs: 5, maxAttempts: 3 };
        expect((await ws.claims.claim('scan', 'A', short)).claim.checkpoint).toBeNull();
        expect(await ws.claims.saveCheckpoint('scan', 'A', bytes(1, 2, 3))).toBe(true);
        expect(await ws.claims.saveCheckpoint('scan', 'B', bytes(9))).toBe(false);
        expect(await ws.claims.saveCheckpoint('missing', 'A', bytes(9))).toBe(false);
        expect((await ws.claims.get('scan'))?.checkpoint).toEqual(bytes(1, 2, 3));
        expect(await ws.claims.saveCheckpoint('scan', 'A', bytes(4, 5))).toBe(true);

        // A crash retried by the next taker resumes where the work stood.
        await ws.claims.fail('scan', 'A', 'process died', { retry: true });
        const retry = await ws.claims.claim('scan', 'B', short);
        expect(retry).toMatchObject({ claimed: true, claim: { owner: 'B', attempts: 2 } });
        expect(retry.claim.checkpoint).toEqual(bytes(4, 5));
        // A lease run out is a retry as well; the old holder can no longer write.
        await sleep(30);
        expect(await ws.claims.saveCheckpoint('scan', 'B', bytes(6))).toBe(true); // still B's until taken over
        const takeover = await ws.claims.claim('scan', 'C', short);
        expect(takeover.claim).toMatchObject({ owner: 'C', attempts: 3 });
        expect(takeover.claim.checkpoint).toEqual(bytes(6));
        expect(await ws.claims.saveCheckpoint('scan', 'B', bytes(7))).toBe(false);

        await ws.claims.finish('scan', 'C');
        expect(await ws.claims.get('scan')).toMatchObject({ state: 'done', checkpoint: null });
        expect(await ws.claims.saveCheckpoint('scan', 'C', bytes(8))).toBe(false);

        // Starting over (again, retryFailed) is a first attempt: no checkpoint carried over.
        const again = await ws.claims.claim('scan', 'D', { ...short, leaseMs: 60_000, again: true });
        expect(again.claim).toMatchObject({ attempts: 1, checkpoint: null });
        await ws.claims.saveCheckpoint('scan', 'D', bytes(1));
        await ws.claims.fail('scan', 'D', 'bad input', { retry: false });
        expect((await ws.claims.claim('scan', 'E', { ...short, retryFailed: true })).claim).toMatchObject({ owner: 'E', attempts: 1, checkpoint: null });
      });
    });

    describe('transactions', () => {
      it('lands all of its work or none of it', async () => {
        const { event } = await seed(ws);
        const counts = (await ws.info()).counts;
        await expect(
          ws.transaction(async (tx) => {
            const clip = await tx.clips.add({ path: '/tx/clip', kind: 'video', fps: 30, frames: 30, width: 8, height: 8 });
            await tx.events.create({ clipId: clip.id, onset: 0, offset: 5 });
            await tx.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12' });
            await tx.analyses.add(event.id, [], {}, {}, 'key');
            await tx.claims.claim('tx-unit', 'A', { leaseMs: 60_000, maxAttempts: 1 });
            expect(await tx.clips.byPath('/tx/clip')).not.toBeNull(); // its own writes are visible inside
            throw new Error('stop here');
          }),
        ).rejects.toThrow('stop here');
        expect((await ws.info()).counts).toEqual(counts);
        expect(await ws.clips.byPath('/tx/clip')).toBeNull();
        expect(await ws.annotations.get(event.id, 'ana')).toBeNull();
        expect(await ws.annotators.byName('ana')).toBeNull();
        expect(await ws.analyses.hasConfig(event.id, 'key')).toBe(false);
        expect(await ws.claims.get('tx-unit')).toBeNull();

        // A refused call inside it that the work lets through undoes the earlier writes too.
        await refuses(
          ws.transaction(async (tx) => {
            await tx.clips.add({ path: '/tx/first', kind: 'video', fps: 30, frames: 30, width: 8, height: 8 });
            await tx.events.create({ clipId: event.clipId, onset: 0, offset: 500 });
          }),
          'INVALID_INPUT',
          /past the clip's last frame/,
        );
        expect(await ws.clips.byPath('/tx/first')).toBeNull();

        const value = await ws.transaction(async (tx) => {
          const clip = await tx.clips.add({ path: '/tx/clip', kind: 'video', fps: 30, frames: 30, width: 8, height: 8 });
          const created = await tx.events.create({ clipId: clip.id, onset: 0, offset: 5 });
          await tx.annotations.save({ eventId: created.id, annotator: 'ana', aus: '12' });
          return created.id;
        });
        expect(await ws.events.require(value)).toMatchObject({ onset: 0, offset: 5 });
        expect((await ws.info()).counts).toMatchObject({ clips: counts.clips + 1, events: counts.events + 1, annotations: 1 });
      });

      it('a call issued while a transaction is open waits until it has committed', async () => {
        const { clip } = await seed(ws);
        const order: string[] = [];
        let opened!: () => void;
        let proceed!: () => void;
        const isOpen = new Promise<void>((resolve) => (opened = resolve));
        const mayFinish = new Promise<void>((resolve) => (proceed = resolve));
        const transaction = ws.transaction(async (tx) => {
          await tx.clips.add({ path: '/tx/one', kind: 'video', fps: 30, frames: 30, width: 8, height: 8 });
          order.push('tx: first write');
          opened();
          await mayFinish;
          await tx.events.create({ clipId: clip.id, onset: 50, offset: 55 });
          order.push('tx: last write');
          return 'committed';
        });
        await isOpen;
        const read = ws.clips.list().then((clips) => order.push(`read: ${clips.length} clips`));
        const events = ws.events.listForClip(clip.id).then((list) => order.push(`read: ${list.length} events`));
        const write = ws.annotators.create('late', 'annotator').then(() => order.push('write'));
        const second = ws.transaction(async (tx) => {
          order.push('second tx: start');
          return (await tx.clips.list()).length;
        });
        await sleep(50);
        expect(order).toEqual(['tx: first write']);
        proceed();
        expect(await transaction).toBe('committed');
        await Promise.all([read, events, write, second]);
        expect(await second).toBe(2);
        expect(order[0]).toBe('tx: first write');
        expect(order[1]).toBe('tx: last write');
        expect(order.slice(2).sort()).toEqual(['read: 2 clips', 'read: 2 events', 'second tx: start', 'write']);
        expect(await ws.annotators.byName('late')).not.toBeNull();
      });

      it('a call issued while a transaction is open sees none of its writes when it rolls back', async () => {
        const { clip } = await seed(ws);
        let opened!: () => void;
        let proceed!: () => void;
        const isOpen = new Promise<void>((resolve) => (opened = resolve));
        const mayFinish = new Promise<void>((resolve) => (proceed = resolve));
        const transaction = ws.transaction(async (tx) => {
          await tx.clips.add({ path: '/tx/doomed', kind: 'video', fps: 30, frames: 30, width: 8, height: 8 });
          await tx.events.create({ clipId: clip.id, onset: 50, offset: 55 });
          opened();
          await mayFinish;
          throw new Error('changed my mind');
        });
        const failed = expect(transaction).rejects.toThrow('changed my mind');
        await isOpen;
        const clips = ws.clips.list();
        const events = ws.events.listForClip(clip.id);
        const doomed = ws.clips.byPath('/tx/doomed');
        await sleep(20);
        proceed();
        await failed;
        expect((await clips).map((c) => c.path)).toEqual([clip.path]);
        expect(await events).toHaveLength(1);
        expect(await doomed).toBeNull();
        // The store is free again.
        expect(await ws.transaction(async (tx) => (await tx.clips.list()).length)).toBe(1);
      });
    });
  });
}
