import type { TableRow, WorkspaceTable } from './tables';

/**
 * Row-level access to a workspace's tables, below the repositories: what `workspace
 * copy` reads and writes so that ids, timestamps and the append-only trails arrive as
 * they are (the repositories would assign new ones). One per dialect.
 */
export interface TableAccess {
  readonly dialect: 'sqlite' | 'postgres';
  /** Up to `limit` rows after the row `after` (its key), in key order. */
  page(table: WorkspaceTable, after: TableRow | null, limit: number): Promise<TableRow[]>;
  count(table: WorkspaceTable): Promise<number>;
  /** Inserts rows as they are, ids included. */
  insert(table: WorkspaceTable, rows: readonly TableRow[]): Promise<void>;
  /** Starts the one transaction: a consistent snapshot to read, or all-or-nothing writes. */
  begin(mode: 'read' | 'write'): Promise<void>;
  /** Moves generated ids past the copied ones, so the next new row does not collide. */
  afterInsert(tables: readonly WorkspaceTable[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}
