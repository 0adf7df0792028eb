/**
 * A real PostgreSQL for tests: throw-away databases on a server.
 *
 * - `MELLM_TEST_PG` set (a URL of a server the CI started, superuser): each call to
 *   `createDatabase` makes a fresh database there, dropped again by `stop`.
 * - Otherwise Debian's binaries (`/usr/lib/postgresql/<version>/bin/initdb`) start a
 *   cluster of our own in a temporary folder (as the `postgres` user when we are root):
 *   a Unix socket in that folder and 127.0.0.1 on a free port (password auth there, so
 *   credential handling is tested for real), fsync off. `stop` removes it all.
 * - Neither: the suite fails with how to install PostgreSQL. It never skips silently.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A superuser URL of the server's maintenance database (no password in it when it is our own cluster). */
  readonly adminUrl: string;
  /**
   * A TCP listener that asks for passwords (scram): our own cluster's, or MELLM_TEST_PG's
   * when that is a TCP URL with a password in it; null otherwise (credential tests then fail, saying so).
   */
  readonly tcp: { readonly host: string; readonly port: number; readonly superuser: string; readonly password: string } | null;
  /** A new empty database; its URL connects as the superuser. */
  createDatabase(prefix?: string): Promise<{ readonly name: string; readonly url: string }>;
  /**
   * A new empty schema in this suite's own database (made on first use), its URL putting
   * it first on the search_path: an empty workspace per test without a database's cost.
   */
  createSchema(): Promise<{ readonly database: string; readonly schema: string; readonly url: string }>;
  /** Runs SQL as the superuser in `database` (default: the maintenance database). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], database?: string): Promise<R[]>;
  /** Drops the databases made here; stops and removes our own cluster. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL is needed for these tests: install Debian’s server (`apt-get install postgresql`, which provides /usr/lib/postgresql/<version>/bin/initdb), or set MELLM_TEST_PG to the URL of a server to create throw-away databases in';

/** `url` with its database (path) replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const match = /^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/.exec(url);
  if (!match) throw new Error(`Not a PostgreSQL URL: ${url}`);
  return `${match[1]}/${encodeURIComponent(database)}${match[3] ?? ''}`;
}

function check(result: SpawnSyncReturns<string>, what: string): void {
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr || result.stdout}`);
  }
}

/** The newest Debian PostgreSQL bin folder, or null. */
function debianBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a server binary as the cluster's owner: `postgres` when we are root (the server refuses root). */
function asOwner(bin: string, args: string[]): SpawnSyncReturns<string> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
}

async function startCluster(bin: string): Promise<{ adminUrl: string; tcp: NonNullable<TestPostgres['tcp']>; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-pg-'));
  if (isRoot()) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (isRoot()) spawnSync('chown', ['postgres:postgres', pwfile]);
  check(asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']), 'initdb');
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  const stop = () => {
    asOwner(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
    rmSync(dir, { recursive: true, force: true });
  };
  const started = asOwner(join(bin, 'pg_ctl'), ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
  if (started.error || started.status !== 0) {
    stop();
    check(started, 'pg_ctl start');
  }
  return { adminUrl: `postgresql:///postgres?host=${dir}&port=${port}&user=postgres`, tcp: { host: '127.0.0.1', port, superuser: 'postgres', password }, stop };
}

/** Host, port, user and password of a TCP URL with a password (what the credential tests need); null for others. */
function tcpOf(url: string): TestPostgres['tcp'] {
  const match = /^postgres(?:ql)?:\/\/([^:@/]+):([^@/]+)@([^:/?]+):(\d+)/.exec(url);
  if (!match) return null;
  return { superuser: decodeURIComponent(match[1]!), password: decodeURIComponent(match[2]!), host: match[3]!, port: Number(match[4]) };
}

/** Starts (or connects to) a server for one test file; call `stop` in afterAll. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.MELLM_TEST_PG;
  let adminUrl: string;
  let tcp: TestPostgres['tcp'];
  let stopCluster: (() => void) | null = null;
  if (given) {
    adminUrl = given;
    tcp = tcpOf(given);
  } else {
    const bin = debianBin();
    if (!bin) throw new Error(INSTALL_HINT);
    const cluster = await startCluster(bin);
    ({ adminUrl, tcp } = cluster);
    stopCluster = cluster.stop;
    // A crashed test run must not leave a server behind.
    process.once('exit', cluster.stop);
  }
  const created: string[] = [];
  const createDatabase = async (prefix = 'mellm_test') => {
    const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await sql(`CREATE DATABASE "${name}"`);
    created.push(name);
    return { name, url: withDatabase(adminUrl, name) };
  };
  let suiteDatabase: Promise<{ name: string; url: string }> | null = null;
  let schemas = 0;
  const sql = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = [], database?: string): Promise<R[]> => {
    const client = new pg.Client({ connectionString: database ? withDatabase(adminUrl, database) : adminUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    tcp,
    sql,
    createDatabase,
    async createSchema() {
      suiteDatabase ??= createDatabase('mellm_suite');
      const { name, url } = await suiteDatabase;
      const schema = `ws_${++schemas}`;
      await sql(`CREATE SCHEMA ${schema}`, [], name);
      return { database: name, schema, url: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    },
    async stop() {
      if (stopCluster) {
        process.removeListener('exit', stopCluster);
        stopCluster();
        return;
      }
      const names = created.splice(0);
      if (!names.length) return;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
