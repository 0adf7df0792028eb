import type pg from 'pg';
import { pgAppError } from './errors';

/**
 * How a repository talks to the server. Outside a transaction each read takes any pooled
 * connection and each write runs as `BEGIN … COMMIT` on one pooled client (ROLLBACK on
 * any error). Inside `WorkspaceStore.transaction` everything runs on that transaction's
 * client, and a repository's own write is a savepoint in it, so a refused call the caller
 * lets through undoes only its own part (as better-sqlite3's nested transactions do).
 */
export interface Sql {
  rows<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  one<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** Rows as arrays, in column order. */
  arrays<R extends unknown[]>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; the number of rows it touched. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `work` as one write transaction (or a savepoint of the open one). */
  write<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs `work` on one consistent snapshot (read-only). */
  snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

abstract class BaseSql implements Sql {
  constructor(
    protected readonly location: string,
    private readonly target: Queryable,
  ) {}

  protected async query(text: string, params: readonly unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    try {
      return await this.target.query({ text, values: params as unknown[], ...(rowMode ? { rowMode } : {}) });
    } catch (error) {
      throw pgAppError(error, this.location);
    }
  }

  async rows<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.query(text, params)).rows as R[];
  }

  async one<R>(text: string, params?: readonly unknown[]): Promise<R | undefined> {
    return (await this.query(text, params)).rows[0] as R | undefined;
  }

  async arrays<R extends unknown[]>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.query(text, params, 'array')).rows as R[];
  }

  async run(text: string, params?: readonly unknown[]): Promise<number> {
    return (await this.query(text, params)).rowCount ?? 0;
  }

  abstract write<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  abstract snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

/** Statements on a transaction's client. */
export class ClientSql extends BaseSql {
  #savepoints = 0;

  constructor(location: string, client: pg.PoolClient) {
    super(location, client);
  }

  async write<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const name = `mellm_${++this.#savepoints}`;
    await this.run(`SAVEPOINT ${name}`);
    try {
      const value = await work(this);
      await this.run(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (error) {
      await this.run(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }
}

/** Statements on the pool; writes and snapshots check out one client for their transaction. */
export class PoolSql extends BaseSql {
  constructor(
    location: string,
    private readonly pool: pg.Pool,
  ) {
    super(location, pool);
  }

  write<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, this.location, 'BEGIN', work);
  }

  snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, this.location, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }
}

/** `begin` … COMMIT on one pooled client; ROLLBACK on any error; a client whose rollback failed is discarded. */
export async function inTransaction<T>(pool: pg.Pool, location: string, begin: string, work: (sql: ClientSql) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw pgAppError(error, location);
  }
  const sql = new ClientSql(location, client);
  let broken: Error | undefined;
  try {
    await sql.run(begin);
    try {
      const value = await work(sql);
      await sql.run('COMMIT');
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollback) {
        broken = rollback as Error;
      }
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
