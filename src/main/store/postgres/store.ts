import type pg from 'pg';
import type { WorkspaceInfo } from '@shared/workspace';
import type { WorkspaceRepos, WorkspaceStore } from '../interface';
import { MIGRATIONS, type Migration } from '../migrations';
import { PgAnalysesRepo } from './analyses';
import { PgAnnotationsRepo } from './annotations';
import { PgAnnotatorsRepo } from './annotators';
import { PgClaimsRepo } from './claims';
import { PgClipsRepo } from './clips';
import { connectWorkspace } from './connection';
import { PgCorpusRepo } from './corpus';
import { PgEventsRepo } from './events';
import { PgFrameMotionRepo } from './frame-motion';
import { actingAs, readIdentity, type PgIdentity } from './identity';
import { PgReviewsRepo } from './reviews';
import { PgSpottingRunsRepo } from './spotting-runs';
import { inTransaction, PoolSql, type Sql } from './session';

function repos(sql: Sql): WorkspaceRepos {
  return {
    clips: new PgClipsRepo(sql),
    events: new PgEventsRepo(sql),
    analyses: new PgAnalysesRepo(sql),
    annotators: new PgAnnotatorsRepo(sql),
    annotations: new PgAnnotationsRepo(sql),
    reviews: new PgReviewsRepo(sql),
    frameMotion: new PgFrameMotionRepo(sql),
    claims: new PgClaimsRepo(sql),
    corpus: new PgCorpusRepo(sql),
    spottingRuns: new PgSpottingRunsRepo(sql),
  };
}

/**
 * The store's promise to its callers (the same as SQLite's): a call made while this
 * store's `transaction` is open waits until it has ended, and transactions run one at a
 * time. Other workstations are the server's business (row locks, isolation).
 */
class Gate {
  #open: Promise<void> | null = null;

  async run<T>(call: () => Promise<T>): Promise<T> {
    while (this.#open) await this.#open;
    return call();
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#open) await this.#open;
    let release!: () => void;
    this.#open = new Promise((resolve) => (release = resolve));
    try {
      return await work();
    } finally {
      this.#open = null;
      release();
    }
  }
}

/** Every method of each repository, made to wait for the gate first. */
function gated(all: WorkspaceRepos, gate: Gate): WorkspaceRepos {
  const wrap = <T extends object>(repo: T): T => {
    const wrapped: Record<string, unknown> = {};
    let proto: object | null = Object.getPrototypeOf(repo) as object;
    while (proto && proto !== Object.prototype) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const method = (repo as Record<string, unknown>)[name];
        if (name === 'constructor' || name in wrapped || typeof method !== 'function') continue;
        wrapped[name] = (...args: unknown[]) => gate.run(() => (method as (...a: unknown[]) => Promise<unknown>).apply(repo, args));
      }
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    return wrapped as T;
  };
  return Object.fromEntries(Object.entries(all).map(([name, repo]) => [name, wrap(repo as object)])) as unknown as WorkspaceRepos;
}

/** A workspace in a PostgreSQL database, behind the async store interface. */
export class PostgresStore implements WorkspaceStore {
  readonly dialect = 'postgres';
  readonly clips!: WorkspaceRepos['clips'];
  readonly events!: WorkspaceRepos['events'];
  readonly analyses!: WorkspaceRepos['analyses'];
  readonly annotators!: WorkspaceRepos['annotators'];
  readonly annotations!: WorkspaceRepos['annotations'];
  readonly reviews!: WorkspaceRepos['reviews'];
  readonly frameMotion!: WorkspaceRepos['frameMotion'];
  readonly claims!: WorkspaceRepos['claims'];
  readonly corpus!: WorkspaceRepos['corpus'];
  readonly spottingRuns!: WorkspaceRepos['spottingRuns'];
  readonly #pool: pg.Pool;
  readonly #sql: PoolSql;
  readonly #gate = new Gate();
  readonly #identity: PgIdentity | null;
  #open = true;

  /** `location` is the URL without its password; `identity` the team role the connection logged in as (identity.ts). */
  constructor(
    pool: pg.Pool,
    readonly location: string,
    identity: PgIdentity | null = null,
  ) {
    this.#pool = pool;
    this.#sql = new PoolSql(location, pool);
    this.#identity = identity;
    Object.assign(this, gated(actingAs(repos(this.#sql), identity), this.#gate));
  }

  get actingRole(): string | null {
    return this.#identity?.name ?? null;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  transaction<T>(work: (tx: WorkspaceRepos) => Promise<T>): Promise<T> {
    return this.#gate.exclusive(() => inTransaction(this.#pool, this.location, 'BEGIN', (sql) => work(actingAs(repos(sql), this.#identity))));
  }

  info(): Promise<WorkspaceInfo> {
    return this.#gate.run(async () => {
      const row = (await this.#sql.one<{ schema: number; server: string; clips: number; events: number; annotations: number; analyses: number; reviews: number }>(
        `SELECT (SELECT schema_version FROM mellm_meta) AS schema, current_setting('server_version') AS server,
           (SELECT count(*)::integer FROM clips c WHERE c.deleted_at IS NULL) AS clips,
           (SELECT count(*)::integer FROM events e JOIN clips c ON c.id = e.clip_id WHERE e.deleted_at IS NULL AND c.deleted_at IS NULL) AS events,
           (SELECT count(*)::integer FROM annotations) AS annotations,
           (SELECT count(*)::integer FROM analyses) AS analyses,
           (SELECT count(*)::integer FROM reviews) AS reviews`,
      ))!;
      return {
        path: this.location,
        schemaVersion: row.schema,
        sqliteVersion: '',
        serverVersion: `PostgreSQL ${row.server}`,
        identity: this.#identity ? 'database-role' : 'settings',
        actingAs: this.#identity?.name ?? null,
        counts: { clips: row.clips, events: row.events, annotations: row.annotations, analyses: row.analyses, reviews: row.reviews },
      };
    });
  }

  /** A server database cannot be deleted from under an open file handle: there is nothing to check here. */
  assertPresent(): void {}

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#gate.run(() => this.#pool.end());
  }
}

export async function createPostgresStore(url: string): Promise<PostgresStore> {
  const { pool, location } = await connectWorkspace(url, MIGRATIONS, true);
  return new PostgresStore(pool, location, await identityOrClose(pool, location));
}

/** `migrations` is the schema history (tests pass a longer one to exercise upgrades). */
export async function openPostgresStore(url: string, migrations: readonly Migration[] = MIGRATIONS): Promise<PostgresStore> {
  const { pool, location } = await connectWorkspace(url, migrations, false);
  return new PostgresStore(pool, location, await identityOrClose(pool, location));
}

async function identityOrClose(pool: pg.Pool, location: string): Promise<PgIdentity | null> {
  try {
    return await readIdentity(pool, location);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
