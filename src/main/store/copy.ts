import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { TableHash } from './canonical';
import { createWorkspace, openWorkspace } from './index';
import { PostgresTables } from './postgres/tables';
import { createSqliteWorkspace, openSqliteWorkspace } from './sqlite/connection';
import { SqliteTables } from './sqlite/tables';
import type { TableAccess } from './table-access';
import { WORKSPACE_TABLES, type TableRow, type WorkspaceTable } from './tables';

/** Rows read and written per step: bounds memory whatever the workspace's size. */
const PAGE = 1000;

export interface CopyProgress {
  readonly table: string;
  readonly copied: number;
  readonly total: number;
}

export interface CopiedTable {
  readonly table: string;
  readonly rows: number;
  /** SHA-256 of the table's canonical dump, equal on both sides (checked before the copy commits). */
  readonly sha256: string;
}

export interface CopyReport {
  readonly from: string;
  readonly to: string;
  readonly tables: readonly CopiedTable[];
}

export const isServerLocation = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** A location as it may be shown: a server URL without its password. */
export function displayLocation(location: string): string {
  if (!isServerLocation(location)) return resolve(location);
  try {
    const url = new URL(location);
    if (url.password) url.password = '';
    return url.toString().replace(/:@/, '@');
  } catch {
    return 'a PostgreSQL URL';
  }
}

/**
 * Copies a workspace to an empty one, SQLite or PostgreSQL either way: every table row by
 * row with its ids, timestamps and trails, in one transaction on the target; before it
 * commits, each table is read back and its canonical hash compared with the source's,
 * so a copy that would differ is rolled back and nothing is left half-written.
 */
export async function copyWorkspace(from: string, to: string, onProgress?: (progress: CopyProgress) => void): Promise<CopyReport> {
  if (displayLocation(from) === displayLocation(to)) throw new AppError('INVALID_INPUT', 'The source and the target of a copy are the same workspace');
  const source = await openSource(from);
  try {
    const target = await openTarget(to);
    try {
      await source.begin('read');
      await target.begin('write');
      try {
        const nonEmpty: string[] = [];
        for (const table of WORKSPACE_TABLES) if ((await target.count(table)) > 0) nonEmpty.push(table.name);
        if (nonEmpty.length) {
          throw new AppError('INVALID_INPUT', `The target workspace ${displayLocation(to)} is not empty (${nonEmpty.join(', ')}); copy into a new file or an empty database`);
        }
        const tables: CopiedTable[] = [];
        for (const table of WORKSPACE_TABLES) tables.push(await copyTable(source, target, table, onProgress));
        await target.afterInsert(WORKSPACE_TABLES);
        for (const copied of tables) {
          const table = WORKSPACE_TABLES.find((t) => t.name === copied.table) as WorkspaceTable;
          const written = await hashTable(target, table);
          if (written.sha256 !== copied.sha256 || written.rows !== copied.rows) {
            throw new AppError('INTERNAL', `The copy of ${table.name} differs from its source (${written.rows} of ${copied.rows} rows, hash ${written.sha256.slice(0, 12)} ≠ ${copied.sha256.slice(0, 12)}); nothing was written`);
          }
        }
        await target.commit();
        return { from: displayLocation(from), to: displayLocation(to), tables };
      } catch (error) {
        await target.rollback();
        throw error;
      } finally {
        await source.rollback();
      }
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function copyTable(source: TableAccess, target: TableAccess, table: WorkspaceTable, onProgress?: (progress: CopyProgress) => void): Promise<CopiedTable> {
  const total = await source.count(table);
  const hash = new TableHash(table);
  onProgress?.({ table: table.name, copied: 0, total });
  let after: TableRow | null = null;
  for (;;) {
    const rows = await source.page(table, after, PAGE);
    if (!rows.length) break;
    for (const row of rows) hash.add(row);
    await target.insert(table, rows);
    after = rows[rows.length - 1] as TableRow;
    onProgress?.({ table: table.name, copied: hash.rows, total });
    if (rows.length < PAGE) break;
  }
  return { table: table.name, rows: hash.rows, sha256: hash.digest() };
}

/** The canonical hash of one table as `access` sees it (within its open transaction). */
export async function hashTable(access: TableAccess, table: WorkspaceTable): Promise<{ rows: number; sha256: string }> {
  const hash = new TableHash(table);
  let after: TableRow | null = null;
  for (;;) {
    const rows = await access.page(table, after, PAGE);
    for (const row of rows) hash.add(row);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1] as TableRow;
  }
  return { rows: hash.rows, sha256: hash.digest() };
}

/** Every table's canonical hash: what a copy must keep equal. */
export async function hashWorkspace(location: string): Promise<Record<string, { rows: number; sha256: string }>> {
  const access = await openSource(location);
  try {
    await access.begin('read');
    const hashes: Record<string, { rows: number; sha256: string }> = {};
    for (const table of WORKSPACE_TABLES) hashes[table.name] = await hashTable(access, table);
    await access.rollback();
    return hashes;
  } finally {
    await access.close();
  }
}

/** The source, migrated to the current schema first (so both sides have the same tables). */
async function openSource(location: string): Promise<TableAccess> {
  if (!isServerLocation(location)) return new SqliteTables(openSqliteWorkspace(location));
  await (await openWorkspace(location)).close();
  return PostgresTables.connect(location);
}

/** The target: a new file, an empty workspace file, an empty database (given its schema here) or an empty workspace there. */
async function openTarget(location: string): Promise<TableAccess> {
  if (!isServerLocation(location)) {
    return new SqliteTables(existsSync(resolve(location)) ? openSqliteWorkspace(location) : createSqliteWorkspace(location));
  }
  const tables = await PostgresTables.connect(location);
  try {
    await (await ((await tables.hasSchema()) ? openWorkspace(location) : createWorkspace(location))).close();
  } catch (error) {
    await tables.close();
    throw error;
  }
  return tables;
}
