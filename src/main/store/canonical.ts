import { createHash } from 'node:crypto';
import { AppError } from '@shared/errors';
import type { TableRow, WorkspaceTable } from './tables';

/**
 * The canonical dump of a table: one JSON array per row, the columns in the catalog's
 * order, each value in one spelling whatever the dialect gave back (an integer as a
 * number, a blob as hex, a flag as 0 or 1), rows in key order. Two workspaces hold the
 * same table exactly when the SHA-256 of these lines is equal.
 */
export function canonicalRow(table: WorkspaceTable, row: TableRow): string {
  return JSON.stringify(
    table.columns.map(({ name, type }) => {
      const value = row[name];
      if (value === null || value === undefined) return null;
      switch (type) {
        case 'blob':
          if (!(value instanceof Uint8Array)) throw mismatch(table, name, value);
          return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
        case 'text':
          if (typeof value !== 'string') throw mismatch(table, name, value);
          return value;
        case 'flag':
          return value ? 1 : 0;
        default:
          if (typeof value !== 'number' || !Number.isFinite(value) || (type === 'int' && !Number.isSafeInteger(value))) throw mismatch(table, name, value);
          return value;
      }
    }),
  );
}

function mismatch(table: WorkspaceTable, column: string, value: unknown): AppError {
  return new AppError('INTERNAL', `${table.name}.${column} holds ${typeof value} where the catalog expects another kind of value`);
}

/** Hashes a table's canonical dump as its rows stream by (in key order). */
export class TableHash {
  readonly #hash = createHash('sha256');
  rows = 0;

  constructor(readonly table: WorkspaceTable) {}

  add(row: TableRow): void {
    this.#hash.update(canonicalRow(this.table, row));
    this.#hash.update('\n');
    this.rows++;
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}
