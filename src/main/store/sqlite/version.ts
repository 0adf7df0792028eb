import { openDatabase } from './driver';

/** The SQLite library linked into better-sqlite3 (checked by `mellm doctor`). */
export function sqliteVersion(): string {
  const db = openDatabase(':memory:');
  try {
    return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}
