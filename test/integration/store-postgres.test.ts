/**
 * The PostgreSQL store against a real server (test/helpers/postgres.ts: MELLM_TEST_PG's,
 * or a throw-away cluster of Debian's binaries): the whole store suite, then what only a
 * server workspace has (its schema record, URLs and credentials).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { createWorkspace, openWorkspace } from '../../src/main/store';
import { runCli } from '../../src/main/cli/main';
import { normalizeLocation, redactLocation } from '../../src/main/store/location';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/main/store/migrations';
import { connectWorkspace } from '../../src/main/store/postgres/connection';
import { WorkspaceService } from '../../src/main/store/service';
import { startTestPostgres, withDatabase, type TestPostgres } from '../helpers/postgres';
import { storeSuite } from '../unit/store-suite';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

storeSuite('postgres', async () => {
  const { url } = await server.createSchema();
  const store = await createWorkspace(url);
  return {
    store,
    async cleanup() {
      if (store.isOpen) await store.close();
    },
  };
});

async function refused(work: () => Promise<unknown>, code: AppError['code'], message: RegExp): Promise<AppError> {
  const caught = await work().then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
  expect((caught as AppError).message).toMatch(message);
  return caught as AppError;
}

/** Every table of the database's schema with its row count and a hash of its rows: what "unchanged" means. */
async function fingerprint(database: string): Promise<Record<string, string>> {
  const tables = await server.sql<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1", [], database);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await server.sql<{ n: number; h: string | null }>(`SELECT count(*)::integer AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${name}" t`, [], database);
    out[name] = `${row!.n}:${row!.h}`;
  }
  const columns = await server.sql<{ c: string }>("SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, column_name) AS c FROM information_schema.columns WHERE table_schema = current_schema()", [], database);
  out['(columns)'] = columns[0]?.c ?? '';
  return out;
}

describe('postgres workspace: schema record and migrations', () => {
  it('records the application id and schema version in mellm_meta; reopening changes nothing', async () => {
    const { name, url } = await server.createDatabase();
    const ws = await createWorkspace(url);
    expect(ws.dialect).toBe('postgres');
    const clip = await ws.clips.add({ path: '/m/a', kind: 'video', fps: 30, frames: 10, width: 2, height: 2 });
    expect(await ws.info()).toMatchObject({ path: redactLocation(url), schemaVersion: SCHEMA_VERSION, serverVersion: expect.stringMatching(/^PostgreSQL \d+/), counts: { clips: 1 } });
    await ws.close();
    expect(await server.sql('SELECT application_id, schema_version FROM mellm_meta', [], name)).toEqual([{ application_id: APPLICATION_ID, schema_version: SCHEMA_VERSION }]);
    const before = await fingerprint(name);
    const again = await openWorkspace(url);
    expect(await again.clips.require(clip.id)).toEqual(clip);
    await again.close();
    expect(await fingerprint(name)).toEqual(before);
  });

  it('refuses a workspace from a newer schema and leaves it unchanged', async () => {
    const { name, url } = await server.createDatabase();
    const ws = await createWorkspace(url);
    await ws.clips.add({ path: '/m/a', kind: 'video', fps: 30, frames: 10, width: 2, height: 2 });
    await ws.close();
    await server.sql('UPDATE mellm_meta SET schema_version = $1', [SCHEMA_VERSION + 1], name);
    const before = await fingerprint(name);
    await refused(() => openWorkspace(url), 'WORKSPACE_INVALID', new RegExp(`newer MELLM Workstation \\(schema ${SCHEMA_VERSION + 1}, this version understands up to ${SCHEMA_VERSION}\\)`));
    expect(await fingerprint(name)).toEqual(before);
  });

  it('refuses a database that is not a workspace, an empty one to open, and a workspace to create over; changes none', async () => {
    const foreign = await server.createDatabase();
    await server.sql('CREATE TABLE patients (id integer PRIMARY KEY, name text); INSERT INTO patients VALUES (1, $$x$$)', [], foreign.name);
    const foreignBefore = await fingerprint(foreign.name);
    await refused(() => openWorkspace(foreign.url), 'WORKSPACE_INVALID', /is a PostgreSQL database but not a MELLM workspace/);
    await refused(() => createWorkspace(foreign.url), 'WORKSPACE_INVALID', /not a MELLM workspace/);
    expect(await fingerprint(foreign.name)).toEqual(foreignBefore);

    const stranger = await server.createDatabase();
    await server.sql('CREATE TABLE mellm_meta (singleton boolean PRIMARY KEY, application_id integer, schema_version integer); INSERT INTO mellm_meta VALUES (true, 42, 1)', [], stranger.name);
    await refused(() => openWorkspace(stranger.url), 'WORKSPACE_INVALID', /not a MELLM workspace/);

    const empty = await server.createDatabase();
    await refused(() => openWorkspace(empty.url), 'WORKSPACE_INVALID', /holds no workspace yet: create one/);
    expect(await fingerprint(empty.name)).toEqual({ '(columns)': '' });

    const taken = await server.createDatabase();
    await (await createWorkspace(taken.url)).close();
    const takenBefore = await fingerprint(taken.name);
    await refused(() => createWorkspace(taken.url), 'WORKSPACE_INVALID', /already holds a workspace; open it instead/);
    expect(await fingerprint(taken.name)).toEqual(takenBefore);

    await refused(() => openWorkspace(withDatabase(server.adminUrl, 'no_such_database_here')), 'NOT_FOUND', /No such database/);
  });

  it('migrates an older workspace forward; a failing step leaves it at its version, whole', async () => {
    const { name, url } = await server.createDatabase();
    const v1 = await connectWorkspace(url, MIGRATIONS.slice(0, 1), true);
    await v1.pool.end();
    expect(await server.sql('SELECT schema_version FROM mellm_meta', [], name)).toEqual([{ schema_version: 1 }]);
    const broken: Migration = { name: 'half a change', sqlite: '', postgres: 'ALTER TABLE clips ADD COLUMN note TEXT; INSERT INTO no_such_table VALUES (1);' };
    const v1Print = await fingerprint(name);
    await refused(() => openWorkspace(url, [...MIGRATIONS, broken]), 'INTERNAL', /no_such_table/);
    expect(await fingerprint(name)).toEqual(v1Print);

    const next: Migration = { name: 'clip notes', sqlite: '', postgres: 'ALTER TABLE clips ADD COLUMN note TEXT;' };
    const upgraded = await openWorkspace(url, [...MIGRATIONS, next]);
    expect((await upgraded.info()).schemaVersion).toBe(SCHEMA_VERSION + 1);
    await upgraded.close();
    expect(await server.sql("SELECT count(*)::integer AS n FROM information_schema.columns WHERE table_name = 'clips' AND column_name IN ('note', 'deleted_at')", [], name)).toEqual([{ n: 2 }]);
  });

  it('upgrades a version-6 workspace to version 7 without touching a row, and keeps spotting runs from then on', async () => {
    const { name, url } = await server.createDatabase();
    const v6 = await connectWorkspace(url, MIGRATIONS.slice(0, 6), true);
    await v6.pool.end();
    const old = await openWorkspace(url, MIGRATIONS.slice(0, 6));
    const clip = await old.clips.add({ path: '/old/session.mp4', kind: 'video', fps: 30, frames: 18_000, width: 640, height: 480 });
    const event = await old.events.create({ clipId: clip.id, onset: 400, apex: 405, offset: 412, source: 'spotting' });
    await old.analyses.add(event.id, [{ id: 'mellm', version: '0.27' }], { spotting: { intervals: [] } }, { total: 1 }, 'k6');
    await old.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12' });
    await old.close();
    const before = await fingerprint(name);
    expect(await server.sql('SELECT schema_version FROM mellm_meta', [], name)).toEqual([{ schema_version: 6 }]);

    const current = await openWorkspace(url);
    expect(await current.info()).toMatchObject({ schemaVersion: 7, counts: { clips: 1, events: 1, annotations: 1, analyses: 1 } });
    expect(await current.spottingRuns.latest(clip.id)).toBeNull();
    await current.close();
    const after = await fingerprint(name);
    // Every table it had is as it was; what is new is the empty spotting_runs table (and its columns) and the version.
    for (const table of Object.keys(before).filter((t) => t !== '(columns)' && t !== 'mellm_meta')) expect(after[table], table).toBe(before[table]);
    expect(after.spotting_runs).toMatch(/^0:/);
    expect(after['(columns)']?.replace(/,spotting_runs\.[a-z_]+/g, '')).toBe(before['(columns)']);

    const reopened = await openWorkspace(url);
    await reopened.spottingRuns.save({ clipId: clip.id, createdBy: 'ana', appVersion: '0.28.0', configKey: 'k7', settings: {}, models: [], report: { intervals: [] }, curve: new Float32Array(18_000).fill(0.25) });
    expect((await reopened.spottingRuns.latest(clip.id))?.curve.every((v) => v === 0.25)).toBe(true);
    await reopened.close();
  });

  it('two workstations opening an old workspace at once migrate it once (the advisory lock)', async () => {
    const { name, url } = await server.createDatabase();
    const v1 = await connectWorkspace(url, MIGRATIONS.slice(0, 1), true);
    await v1.pool.end();
    const opened = await Promise.all([openWorkspace(url), openWorkspace(url), openWorkspace(url)]);
    for (const ws of opened) expect((await ws.info()).schemaVersion).toBe(SCHEMA_VERSION);
    await Promise.all(opened.map((ws) => ws.close()));
    expect(await server.sql('SELECT schema_version FROM mellm_meta', [], name)).toEqual([{ schema_version: SCHEMA_VERSION }]);
  });

  it('keeps the audit trails append-only in the database itself', async () => {
    const { name, url } = await server.createDatabase();
    const ws = await createWorkspace(url);
    const clip = await ws.clips.add({ path: '/m/a', kind: 'video', fps: 30, frames: 10, width: 2, height: 2 });
    const event = await ws.events.create({ clipId: clip.id, onset: 0, offset: 5 });
    await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '12' });
    await ws.events.delete(event.id, 'ana');
    await ws.close();
    for (const statement of ["UPDATE annotation_events SET snapshot = '{}'", 'DELETE FROM annotation_events', 'TRUNCATE annotation_events', "UPDATE deletions SET action = 'restore'", 'DELETE FROM deletions']) {
      await expect(server.sql(statement, [], name)).rejects.toThrow(/is append-only/);
    }
  });
});

describe('postgres workspace: two workstations at once', () => {
  it('of two saves from the same version one lands and the other is refused with who and when; two first saves make one label', async () => {
    const { url } = await server.createSchema();
    const a = await createWorkspace(url);
    const b = await openWorkspace(url);
    try {
      const clip = await a.clips.add({ path: '/m/a', kind: 'video', fps: 30, frames: 10, width: 2, height: 2 });
      const event = await a.events.create({ clipId: clip.id, onset: 0, offset: 5 });
      // Both start a label nobody has saved yet.
      const first = await Promise.allSettled([a.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1' }), b.annotations.save({ eventId: event.id, annotator: 'ana', aus: '2' })]);
      expect(first.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = first.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'EDIT_CONFLICT', detail: { baseVersion: null, changedBy: 'ana', theirs: { version: 1 } } });
      // Both edit version 1.
      const both = await Promise.allSettled([
        a.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1+2', baseVersion: 1 }),
        b.annotations.save({ eventId: event.id, annotator: 'ana', aus: '4', description: 'brows', baseVersion: 1 }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const landed = (both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ version: number; updatedAt: string }>).value;
      const refusedSave = (both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as AppError;
      expect(refusedSave.code).toBe('EDIT_CONFLICT');
      expect(refusedSave.detail).toMatchObject({ baseVersion: 1, changedBy: 'ana', changedAt: landed.updatedAt, theirs: { version: 2 } });
      expect((await a.annotations.history((await a.annotations.get(event.id, "ana"))!.id)).map((h) => h.version)).toEqual([1, 2]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a row another workstation keeps locked is BUSY after the lock timeout, and nothing of the refused save lands', async () => {
    const { url } = await server.createSchema();
    const ws = await createWorkspace(url);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      const clip = await ws.clips.add({ path: '/m/a', kind: 'video', fps: 30, frames: 10, width: 2, height: 2 });
      const event = await ws.events.create({ clipId: clip.id, onset: 0, offset: 5 });
      const label = await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '1' });
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM annotations WHERE id = $1 FOR UPDATE', [label.id]);
      await refused(() => ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '2', baseVersion: 1 }), 'BUSY', /busy with another workstation/);
      await holder.query('ROLLBACK');
      expect(await ws.annotations.byId(label.id)).toEqual(label);
      expect(await ws.annotations.history(label.id)).toHaveLength(1);
      expect((await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: '2', baseVersion: 1 })).version).toBe(2);
    } finally {
      await holder.end();
      await ws.close();
    }
  });
});

describe('postgres workspace: URLs and credentials', () => {
  function tcpOrFail(): NonNullable<TestPostgres['tcp']> {
    if (!server.tcp) throw new Error('These tests need a server that asks for passwords over TCP: unset MELLM_TEST_PG (a cluster is started here) or set it to postgresql://user:password@127.0.0.1:port/db');
    return server.tcp;
  }

  it('redacts the password of a URL, in the user part or the query, and leaves file paths alone', () => {
    expect(redactLocation('postgres://ana:s3cr%40t@db.lab:5432/corpus?sslmode=verify-full&sslrootcert=/etc/ca.pem')).toBe('postgres://ana@db.lab:5432/corpus?sslmode=verify-full&sslrootcert=/etc/ca.pem');
    expect(redactLocation('postgresql://db.lab/corpus?user=ana&password=hunter2&sslmode=require')).toBe('postgresql://db.lab/corpus?user=ana&sslmode=require');
    expect(redactLocation('postgresql://ana@db.lab/corpus')).toBe('postgresql://ana@db.lab/corpus');
    expect(redactLocation('POSTGRESQL://a:b@h/d?password=x')).toBe('POSTGRESQL://a@h/d');
    expect(redactLocation('/home/ana/corpus:x@y.mellm')).toBe('/home/ana/corpus:x@y.mellm');
    // A URL is taken as it is (the CLI's --workspace); a path is made absolute.
    expect(normalizeLocation(' postgresql://ana@db.lab/corpus ')).toBe('postgresql://ana@db.lab/corpus');
    expect(normalizeLocation('corpus.mellm')).toBe(join(process.cwd(), 'corpus.mellm'));
  });

  /** A login role with a password, allowed to build a workspace in a fresh database. */
  async function passwordRole() {
    const tcp = tcpOrFail();
    const { name } = await server.createDatabase();
    const secret = `Pw-${Math.random().toString(36).slice(2)}-x`;
    const role = `coder_${Math.random().toString(36).slice(2, 8)}`;
    await server.sql(`CREATE ROLE ${role} LOGIN PASSWORD '${secret}'`);
    await server.sql(`GRANT ALL ON SCHEMA public TO ${role}`, [], name);
    const base = `postgresql://${role}@${tcp.host}:${tcp.port}/${name}`;
    return { tcp, name, secret, role, base, withPassword: `postgresql://${role}:${encodeURIComponent(secret)}@${tcp.host}:${tcp.port}/${name}` };
  }

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('the CLI creates, describes and checks a server workspace by URL, printing no password', async () => {
    const { secret, base, withPassword, role, tcp, name } = await passwordRole();
    const created = await cli('workspace', 'create', withPassword);
    expect(created).toMatchObject({ code: 0, out: `created ${base}`, err: '' });
    const info = await cli('workspace', 'info', withPassword);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(new RegExp(`^workspace  ${base.replace(/[.?]/g, '\\$&')}\nschema     v${SCHEMA_VERSION} \\(PostgreSQL \\d+`));
    const doctor = await cli('doctor', '--workspace', withPassword, '--json');
    expect(JSON.parse(doctor.out).postgres).toEqual({ location: base, version: expect.stringMatching(/^PostgreSQL \d+/), error: null });
    const wrong = await cli('workspace', 'info', `postgresql://${role}:wrong${secret}@${tcp.host}:${tcp.port}/${name}`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/refused the login/);
    const unreachable = await cli('doctor', '--workspace', `postgresql://${role}:wrong${secret}@${tcp.host}:${tcp.port}/${name}`, '--json');
    expect(unreachable.code).toBe(1);
    expect(JSON.parse(unreachable.out).postgres).toMatchObject({ version: null, error: expect.stringMatching(/refused the login/) });
    for (const run of [created, info, doctor, wrong, unreachable]) expect(run.out + run.err).not.toContain(secret);
  });

  it('connects with a password in the URL but never keeps it: not in the location, the info, the recent list or an error', async () => {
    const { tcp, name, secret, role, base, withPassword: bare } = await passwordRole();
    const withPassword = `${bare}?sslmode=disable`;

    const userData = mkdtempSync(join(tmpdir(), 'mellm-pg-recent-'));
    try {
      const service = new WorkspaceService(userData);
      const info = await service.create(withPassword);
      expect(info.path).toBe(`${base}?sslmode=disable`);
      expect(service.current?.location).toBe(`${base}?sslmode=disable`);
      expect(JSON.stringify(await service.recent())).not.toContain(secret);
      expect(readFileSync(service.recentList.path, 'utf8')).not.toContain(secret);
      expect((await service.recent())[0]?.path).toBe(`${base}?sslmode=disable`);
      // Opening the same workspace again (with or without the password) is the one already open.
      const current = service.current;
      expect((await service.open(withPassword)).path).toBe(info.path);
      expect((await service.open(`${base}?sslmode=disable`)).path).toBe(info.path);
      expect(service.current).toBe(current);
      await service.close();

      // A wrong password is refused as such, without echoing it.
      const wrong = await refused(() => openWorkspace(`postgresql://${role}:not-${secret}@${tcp.host}:${tcp.port}/${name}`), 'UNAUTHORIZED', /refused the login/);
      expect(wrong.message).not.toContain(secret);
      expect(JSON.stringify(wrong.toJSON())).not.toContain(secret);
      // A failure after connecting names the workspace by its redacted URL.
      const missing = await refused(() => openWorkspace(`postgresql://${role}:${secret}@${tcp.host}:${tcp.port}/${name}_gone`), 'NOT_FOUND', /No such database/);
      expect(missing.message).toContain(`postgresql://${role}@${tcp.host}:${tcp.port}/${name}_gone`);
      expect(missing.message).not.toContain(secret);

      // The password from the environment (PGPASSWORD), as pg reads it, opens the URL without one.
      const saved = process.env.PGPASSWORD;
      process.env.PGPASSWORD = secret;
      try {
        const fromEnv = await openWorkspace(base);
        expect(fromEnv.location).toBe(base);
        await fromEnv.close();
      } finally {
        if (saved === undefined) delete process.env.PGPASSWORD;
        else process.env.PGPASSWORD = saved;
      }
      await refused(() => openWorkspace(base), 'UNAUTHORIZED', /refused the login|password/);

      // The password from a pgpass file (~/.pgpass; PGPASSFILE names another), mode 0600.
      const pgpass = join(userData, 'pgpass');
      writeFileSync(pgpass, `${tcp.host}:${tcp.port}:${name}:${role}:${secret}\n`, { mode: 0o600 });
      const savedFile = process.env.PGPASSFILE;
      process.env.PGPASSFILE = pgpass;
      try {
        const fromFile = await openWorkspace(base);
        expect(fromFile.location).toBe(base);
        await fromFile.close();
      } finally {
        if (savedFile === undefined) delete process.env.PGPASSFILE;
        else process.env.PGPASSFILE = savedFile;
      }
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });

  it('passes TLS options through to the connection (a missing sslrootcert file is named, nothing else)', async () => {
    const { url } = await server.createDatabase();
    const separator = url.includes('?') ? '&' : '?';
    await refused(() => openWorkspace(`${url}${separator}sslmode=verify-full&sslrootcert=/nonexistent/ca.pem`), 'INVALID_INPUT', /Cannot read \/nonexistent\/ca\.pem, named in the workspace URL/);
  });
});

describe('postgres workspace: at 100,000 events', () => {
  it('lists, queues and snapshots them in a fixed number of statements (no query per row)', async () => {
    const { url, database, schema } = await server.createSchema();
    const ws = await createWorkspace(url);
    try {
      // 100 clips × 1,000 events, each with one submitted label: seeded in SQL, as a big study would hold them.
      await server.sql(
        `SET search_path = ${schema};
         INSERT INTO clips (path, kind, fps, frames, width, height, subject) SELECT '/m/' || i, 'video', 30, 100000, 8, 8, 's' || (i % 7) FROM generate_series(1, 100) i;
         INSERT INTO events (clip_id, onset, "offset", source) SELECT c.id, j * 10, j * 10 + 5, 'dataset' FROM clips c, generate_series(0, 999) j;
         INSERT INTO annotators (name, role) VALUES ('ana', 'annotator');
         INSERT INTO annotations (event_id, annotator_id, aus, status, provenance, version) SELECT e.id, a.id, '12', 'submitted', 'manual', 1 FROM events e, annotators a;
         ANALYZE;`,
        [],
        database,
      );
      const statements = vi.spyOn(pg.Client.prototype, 'query');
      const count = async <T>(read: () => Promise<T>): Promise<[T, number]> => {
        statements.mockClear();
        const value = await read();
        return [value, statements.mock.calls.length];
      };
      try {
        const [info, infoCalls] = await count(() => ws.info());
        expect(info.counts).toMatchObject({ clips: 100, events: 100_000, annotations: 100_000 });
        const [queue, queueCalls] = await count(() => ws.reviews.queue(50, 0));
        expect(queue).toHaveLength(50);
        const [worklist, worklistCalls] = await count(() => ws.reviews.worklist('ana'));
        expect(worklist).toHaveLength(100_000);
        expect(worklist.every((row) => row.status === 'submitted')).toBe(true);
        const [events, listCalls] = await count(() => ws.events.listForClip(queue[0]!.clipId));
        expect(events).toHaveLength(1000);
        const [snapshot, snapshotCalls] = await count(() => ws.corpus.snapshot());
        expect(snapshot.rows).toHaveLength(100_000);
        // One statement per read; the snapshot's six reads between BEGIN and COMMIT.
        expect({ infoCalls, queueCalls, worklistCalls, listCalls, snapshotCalls }).toEqual({ infoCalls: 1, queueCalls: 1, worklistCalls: 1, listCalls: 1, snapshotCalls: 8 });
      } finally {
        statements.mockRestore();
      }
    } finally {
      await ws.close();
    }
  });
});
