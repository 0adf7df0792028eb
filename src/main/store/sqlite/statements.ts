import type Database from 'better-sqlite3';

/** Prepares each SQL text once per connection: preparing costs more than running small statements. */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** What every repository of a workspace connection starts from: the connection and its statement cache. */
export abstract class SqliteRepo {
  protected readonly sql: (sql: string) => Database.Statement;

  constructor(protected readonly db: Database.Database) {
    this.sql = statementCache(db);
  }
}
