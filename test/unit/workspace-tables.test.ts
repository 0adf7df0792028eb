import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/sqlite/driver';
import { createSqliteWorkspace } from '../../src/main/store/sqlite/connection';
import { WORKSPACE_TABLES } from '../../src/main/store/tables';
import { canonicalRow } from '../../src/main/store/canonical';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-tables-');

describe('the table catalog a workspace copy moves', () => {
  it('names every table and column the migrations build, with their primary keys, so a copy cannot leave one behind', () => {
    const path = join(tempDir(), 'w.mellm');
    createSqliteWorkspace(path).close();
    const db = openDatabase(path, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect([...WORKSPACE_TABLES.map((t) => t.name)].sort()).toEqual(tables);
      for (const table of WORKSPACE_TABLES) {
        const info = db.prepare(`PRAGMA table_info("${table.name}")`).all() as { name: string; type: string; pk: number }[];
        expect(table.columns.map((c) => c.name).sort(), table.name).toEqual(info.map((c) => c.name).sort());
        expect(table.key, table.name).toEqual(info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name));
        for (const column of table.columns) {
          const declared = info.find((c) => c.name === column.name)?.type ?? '';
          const expected = { int: 'INTEGER', flag: 'INTEGER', real: 'REAL', text: 'TEXT', blob: 'BLOB' }[column.type];
          expect(declared, `${table.name}.${column.name}`).toBe(expected);
        }
      }
    } finally {
      db.close();
    }
  });

  it('spells a row one way whatever the driver returned (a blob as hex, a flag as 0/1) and refuses a value of the wrong kind', () => {
    const claims = WORKSPACE_TABLES.find((t) => t.name === 'job_claims');
    const annotations = WORKSPACE_TABLES.find((t) => t.name === 'annotations');
    if (!claims || !annotations) throw new Error('catalog incomplete');
    const row = { key: 'k', owner: 'o', state: 'done', attempts: 1, lease_until: 0, error: null, checkpoint: new Uint8Array([1, 255]) };
    expect(canonicalRow(claims, row)).toBe('["k","o","done",1,0,null,"01ff"]');
    expect(canonicalRow(claims, { ...row, checkpoint: Buffer.from([1, 255]) })).toBe(canonicalRow(claims, row));
    expect(() => canonicalRow(claims, { ...row, attempts: '1' })).toThrow(/job_claims.attempts/);
    const label = Object.fromEntries(annotations.columns.map((c) => [c.name, c.type === 'text' ? '' : 1]));
    expect(canonicalRow(annotations, { ...label, locked: 1 })).not.toBe(canonicalRow(annotations, { ...label, locked: 0 }));
  });
});
