import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startTestPostgres, withDatabase, type TestPostgres } from './postgres';

const root = resolve(import.meta.dirname, '..', '..');
/** Every test person's password (throw-away servers only). */
const PERSON_PASSWORD = 'mellm-team-test';

export interface TeamServer {
  readonly server: TestPostgres;
  /** The workspace database's URL for a login role (socket, the cluster's trust auth: who one is, not how one proved it). */
  url(user: string): string;
  /** A person: a login role granted `annotator` or `reviewer`. */
  addPerson(name: string, role: 'annotator' | 'reviewer'): Promise<string>;
  /** A direct connection as `user` (psql would do the same), for queries outside the app. */
  connect(user: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

/**
 * A team workspace on a throw-away server, set up the way docs/postgres-team.md says:
 * scripts/postgres-setup.sh (roles, database, schema through the built CLI, policies).
 */
export async function startTeamServer(prefix = 'mellm_team'): Promise<TeamServer> {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error('The team set-up runs the built CLI: run `npm run build` first');
  const server = await startTestPostgres();
  // A name of its own: under MELLM_TEST_PG several suites share one server.
  const database = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const setup = spawnSync(join(root, 'scripts', 'postgres-setup.sh'), [server.adminUrl, database], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PATH: withoutMellm() } });
  if (setup.status !== 0) {
    await server.stop();
    throw new Error(`scripts/postgres-setup.sh failed (${setup.status}): ${setup.stderr}${setup.stdout}`);
  }
  const adminUrl = withDatabase(server.adminUrl, database);
  const admin = new URL(adminUrl);
  const adminUser = admin.searchParams.get('user') ?? decodeURIComponent(admin.username);
  const url = (user: string) => {
    if (user === adminUser) return adminUrl;
    const u = new URL(adminUrl);
    if (u.searchParams.has('user')) u.searchParams.set('user', user);
    else u.username = encodeURIComponent(user);
    // Over TCP (a shared MELLM_TEST_PG server) people log in with a password; our own cluster's socket trusts them.
    if (u.host) u.password = PERSON_PASSWORD;
    return u.toString();
  };
  return {
    server,
    url,
    async addPerson(name, role) {
      // Roles belong to the whole server: another suite on a shared one may have made this person already.
      await server.sql(`DO $$ BEGIN CREATE ROLE "${name}" LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await server.sql(`ALTER ROLE "${name}" PASSWORD '${PERSON_PASSWORD}'`);
      await server.sql(`GRANT ${role} TO "${name}"`);
      return url(name);
    },
    async connect(user) {
      const client = new pg.Client({ connectionString: url(user) });
      await client.connect();
      return client;
    },
    async stop() {
      await server.sql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
      await server.stop();
    },
  };
}

/** PATH without an installed `mellm`, so the set-up script runs this checkout's build. */
function withoutMellm(): string {
  return (process.env.PATH ?? '').split(':').filter((dir) => !existsSync(join(dir, 'mellm'))).join(':');
}
