import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startTestPostgres, withDatabase, type TestPostgres } from './postgres';

const root = resolve(import.meta.dirname, '..', '..');

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
export async function startTeamServer(database = 'mellm_team'): Promise<TeamServer> {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error('The team set-up runs the built CLI: run `npm run build` first');
  const server = await startTestPostgres();
  const setup = spawnSync(join(root, 'scripts', 'postgres-setup.sh'), [server.adminUrl, database], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PATH: withoutMellm() } });
  if (setup.status !== 0) {
    await server.stop();
    throw new Error(`scripts/postgres-setup.sh failed (${setup.status}): ${setup.stderr}${setup.stdout}`);
  }
  const adminUrl = withDatabase(server.adminUrl, database);
  const url = (user: string) => adminUrl.replace(/([?&])user=[^&]*/, `$1user=${encodeURIComponent(user)}`);
  return {
    server,
    url,
    async addPerson(name, role) {
      await server.sql(`CREATE ROLE "${name}" LOGIN IN ROLE ${role}`);
      return url(name);
    },
    async connect(user) {
      const client = new pg.Client({ connectionString: url(user) });
      await client.connect();
      return client;
    },
    stop: () => server.stop(),
  };
}

/** PATH without an installed `mellm`, so the set-up script runs this checkout's build. */
function withoutMellm(): string {
  return (process.env.PATH ?? '').split(':').filter((dir) => !existsSync(join(dir, 'mellm'))).join(':');
}
