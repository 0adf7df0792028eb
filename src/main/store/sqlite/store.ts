import type { WorkspaceInfo } from '@shared/workspace';
import type { Sync, WorkspaceRepos, WorkspaceStore } from '../interface';
import { MIGRATIONS, type Migration } from '../migrations';
import { createSqliteWorkspace, openSqliteWorkspace, type SqliteWorkspace } from './connection';

const REPOS = ['clips', 'events', 'analyses', 'annotators', 'annotations', 'reviews', 'frameMotion', 'claims', 'corpus', 'spottingRuns'] as const;

/**
 * Serialises access to the one better-sqlite3 connection around async transactions. A
 * plain call runs synchronously at once, unless a transaction is open: it spans awaits,
 * so other calls must not slip into it and wait for it to end instead.
 */
class Gate {
  #open: Promise<void> | null = null;

  async run<T>(call: () => T): Promise<T> {
    while (this.#open) await this.#open;
    return call();
  }

  async transaction<T>(ws: SqliteWorkspace, work: () => Promise<T>): Promise<T> {
    while (this.#open) await this.#open;
    let release!: () => void;
    this.#open = new Promise((resolve) => (release = resolve));
    try {
      ws.db.exec('BEGIN IMMEDIATE');
      try {
        const value = await work();
        ws.db.exec('COMMIT');
        return value;
      } catch (error) {
        if (ws.db.inTransaction) ws.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.#open = null;
      release();
    }
  }
}

/** Every method of a synchronous repository as an async one, run through `call`. */
function lift<T extends object>(repo: Sync<T>, call: <R>(run: () => R) => Promise<R>): T {
  const lifted: Record<string, unknown> = {};
  let proto: object | null = Object.getPrototypeOf(repo) as object;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (repo as Record<string, unknown>)[name];
      if (name === 'constructor' || name in lifted || typeof method !== 'function') continue;
      lifted[name] = (...args: unknown[]) => call(() => (method as (...a: unknown[]) => unknown).apply(repo, args));
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return lifted as T;
}

function liftAll(ws: SqliteWorkspace, call: <R>(run: () => R) => Promise<R>): WorkspaceRepos {
  return Object.fromEntries(REPOS.map((name) => [name, lift(ws[name] as Sync<object>, call)])) as unknown as WorkspaceRepos;
}

/** A workspace file behind the async store interface. */
export class SqliteStore implements WorkspaceStore {
  readonly dialect = 'sqlite';
  /** One person's file: the name in Settings is who labels. */
  readonly actingRole = null;
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
  readonly #ws: SqliteWorkspace;
  readonly #gate = new Gate();
  /** Repositories for work inside a transaction: they bypass the gate the transaction holds. */
  readonly #inTransaction: WorkspaceRepos;

  constructor(ws: SqliteWorkspace) {
    this.#ws = ws;
    Object.assign(this, liftAll(ws, (run) => this.#gate.run(run)));
    this.#inTransaction = liftAll(ws, async (run) => run());
  }

  get location(): string {
    return this.#ws.path;
  }

  get isOpen(): boolean {
    return this.#ws.isOpen;
  }

  transaction<T>(work: (tx: WorkspaceRepos) => Promise<T>): Promise<T> {
    return this.#gate.transaction(this.#ws, () => work(this.#inTransaction));
  }

  info(): Promise<WorkspaceInfo> {
    return this.#gate.run(() => this.#ws.info());
  }

  assertPresent(): void {
    this.#ws.assertPresent();
  }

  async close(): Promise<void> {
    await this.#gate.run(() => this.#ws.close());
  }
}

export async function createSqliteStore(path: string): Promise<SqliteStore> {
  return new SqliteStore(createSqliteWorkspace(path));
}

/** `migrations` is the schema history (tests pass a longer one to exercise upgrades). */
export async function openSqliteStore(path: string, migrations: readonly Migration[] = MIGRATIONS): Promise<SqliteStore> {
  return new SqliteStore(openSqliteWorkspace(path, migrations));
}
