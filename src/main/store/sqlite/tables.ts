import type Database from 'better-sqlite3';
import type { TableAccess } from '../table-access';
import type { TableRow, WorkspaceTable } from '../tables';
import type { SqliteWorkspace } from './connection';

const quote = (name: string) => `"${name}"`;

/** Row access to an open workspace file (its lock held for as long as this is open). */
export class SqliteTables implements TableAccess {
  readonly dialect = 'sqlite';
  readonly #db: Database.Database;

  constructor(readonly workspace: SqliteWorkspace) {
    this.#db = workspace.db;
  }

  async page(table: WorkspaceTable, after: TableRow | null, limit: number): Promise<TableRow[]> {
    const columns = table.columns.map((c) => quote(c.name)).join(', ');
    const key = table.key.map(quote).join(', ');
    const where = after ? `WHERE (${key}) > (${table.key.map(() => '?').join(', ')})` : '';
    const rows = this.#db
      .prepare(`SELECT ${columns} FROM ${quote(table.name)} ${where} ORDER BY ${key} LIMIT ?`)
      .all(...(after ? table.key.map((k) => after[k]) : []), limit) as TableRow[];
    for (const row of rows) {
      for (const { name, type } of table.columns) {
        const value = row[name];
        if (type === 'blob' && value instanceof Buffer) row[name] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      }
    }
    return rows;
  }

  async count(table: WorkspaceTable): Promise<number> {
    return (this.#db.prepare(`SELECT count(*) AS n FROM ${quote(table.name)}`).get() as { n: number }).n;
  }

  async insert(table: WorkspaceTable, rows: readonly TableRow[]): Promise<void> {
    const statement = this.#db.prepare(
      `INSERT INTO ${quote(table.name)} (${table.columns.map((c) => quote(c.name)).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
    );
    for (const row of rows) {
      statement.run(
        ...table.columns.map(({ name, type }) => {
          const value = row[name] ?? null;
          return type === 'blob' && value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
        }),
      );
    }
  }

  async begin(mode: 'read' | 'write'): Promise<void> {
    // A read transaction holds one snapshot of the file (WAL) for the whole copy.
    this.#db.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    if (mode === 'read') this.#db.prepare('SELECT count(*) FROM sqlite_master').get();
  }

  async afterInsert(): Promise<void> {
    // INTEGER PRIMARY KEY takes max(id) + 1 by itself.
  }

  async commit(): Promise<void> {
    this.#db.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
  }

  async close(): Promise<void> {
    this.workspace.close();
  }
}
