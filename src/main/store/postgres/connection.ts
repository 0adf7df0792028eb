import pg from 'pg';
import { AppError } from '@shared/errors';
import { redactLocation } from '../location';
import { APPLICATION_ID, MIGRATIONS, type Migration } from '../migrations';
import { pgAppError } from './errors';
import { inTransaction, type ClientSql } from './session';

/** The oldest server whose SQL the migrations use (identity columns, EXECUTE FUNCTION). */
const MIN_SERVER_VERSION = 110000;
const INT8_OID = 20;
const LOCK_TIMEOUT_MS = 5000;

/** int8 (ids, counts, epoch ms) as a JS number: exact below 2^53, refused above rather than rounded. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new AppError('INTERNAL', `A stored integer (${text}) is too large for this app`);
  return value;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format))) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A pool of connections to the workspace's database. The URL goes to pg as it is (its
 * TLS options with it; PGPASSWORD and ~/.pgpass supply a password it lacks); only
 * `location`, the URL without its password, is kept anywhere else.
 */
export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
    application_name: 'mellm',
    types,
  });
  // A row another workstation holds longer than this is BUSY, as SQLite's busy_timeout. Set
  // per connection rather than as a startup option, which a URL's own `options` would replace.
  pool.on('connect', (client) => {
    client.query(`SET lock_timeout = ${LOCK_TIMEOUT_MS}`).catch(() => undefined);
  });
  // An idle connection the server dropped is reported by the next query that needs one; it must not end the process.
  pool.on('error', () => undefined);
  return pool;
}

interface Meta {
  application_id: number;
  schema_version: number;
}

/**
 * Checks the database and brings its schema up to date, in one transaction under an
 * advisory lock: two workstations opening at once migrate one after the other, the
 * second finding the work done. `create` wants an empty database; opening wants a
 * workspace. A foreign or newer database is refused before anything is written.
 */
export async function prepareDatabase(pool: pg.Pool, location: string, migrations: readonly Migration[], create: boolean): Promise<void> {
  await inTransaction(pool, location, 'BEGIN', async (sql) => {
    const version = Number((await sql.one<{ v: string }>("SELECT current_setting('server_version_num') AS v"))!.v);
    if (!Number.isFinite(version) || version < MIN_SERVER_VERSION) throw new AppError('WORKSPACE_INVALID', `${location}: PostgreSQL ${Math.floor(version / 10000)} is too old; a workspace needs PostgreSQL 11 or newer`);
    await sql.run('SELECT pg_advisory_xact_lock($1)', [APPLICATION_ID]);
    const meta = await readMeta(sql);
    if (meta && meta.application_id !== APPLICATION_ID) throw new AppError('WORKSPACE_INVALID', `${location} is a PostgreSQL database but not a MELLM workspace`);
    if (meta && create) throw new AppError('WORKSPACE_INVALID', `${location} already holds a workspace; open it instead of creating it`);
    if (meta && meta.schema_version > migrations.length) {
      throw new AppError(
        'WORKSPACE_INVALID',
        `${location} was written by a newer MELLM Workstation (schema ${meta.schema_version}, this version understands up to ${migrations.length}); update the app to open it`,
      );
    }
    if (!meta) {
      const tables = (await sql.one<{ n: number }>('SELECT count(*)::integer AS n FROM pg_tables WHERE schemaname = current_schema()'))!.n;
      if (tables > 0) throw new AppError('WORKSPACE_INVALID', `${location} is a PostgreSQL database but not a MELLM workspace (its schema holds other tables)`);
      if (!create) throw new AppError('WORKSPACE_INVALID', `${location} holds no workspace yet: create one there first`);
      await sql.run(
        `CREATE TABLE mellm_meta (
           singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
           application_id INTEGER NOT NULL,
           schema_version INTEGER NOT NULL CHECK (schema_version >= 0)
         )`,
      );
      await sql.run('INSERT INTO mellm_meta (application_id, schema_version) VALUES ($1, 0)', [APPLICATION_ID]);
    }
    for (let step = meta?.schema_version ?? 0; step < migrations.length; step++) {
      await sql.run(migrations[step]!.postgres);
      await sql.run('UPDATE mellm_meta SET schema_version = $1', [step + 1]);
    }
  });
}

async function readMeta(sql: ClientSql): Promise<Meta | null> {
  const exists = await sql.one<{ found: boolean }>("SELECT to_regclass('mellm_meta') IS NOT NULL AS found");
  if (!exists?.found) return null;
  const row = await sql.one<Meta>('SELECT application_id, schema_version FROM mellm_meta');
  return row ?? { application_id: 0, schema_version: 0 };
}

/** Opens a pool and prepares the database; the pool is closed again when that fails. */
export async function connectWorkspace(url: string, migrations: readonly Migration[] = MIGRATIONS, create = false): Promise<{ pool: pg.Pool; location: string }> {
  const location = redactLocation(url);
  let pool: pg.Pool;
  try {
    pool = createPool(url);
  } catch (error) {
    throw pgAppError(error, location);
  }
  try {
    await prepareDatabase(pool, location, migrations, create);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw pgAppError(error, location);
  }
  return { pool, location };
}
