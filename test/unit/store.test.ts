import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { ROI_NAMES } from '../../src/shared/rois';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/main/store/migrations';
import { RecentWorkspaces } from '../../src/main/store/recent';
import { createWorkspace, openWorkspace, type Workspace } from '../../src/main/store/sqlite/connection';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-store-');
const SHA = 'a'.repeat(64);

function seeded(dir: string): Workspace {
  const ws = createWorkspace(join(dir, 'corpus.mellm'));
  const clip = ws.clips.add({ path: '/media/sub01/EP02_01f', kind: 'sequence', sha256: SHA, fps: 200, frames: 60, width: 640, height: 480, subject: '01' });
  ws.events.create({ clipId: clip.id, onset: 3, apex: 10, offset: 40, source: 'dataset', datasetEmotion: 'happiness' });
  return ws;
}

async function rejects(work: () => unknown, code: string, message: RegExp) {
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
  expect((caught as AppError).message).toMatch(message);
}

describe('workspace file', () => {
  it('creates a 0600 WAL workspace at the current schema version and reopens it', () => {
    const dir = tempDir();
    const ws = seeded(dir);
    expect(statSync(ws.path).mode & 0o777).toBe(0o600);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION, counts: { clips: 1, events: 1 } });
    ws.close();
    const again = openWorkspace(ws.path);
    expect(again.clips.list()).toHaveLength(1);
    again.close();
  });

  it('refuses to overwrite an existing file', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.mellm');
    writeFileSync(file, 'keep me');
    await rejects(() => createWorkspace(file), 'WORKSPACE_INVALID', /already exists/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('refuses a file that is not SQLite and leaves it byte-for-byte unchanged', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.mellm');
    writeFileSync(file, 'this is a text file, not a database\n'.repeat(20));
    const before = readFileSync(file);
    await rejects(() => openWorkspace(file), 'WORKSPACE_INVALID', /not an SQLite database/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file with an SQLite header but corrupt content, unchanged', async () => {
    const file = join(tempDir(), 'corrupt.mellm');
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xab)]));
    const before = readFileSync(file);
    await rejects(() => openWorkspace(file), 'WORKSPACE_INVALID', /not a readable workspace/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a foreign SQLite database', async () => {
    const file = join(tempDir(), 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const before = readFileSync(file);
    await rejects(() => openWorkspace(file), 'WORKSPACE_INVALID', /not a MELLM workspace/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a workspace from a newer schema version without touching it', async () => {
    const dir = tempDir();
    const ws = seeded(dir);
    ws.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    ws.close();
    const before = readFileSync(ws.path);
    await rejects(() => openWorkspace(ws.path), 'WORKSPACE_INVALID', /newer MELLM Workstation/);
    expect(readFileSync(ws.path).equals(before)).toBe(true);
  });

  it('migrates an older workspace forward; a failing migration leaves it at its old version', async () => {
    const ws = seeded(tempDir());
    ws.close();
    const broken: Migration = (db) => {
      db.exec('ALTER TABLE clips ADD COLUMN note TEXT');
      throw new Error('disk on fire');
    };
    await rejects(() => openWorkspace(ws.path, [...MIGRATIONS, broken]), 'WORKSPACE_INVALID', /disk on fire/);
    const still = openWorkspace(ws.path);
    expect(still.info().schemaVersion).toBe(SCHEMA_VERSION);
    expect(still.db.prepare("SELECT count(*) AS n FROM pragma_table_info('clips') WHERE name = 'note'").get()).toEqual({ n: 0 });
    still.close();
    const next: Migration = (db) => db.exec('ALTER TABLE clips ADD COLUMN note TEXT');
    const upgraded = openWorkspace(ws.path, [...MIGRATIONS, next]);
    expect(upgraded.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION + 1, counts: { clips: 1, events: 1 } });
    upgraded.close();
  });

  it('keeps a recent-workspaces list, newest first, without duplicates', async () => {
    const recent = new RecentWorkspaces(tempDir());
    expect(await recent.list()).toEqual([]);
    await recent.touch('/a.mellm');
    await recent.touch('/b.mellm');
    await recent.touch('/a.mellm');
    expect((await recent.list()).map((r) => r.path)).toEqual(['/a.mellm', '/b.mellm']);
    writeFileSync(recent.path, '{garbage');
    expect(await recent.list()).toEqual([]);
  });
});

describe('repositories', () => {
  it('relinks a moved clip by its sha256', () => {
    const ws = seeded(tempDir());
    const moved = ws.clips.relinkClip(SHA, '/new/place/EP02_01f');
    expect(moved.path).toBe('/new/place/EP02_01f');
    expect(ws.clips.byPath('/media/sub01/EP02_01f')).toBeNull();
    expect(() => ws.clips.relinkClip('b'.repeat(64), '/x')).toThrow(/No clip with sha256/);
    ws.close();
  });

  it('rejects duplicate clips and events outside the clip or out of order', () => {
    const ws = seeded(tempDir());
    expect(() => ws.clips.add({ path: '/elsewhere', kind: 'video', sha256: SHA, fps: 30, frames: 9, width: 2, height: 2 })).toThrow(/already/);
    expect(() => ws.events.create({ clipId: 1, onset: 5, offset: 60 })).toThrow(/past the clip's last frame/);
    expect(() => ws.events.create({ clipId: 1, onset: 5, apex: 2, offset: 10 })).toThrow(/onset ≤ apex ≤ offset/);
    const event = ws.events.listForClip(1)[0]!;
    expect(() => ws.events.update({ id: event.id, apex: 50 })).toThrow(/onset ≤ apex ≤ offset/);
    expect(ws.events.update({ id: event.id, apex: 12 }).apex).toBe(12);
    expect(ws.info().counts.events).toBe(1);
    ws.close();
  });

  it('saves annotations with versions, an append-only audit trail and review locking', () => {
    const ws = seeded(tempDir());
    const first = ws.annotations.save({ eventId: 1, annotator: 'ana', aus: 'AU6 + au12', emotion: 'happiness', provenance: 'accepted' });
    expect(first).toMatchObject({ version: 1, aus: '6+12', locked: false });
    const second = ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '6+12+25', baseVersion: 1, provenance: 'edited', status: 'submitted' });
    expect(second.version).toBe(2);
    expect(() => ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '12', baseVersion: 1 })).toThrow(/changed since it was loaded/);
    expect(() => ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '1++2', baseVersion: 2 })).toThrow(/not a valid FACS code/);
    expect(ws.annotations.history(first.id).map((h) => h.version)).toEqual([1, 2]);
    expect(() => ws.db.prepare('UPDATE annotation_events SET snapshot = ?').run('{}')).toThrow(/append-only/);
    expect(() => ws.db.prepare('DELETE FROM annotation_events').run()).toThrow(/append-only/);

    const review = ws.annotations.review(first.id, 'rita', 'approve', 'good');
    expect(review).toMatchObject({ decision: 'approve', annotationVersion: 3, reviewer: 'rita' });
    expect(ws.annotations.byId(first.id)).toMatchObject({ status: 'approved', locked: true });
    expect(() => ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '12', baseVersion: 3 })).toThrow(/locked/);
    expect(ws.annotations.history(first.id)).toHaveLength(3);
    ws.close();
  });

  it('lists clips by subject, emotion, status and annotator', () => {
    const ws = seeded(tempDir());
    const other = ws.clips.add({ path: '/media/sub02/EP01', kind: 'sequence', fps: 200, frames: 30, width: 64, height: 64, subject: '02' });
    const event = ws.events.create({ clipId: other.id, onset: 0, offset: 20 });
    ws.annotations.save({ eventId: event.id, annotator: 'bo', aus: '4', emotion: 'disgust', status: 'submitted' });
    expect(ws.clips.list({ subject: '01' }).map((c) => c.subject)).toEqual(['01']);
    expect(ws.clips.list({ emotion: 'Happiness' }).map((c) => c.id)).toEqual([1]);
    expect(ws.clips.list({ emotion: 'disgust' }).map((c) => c.id)).toEqual([other.id]);
    expect(ws.clips.list({ status: 'submitted', annotator: 'bo' }).map((c) => c.id)).toEqual([other.id]);
    expect(ws.clips.list({ annotator: 'nobody' })).toEqual([]);
    ws.close();
  });

  it('stores analyses with model versions and timings', () => {
    const ws = seeded(tempDir());
    const analysis = ws.analyses.add(1, [{ id: 'blazeface', version: '1' }], { emotion: 'happiness' }, { face: 12.5 });
    expect(ws.analyses.listForEvent(1)).toEqual([analysis]);
    expect(() => ws.analyses.add(99, [], {})).toThrow(/No event 99/);
    ws.close();
  });

  it('migrates an empty file created by an interrupted create', () => {
    const file = join(tempDir(), 'empty.mellm');
    writeFileSync(file, '');
    const ws = openWorkspace(file);
    expect(ws.info().schemaVersion).toBe(SCHEMA_VERSION);
    ws.close();
  });
});

describe('per-frame motion rows', () => {
  const row = (frame: number, base: number) => ({ frame, roiMagnitudes: Float32Array.from(ROI_NAMES, (_, i) => base + i / 100), auEvidence: { '12': base } as Record<string, number> });

  it('replaces the frames a scan covered, reads rows back by frame range bit-exactly, and drops them with the clip', () => {
    const ws = seeded(tempDir());
    const clip = ws.clips.list()[0]?.id as number;
    ws.frameMotion.replace(clip, { lag: 6, first: 0, last: 59, rows: [row(6, 0.5), row(7, 1.25), row(40, 9), row(41, 9)] });
    ws.frameMotion.replace(clip, { lag: 4, first: 36, last: 42, rows: [row(40, 0.125), row(41, 3.5), row(42, 0.75)] });
    const got = ws.frameMotion.range(clip, 0, 41);
    expect(got.map((r) => [r.frame, r.lag, r.auEvidence['12']])).toEqual([[6, 6, 0.5], [7, 6, 1.25], [40, 4, 0.125], [41, 4, 3.5]]);
    expect([...(got[3]?.roiMagnitudes ?? [])]).toEqual([...row(41, 3.5).roiMagnitudes]);
    ws.db.prepare('DELETE FROM events').run();
    ws.db.prepare('DELETE FROM clips').run();
    expect(ws.frameMotion.range(clip, 0, 100)).toEqual([]);
    ws.close();
  });

  it('refuses a row with the wrong number of ROIs and keeps the rows it had', async () => {
    const ws = seeded(tempDir());
    const clip = ws.clips.list()[0]?.id as number;
    ws.frameMotion.replace(clip, { lag: 6, first: 0, last: 10, rows: [row(6, 1)] });
    const scan = (rows: ReturnType<typeof row>[]) => ({ lag: 6, first: 0, last: 10, rows });
    await rejects(() => ws.frameMotion.replace(clip, scan([row(7, 2), { frame: 8, roiMagnitudes: new Float32Array(3), auEvidence: {} }])), 'INVALID_INPUT', /29 ROI magnitudes/);
    await rejects(() => ws.frameMotion.replace(clip, scan([row(11, 2)])), 'INVALID_INPUT', /outside the scan 0\.\.10/);
    expect(ws.frameMotion.range(clip, 0, 100).map((r) => r.frame)).toEqual([6]);
    ws.close();
  });
});
