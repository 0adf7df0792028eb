import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { ROI_NAMES } from '../../src/shared/rois';
import { createWorkspace, openWorkspace, type WorkspaceStore } from '../../src/main/store';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/main/store/migrations';
import { RecentWorkspaces } from '../../src/main/store/recent';
import { openSqliteWorkspace } from '../../src/main/store/sqlite/connection';
import { lockPathFor } from '../../src/main/store/sqlite/lock';
import { useTempDir } from '../helpers/tmp';
import { storeSuite } from './store-suite';

storeSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-store-suite-'));
  const store = await createWorkspace(join(dir, 'suite.mellm'));
  return {
    store,
    async cleanup() {
      if (store.isOpen) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const tempDir = useTempDir('mellm-store-');
const SHA = 'a'.repeat(64);

async function seeded(dir: string): Promise<WorkspaceStore> {
  const ws = await createWorkspace(join(dir, 'corpus.mellm'));
  const clip = await ws.clips.add({ path: '/media/sub01/EP02_01f', kind: 'sequence', sha256: SHA, fps: 200, frames: 60, width: 640, height: 480, subject: '01' });
  await ws.events.create({ clipId: clip.id, onset: 3, apex: 10, offset: 40, source: 'dataset', datasetEmotion: 'happiness' });
  return ws;
}

async function rejects(work: () => Promise<unknown>, code: string, message: RegExp) {
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

/** Writes a header pragma straight into a closed workspace file (the last close checkpoints the WAL). */
function setPragma(file: string, pragma: string): void {
  const db = new Database(file, { fileMustExist: true });
  db.pragma(pragma);
  db.close();
}

/** Reads a closed workspace file over a read-only connection of its own. */
function readOnly<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('workspace file', () => {
  it('creates a 0600 WAL workspace at the current schema version and reopens it', async () => {
    const dir = tempDir();
    const ws = await seeded(dir);
    expect(ws.location).toBe(resolve(dir, 'corpus.mellm'));
    expect(ws.dialect).toBe('sqlite');
    expect(statSync(ws.location).mode & 0o777).toBe(0o600);
    expect(await ws.info()).toMatchObject({ path: ws.location, schemaVersion: SCHEMA_VERSION, sqliteVersion: expect.stringMatching(/^3\./), counts: { clips: 1, events: 1 } });
    await ws.close();
    expect(existsSync(lockPathFor(ws.location))).toBe(false);
    // The connection the store wraps: WAL journal, foreign keys enforced.
    const sqlite = openSqliteWorkspace(ws.location);
    expect(sqlite.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    sqlite.close();
    const again = await openWorkspace(ws.location);
    expect(await again.clips.list()).toHaveLength(1);
    await again.close();
  });

  it('refuses to overwrite an existing file', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.mellm');
    writeFileSync(file, 'keep me');
    await rejects(() => createWorkspace(file), 'WORKSPACE_INVALID', /already exists/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(existsSync(lockPathFor(file))).toBe(false);
  });

  it('refuses a missing file', async () => {
    await rejects(() => openWorkspace(join(tempDir(), 'nowhere.mellm')), 'NOT_FOUND', /No workspace file/);
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
    const ws = await seeded(tempDir());
    await ws.close();
    setPragma(ws.location, `user_version = ${SCHEMA_VERSION + 1}`);
    const before = readFileSync(ws.location);
    await rejects(() => openWorkspace(ws.location), 'WORKSPACE_INVALID', /newer MELLM Workstation/);
    expect(readFileSync(ws.location).equals(before)).toBe(true);
    expect(existsSync(lockPathFor(ws.location))).toBe(false);
  });

  it('refuses a negative schema version without touching the file', async () => {
    const ws = await seeded(tempDir());
    await ws.close();
    setPragma(ws.location, 'user_version = -1');
    expect(readOnly(ws.location, (db) => db.pragma('user_version', { simple: true }))).toBe(-1);
    const before = readFileSync(ws.location);
    await rejects(() => openWorkspace(ws.location), 'WORKSPACE_INVALID', /impossible schema version \(-1\).*left unchanged/);
    expect(readFileSync(ws.location).equals(before)).toBe(true);
    expect(existsSync(lockPathFor(ws.location))).toBe(false);
  });

  it('migrates an older workspace forward; a failing migration leaves it at its old version, usable', async () => {
    const ws = await seeded(tempDir());
    await ws.close();
    const broken: Migration = { name: 'half a change', sqlite: 'ALTER TABLE clips ADD COLUMN note TEXT; INSERT INTO no_such_table VALUES (1);', postgres: 'ALTER TABLE clips ADD COLUMN note TEXT; INSERT INTO no_such_table VALUES (1);' };
    await rejects(() => openWorkspace(ws.location, [...MIGRATIONS, broken]), 'WORKSPACE_INVALID', /no such table: no_such_table/);
    expect(existsSync(lockPathFor(ws.location))).toBe(false);
    const still = await openWorkspace(ws.location);
    expect(await still.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION, counts: { clips: 1, events: 1 } });
    await still.clips.add({ path: '/still/usable', kind: 'video', fps: 30, frames: 3, width: 2, height: 2 });
    await still.close();
    expect(readOnly(ws.location, (db) => db.prepare("SELECT count(*) AS n FROM pragma_table_info('clips') WHERE name = 'note'").get())).toEqual({ n: 0 });

    const next: Migration = { name: 'clip notes', sqlite: 'ALTER TABLE clips ADD COLUMN note TEXT;', postgres: 'ALTER TABLE clips ADD COLUMN note TEXT;' };
    const upgraded = await openWorkspace(ws.location, [...MIGRATIONS, next]);
    expect(await upgraded.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION + 1, counts: { clips: 2, events: 1 } });
    await upgraded.close();
    expect(readOnly(ws.location, (db) => db.prepare("SELECT count(*) AS n FROM pragma_table_info('clips') WHERE name = 'note'").get())).toEqual({ n: 1 });
    // A workspace already past the app's list is a newer one.
    await rejects(() => openWorkspace(ws.location), 'WORKSPACE_INVALID', /newer MELLM Workstation/);
  });

  it('upgrades a version-6 workspace to version 7 without touching a row, and keeps spotting runs from then on', async () => {
    const file = join(tempDir(), 'v6.mellm');
    writeFileSync(file, '');
    const old = await openWorkspace(file, MIGRATIONS.slice(0, 6));
    const clip = await old.clips.add({ path: '/old/session.mp4', kind: 'video', sha256: 'b'.repeat(64), fps: 30, frames: 18_000, width: 640, height: 480 });
    const event = await old.events.create({ clipId: clip.id, onset: 400, apex: 405, offset: 412, source: 'spotting' });
    await old.analyses.add(event.id, [{ id: 'mellm', version: '0.27' }], { spotting: { intervals: [] } }, { total: 1 }, 'k6');
    await old.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12', emotion: 'happiness' });
    await old.frameMotion.replace(clip.id, { lag: 6, first: 0, last: 10, rows: [{ frame: 6, roiMagnitudes: new Float32Array(29).fill(0.5), auEvidence: { '12': 1 } }] });
    await old.close();
    const tables = ['clips', 'events', 'analyses', 'annotators', 'annotations', 'annotation_events', 'frame_motion', 'deletions', 'job_claims'];
    const dump = () => readOnly(file, (db) => Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()])));
    const before = dump();
    expect(readOnly(file, (db) => db.pragma('user_version', { simple: true }))).toBe(6);
    expect(readOnly(file, (db) => db.prepare("SELECT name FROM sqlite_master WHERE name = 'spotting_runs'").all())).toEqual([]);

    const current = await openWorkspace(file);
    expect(await current.info()).toMatchObject({ schemaVersion: 7, counts: { clips: 1, events: 1, annotations: 1, analyses: 1 } });
    expect(await current.spottingRuns.latest(clip.id)).toBeNull();
    await current.close();
    expect(dump()).toEqual(before);

    const reopened = await openWorkspace(file);
    await reopened.spottingRuns.save({ clipId: clip.id, createdBy: 'ana', appVersion: '0.28.0', configKey: 'k7', settings: {}, models: [], report: { intervals: [] }, curve: new Float32Array(18_000) });
    expect((await reopened.spottingRuns.latest(clip.id))?.curve.length).toBe(18_000);
    expect((await reopened.reviews.worklist('ana')).map((r) => r.spotted)).toEqual([true]);
    await reopened.close();
  });

  it('upgrades a version-1 workspace to the current schema, keeping its data', async () => {
    const file = join(tempDir(), 'v1.mellm');
    writeFileSync(file, '');
    const old = await openWorkspace(file, MIGRATIONS.slice(0, 1));
    await old.close();
    // The repositories speak the current schema: the version-1 file is filled in version 1's columns.
    const db = new Database(file, { fileMustExist: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.exec(`
      INSERT INTO clips (id, path, kind, fps, frames, width, height) VALUES (1, '/old/clip', 'video', 30, 30, 8, 8);
      INSERT INTO events (id, clip_id, onset, offset, source) VALUES (1, 1, 1, 5, 'manual');
      INSERT INTO annotators (id, name, role) VALUES (1, 'ana', 'annotator');
      INSERT INTO annotations (event_id, annotator_id, aus, status, provenance, version) VALUES (1, 1, '12', 'draft', 'manual', 1);`);
    db.close();
    const event = { id: 1 };
    expect(readOnly(file, (db) => db.prepare("SELECT name FROM sqlite_master WHERE name IN ('frame_motion', 'job_claims')").all())).toEqual([]);

    const current = await openWorkspace(file);
    expect(await current.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION, counts: { clips: 1, events: 1, annotations: 1 } });
    expect(await current.annotations.get(event.id, 'ana')).toMatchObject({ aus: '12', version: 1 });
    await current.analyses.add(event.id, [], {}, {}, 'settings');
    expect(await current.analyses.hasConfig(event.id, 'settings')).toBe(true);
    expect((await current.claims.claim('unit', 'A', { leaseMs: 1000, maxAttempts: 1 })).claimed).toBe(true);
    // Rows from before soft delete are live, and can be deleted and restored.
    await current.events.delete(event.id, 'ana');
    expect((await current.info()).counts.events).toBe(0);
    expect(await current.events.restore(event.id, 'ana')).toMatchObject({ id: event.id, onset: 1, offset: 5 });
    // A clip from before capture rates was filmed at its container's rate until told otherwise.
    expect(await current.clips.require(1)).toMatchObject({ fps: 30, captureFps: 30 });
    await current.close();
  });

  it('migrates an empty file created by an interrupted create', async () => {
    const file = join(tempDir(), 'empty.mellm');
    writeFileSync(file, '');
    const ws = await openWorkspace(file);
    expect((await ws.info()).schemaVersion).toBe(SCHEMA_VERSION);
    await ws.close();
  });

  it('refuses further work once the file was deleted or replaced under it', async () => {
    const dir = tempDir();
    const ws = await seeded(dir);
    expect(() => ws.assertPresent()).not.toThrow();
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(ws.location + suffix)) renameSync(ws.location + suffix, join(dir, `moved${suffix}`));
    writeFileSync(ws.location, '');
    expect(() => ws.assertPresent()).toThrow(/deleted or replaced while open/);
    rmSync(ws.location);
    expect(() => ws.assertPresent()).toThrow(AppError);
    await ws.close();
  });
});

describe('workspace lock', () => {
  it('refuses a second open while the workspace is open, and releases the lock on close', async () => {
    const ws = await seeded(tempDir());
    expect(existsSync(lockPathFor(ws.location))).toBe(true);
    await rejects(() => openWorkspace(ws.location), 'WORKSPACE_LOCKED', /already open in this app/);
    expect(ws.isOpen).toBe(true);
    expect(await ws.clips.list()).toHaveLength(1);
    await ws.close();
    expect(existsSync(lockPathFor(ws.location))).toBe(false);
    const again = await openWorkspace(ws.location);
    await again.close();
  });

  it('takes over a stale or garbled lock, leaving the data as it was', async () => {
    const ws = await seeded(tempDir());
    await ws.close();
    for (const content of [JSON.stringify({ pid: 2_147_483_646, host: hostname(), at: 'x' }), 'garbage\u0000', '']) {
      writeFileSync(lockPathFor(ws.location), content);
      const opened = await openWorkspace(ws.location);
      expect(await opened.info()).toMatchObject({ counts: { clips: 1, events: 1 } });
      await opened.close();
      expect(existsSync(lockPathFor(ws.location))).toBe(false);
    }
  });

  it('respects a lock held on another computer', async () => {
    const ws = await seeded(tempDir());
    await ws.close();
    writeFileSync(lockPathFor(ws.location), JSON.stringify({ pid: 4242, host: 'lab-pc-7', at: 'x' }));
    await rejects(() => openWorkspace(ws.location), 'WORKSPACE_LOCKED', /process 4242 on lab-pc-7/);
  });
});

describe('SQLite file guarantees', () => {
  it('keeps the audit and deletion trails append-only in the database itself', async () => {
    const ws = await seeded(tempDir());
    const saved = await ws.annotations.save({ eventId: 1, annotator: 'ana', aus: '12' });
    await ws.events.delete(1, 'ana');
    await ws.close();
    const sqlite = openSqliteWorkspace(ws.location);
    try {
      expect(() => sqlite.db.prepare('UPDATE annotation_events SET snapshot = ?').run('{}')).toThrow(/append-only/);
      expect(() => sqlite.db.prepare('DELETE FROM annotation_events').run()).toThrow(/append-only/);
      expect(sqlite.annotations.history(saved.id)).toHaveLength(1);
      expect(() => sqlite.db.prepare("UPDATE deletions SET action = 'restore'").run()).toThrow(/append-only/);
      expect(() => sqlite.db.prepare('DELETE FROM deletions').run()).toThrow(/append-only/);
      expect(sqlite.events.deletionHistory(1).map((d) => d.action)).toEqual(['delete']);
    } finally {
      sqlite.close();
    }
  });

  it('drops per-frame motion rows with their clip', async () => {
    const ws = await seeded(tempDir());
    const clip = (await ws.clips.list())[0]!.id;
    const rows = [6, 7].map((frame) => ({ frame, roiMagnitudes: new Float32Array(ROI_NAMES.length), auEvidence: {} }));
    await ws.frameMotion.replace(clip, { lag: 6, first: 0, last: 59, rows });
    expect(await ws.frameMotion.range(clip, 0, 100)).toHaveLength(2);
    await ws.close();
    const sqlite = openSqliteWorkspace(ws.location);
    sqlite.db.prepare('DELETE FROM events').run();
    sqlite.db.prepare('DELETE FROM clips').run();
    sqlite.close();
    const reopened = await openWorkspace(ws.location);
    expect(await reopened.frameMotion.range(clip, 0, 100)).toEqual([]);
    await reopened.close();
  });

  it('has exactly the schema the migrations describe', async () => {
    const ws = await createWorkspace(join(tempDir(), 'schema.mellm'));
    await ws.close();
    const actual = readOnly(ws.location, describeSchema);
    expect(actual).toEqual(EXPECTED_SCHEMA);
  });
});

describe('recent workspaces', () => {
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

/**
 * The schema of a fresh workspace, written out by hand: a migration that changes a
 * table, column, index, foreign key or trigger must change this description with it.
 * Columns: `name TYPE [NOT NULL] [PK n] [DEFAULT x]`. Indexes: `name [UNIQUE] [PARTIAL]
 * [by constraint u|pk] (columns)`. Foreign keys: `column → table(column) [ON DELETE x]`.
 */
const EXPECTED_SCHEMA = {
  applicationId: APPLICATION_ID,
  userVersion: 7,
  tables: {
    analyses: {
      columns: [
        'id INTEGER PK 1',
        'event_id INTEGER NOT NULL',
        'models TEXT NOT NULL',
        'result TEXT NOT NULL',
        "timings TEXT NOT NULL DEFAULT '{}'",
        "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        'config_key TEXT',
      ],
      indexes: ['analyses_event (event_id)', 'analyses_event_config (event_id, config_key)'],
      foreignKeys: ['event_id → events(id) ON DELETE CASCADE'],
    },
    annotation_events: {
      columns: [
        'id INTEGER PK 1',
        'annotation_id INTEGER NOT NULL',
        'annotator_id INTEGER NOT NULL',
        'version INTEGER NOT NULL',
        'snapshot TEXT NOT NULL',
        "at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
      ],
      indexes: ['annotation_events_annotation (annotation_id, version)'],
      foreignKeys: ['annotation_id → annotations(id)', 'annotator_id → annotators(id)'],
    },
    annotations: {
      columns: [
        'id INTEGER PK 1',
        'event_id INTEGER NOT NULL',
        'annotator_id INTEGER NOT NULL',
        "aus TEXT NOT NULL DEFAULT ''",
        'emotion TEXT',
        'label3 TEXT',
        "description TEXT NOT NULL DEFAULT ''",
        'status TEXT NOT NULL',
        'provenance TEXT NOT NULL',
        'version INTEGER NOT NULL',
        'locked INTEGER NOT NULL DEFAULT 0',
        "updated_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
      ],
      indexes: ['sqlite_autoindex_annotations_1 UNIQUE by constraint u (event_id, annotator_id)'],
      foreignKeys: ['annotator_id → annotators(id)', 'event_id → events(id)'],
    },
    annotators: {
      columns: ['id INTEGER PK 1', 'name TEXT NOT NULL', 'role TEXT NOT NULL'],
      indexes: ['sqlite_autoindex_annotators_1 UNIQUE by constraint u (name)'],
      foreignKeys: [],
    },
    clips: {
      columns: [
        'id INTEGER PK 1',
        'path TEXT NOT NULL',
        'kind TEXT NOT NULL',
        'sha256 TEXT',
        'fps REAL NOT NULL',
        'frames INTEGER NOT NULL',
        'width INTEGER NOT NULL',
        'height INTEGER NOT NULL',
        'subject TEXT',
        'dataset TEXT',
        'dataset_row INTEGER',
        'dataset_filename TEXT',
        'face_index INTEGER NOT NULL DEFAULT 0',
        "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        'deleted_at TEXT',
        'deleted_by INTEGER',
        'media_root TEXT',
        'media_path TEXT',
        'capture_fps REAL',
      ],
      indexes: ['clips_media_location UNIQUE PARTIAL (media_root, media_path)', 'clips_sha256 UNIQUE PARTIAL (sha256)', 'clips_subject (subject)', 'sqlite_autoindex_clips_1 UNIQUE by constraint u (path)'],
      foreignKeys: ['deleted_by → annotators(id)'],
    },
    events: {
      columns: [
        'id INTEGER PK 1',
        'clip_id INTEGER NOT NULL',
        'onset INTEGER NOT NULL',
        'apex INTEGER',
        'offset INTEGER NOT NULL',
        'source TEXT NOT NULL',
        'dataset_onset INTEGER',
        'dataset_apex INTEGER',
        'dataset_offset INTEGER',
        'dataset_aus TEXT',
        'dataset_emotion TEXT',
        "dataset_extra TEXT NOT NULL DEFAULT '{}'",
        "flags TEXT NOT NULL DEFAULT '[]'",
        "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        'deleted_at TEXT',
        'deleted_by INTEGER',
      ],
      indexes: ['events_clip (clip_id, onset)'],
      foreignKeys: ['clip_id → clips(id) ON DELETE CASCADE', 'deleted_by → annotators(id)'],
    },
    deletions: {
      columns: [
        'id INTEGER PK 1',
        'target TEXT NOT NULL',
        'target_id INTEGER NOT NULL',
        'action TEXT NOT NULL',
        'actor_id INTEGER NOT NULL',
        "at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
      ],
      indexes: ['deletions_target (target, target_id)'],
      foreignKeys: ['actor_id → annotators(id)'],
    },
    frame_motion: {
      columns: ['clip_id INTEGER NOT NULL PK 1', 'frame INTEGER NOT NULL PK 2', 'lag INTEGER NOT NULL', 'rois BLOB NOT NULL', 'aus TEXT NOT NULL'],
      indexes: ['sqlite_autoindex_frame_motion_1 UNIQUE by constraint pk (clip_id, frame)'],
      foreignKeys: ['clip_id → clips(id) ON DELETE CASCADE'],
    },
    job_claims: {
      columns: ['key TEXT PK 1', 'owner TEXT NOT NULL', 'state TEXT NOT NULL', 'attempts INTEGER NOT NULL', 'lease_until INTEGER NOT NULL', 'error TEXT', 'checkpoint BLOB'],
      indexes: ['sqlite_autoindex_job_claims_1 UNIQUE by constraint pk (key)'],
      foreignKeys: [],
    },
    spotting_runs: {
      columns: [
        'clip_id INTEGER PK 1',
        "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        'created_by TEXT',
        'app_version TEXT NOT NULL',
        'config_key TEXT',
        'settings TEXT NOT NULL',
        'models TEXT NOT NULL',
        'report TEXT NOT NULL',
        'curve BLOB NOT NULL',
        'curve_points INTEGER NOT NULL',
      ],
      indexes: [],
      foreignKeys: ['clip_id → clips(id) ON DELETE CASCADE'],
    },
    reviews: {
      columns: [
        'id INTEGER PK 1',
        'annotation_id INTEGER NOT NULL',
        'annotation_version INTEGER NOT NULL',
        'reviewer_id INTEGER NOT NULL',
        'decision TEXT NOT NULL',
        "comment TEXT NOT NULL DEFAULT ''",
        "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
      ],
      indexes: ['reviews_annotation (annotation_id)'],
      foreignKeys: ['annotation_id → annotations(id)', 'reviewer_id → annotators(id)'],
    },
  },
  triggers: [
    'annotation_events_no_delete ON annotation_events',
    'annotation_events_no_update ON annotation_events',
    'deletions_no_delete ON deletions',
    'deletions_no_update ON deletions',
  ],
  /** Anything else in sqlite_master (views, …): none. */
  other: [],
};

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface IndexInfo {
  name: string;
  unique: number;
  origin: string;
  partial: number;
}
interface ForeignKeyInfo {
  table: string;
  from: string;
  to: string;
  on_delete: string;
}

/** A workspace file's schema in the shape of EXPECTED_SCHEMA, read from sqlite_master and the table pragmas. */
function describeSchema(db: Database.Database) {
  const objects = db.prepare("SELECT type, name, tbl_name AS tableName FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { type: string; name: string; tableName: string }[];
  const tables: Record<string, { columns: string[]; indexes: string[]; foreignKeys: string[] }> = {};
  for (const { name } of objects.filter((o) => o.type === 'table')) {
    const columns = (db.pragma(`table_info("${name}")`) as ColumnInfo[]).map(
      (c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK ${c.pk}` : ''}${c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : ''}`,
    );
    const indexes = (db.pragma(`index_list("${name}")`) as IndexInfo[])
      .map((index) => {
        const on = (db.pragma(`index_info("${index.name}")`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
        const origin = index.origin === 'c' ? '' : ` by constraint ${index.origin}`;
        return `${index.name}${index.unique ? ' UNIQUE' : ''}${index.partial ? ' PARTIAL' : ''}${origin} (${on.join(', ')})`;
      })
      .sort();
    const foreignKeys = (db.pragma(`foreign_key_list("${name}")`) as ForeignKeyInfo[])
      .map((fk) => `${fk.from} → ${fk.table}(${fk.to})${fk.on_delete !== 'NO ACTION' ? ` ON DELETE ${fk.on_delete}` : ''}`)
      .sort();
    tables[name] = { columns, indexes, foreignKeys };
  }
  // Every index sqlite_master names belongs to a table above (so none is missed by index_list).
  const listed = new Set(Object.values(tables).flatMap((t) => t.indexes.map((i) => i.split(' ')[0])));
  const unlisted = objects.filter((o) => o.type === 'index' && !listed.has(o.name)).map((o) => o.name);
  return {
    applicationId: db.pragma('application_id', { simple: true }),
    userVersion: db.pragma('user_version', { simple: true }),
    tables,
    triggers: objects.filter((o) => o.type === 'trigger').map((o) => `${o.name} ON ${o.tableName}`),
    other: [...objects.filter((o) => !['table', 'index', 'trigger'].includes(o.type)).map((o) => `${o.type} ${o.name}`), ...unlisted.map((name) => `index ${name}`)],
  };
}
