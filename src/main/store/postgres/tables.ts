import pg from 'pg';
import { AppError } from '@shared/errors';
import type { TableAccess } from '../table-access';
import type { TableRow, WorkspaceTable } from '../tables';

const quote = (name: string) => `"${name}"`;
/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const INSERT_BATCH = 500;

/**
 * Row access to a PostgreSQL workspace over one connection of its own. Values are read
 * back into the catalog's kinds whatever column types the schema chose (a BIGINT arrives
 * as text from the driver, a BOOLEAN flag as true/false, a TIMESTAMPTZ as a Date), so a
 * row reads the same from either dialect.
 */
export class PostgresTables implements TableAccess {
  readonly dialect = 'postgres';
  readonly #client: pg.Client;
  readonly #types = new Map<string, Map<string, string>>();

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async connect(url: string): Promise<PostgresTables> {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (error) {
      throw new AppError('WORKSPACE_INVALID', `Cannot connect to the PostgreSQL workspace: ${(error as Error).message}`, { cause: error });
    }
    return new PostgresTables(client);
  }

  /** Whether the database already holds a MELLM schema. */
  async hasSchema(): Promise<boolean> {
    const { rows } = await this.#client.query<{ found: string | null }>("SELECT to_regclass('mellm_meta')::text AS found");
    return rows[0]?.found != null;
  }

  async #columnTypes(table: WorkspaceTable): Promise<Map<string, string>> {
    let types = this.#types.get(table.name);
    if (!types) {
      const { rows } = await this.#client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table.name],
      );
      types = new Map(rows.map((r) => [r.column_name, r.data_type]));
      const missing = table.columns.filter((c) => !types?.has(c.name)).map((c) => c.name);
      if (missing.length) throw new AppError('WORKSPACE_INVALID', `The PostgreSQL workspace's ${table.name} has no ${missing.join(', ')} column`);
      this.#types.set(table.name, types);
    }
    return types;
  }

  async page(table: WorkspaceTable, after: TableRow | null, limit: number): Promise<TableRow[]> {
    const types = await this.#columnTypes(table);
    const key = table.key.map(quote).join(', ');
    const where = after ? `WHERE (${key}) > (${table.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const params = after ? table.key.map((k) => after[k]) : [];
    const { rows } = await this.#client.query<Record<string, unknown>>(
      `SELECT ${table.columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table.name)} ${where} ORDER BY ${key} LIMIT $${params.length + 1}`,
      [...params.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v)), limit],
    );
    return rows.map((row) => {
      const out: TableRow = {};
      for (const { name, type } of table.columns) out[name] = fromPostgres(row[name], type, types.get(name) ?? 'text');
      return out;
    });
  }

  async count(table: WorkspaceTable): Promise<number> {
    const { rows } = await this.#client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
    return Number(rows[0]?.n ?? 0);
  }

  async insert(table: WorkspaceTable, rows: readonly TableRow[]): Promise<void> {
    const types = await this.#columnTypes(table);
    const names = table.columns.map((c) => quote(c.name)).join(', ');
    // OVERRIDING SYSTEM VALUE: the copied ids are kept even where the id is GENERATED ALWAYS.
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const batch = rows.slice(start, start + INSERT_BATCH);
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const slots = table.columns.map(({ name, type }) => {
          params.push(toPostgres(row[name] ?? null, type, types.get(name) ?? 'text'));
          return `$${params.length}`;
        });
        return `(${slots.join(', ')})`;
      });
      await this.#client.query(`INSERT INTO ${quote(table.name)} (${names}) OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`, params);
    }
  }

  async begin(mode: 'read' | 'write'): Promise<void> {
    await this.#client.query(mode === 'read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    if (mode === 'write') {
      // Nobody else writes the tables while they fill: a concurrent save would land between
      // the emptiness check and the copy.
      await this.#client.query(`LOCK TABLE ${(await this.#tableNames()).join(', ')} IN EXCLUSIVE MODE`);
    }
  }

  async #tableNames(): Promise<string[]> {
    const { rows } = await this.#client.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'mellm_meta'`,
    );
    return rows.map((r) => r.name);
  }

  async afterInsert(tables: readonly WorkspaceTable[]): Promise<void> {
    for (const table of tables.filter((t) => t.serial)) {
      await this.#client.query(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT max(id) FROM ${quote(table.name)}), 1), (SELECT max(id) FROM ${quote(table.name)}) IS NOT NULL)`,
        [table.name],
      );
    }
  }

  async commit(): Promise<void> {
    await this.#client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.#client.query('ROLLBACK');
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}

function fromPostgres(value: unknown, type: WorkspaceTable['columns'][number]['type'], pgType: string): TableRow[string] {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (type === 'int' || type === 'real' || type === 'flag') return Number(value);
  if (pgType === 'json' || pgType === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value);
  return value as string;
}

function toPostgres(value: TableRow[string], type: WorkspaceTable['columns'][number]['type'], pgType: string): unknown {
  if (value === null) return null;
  if (pgType === 'boolean') return value === 1;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (type === 'int' && typeof value === 'number') return String(value);
  return value;
}
