import type { Sql } from './session';

/** What every repository starts from: the statements of its session (the pool, or a transaction's client). */
export abstract class PgRepo {
  constructor(protected readonly sql: Sql) {}
}
