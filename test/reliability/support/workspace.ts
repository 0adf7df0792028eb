import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { createWorkspace } from '../../../src/main/store';

/** A workspace with one sequence clip and `events` ME events, closed again. */
export async function seedWorkspace(path: string, events = 4): Promise<void> {
  const ws = await createWorkspace(path);
  try {
    const clip = await ws.clips.add({ path: '/data/sub01/EP01', kind: 'sequence', fps: 200, frames: Math.max(100, events * 10 + 10), width: 640, height: 480 });
    await ws.transaction(async (tx) => {
      for (let i = 0; i < events; i++) await tx.events.create({ clipId: clip.id, onset: i * 10, apex: i * 10 + 2, offset: i * 10 + 5 });
    });
  } finally {
    await ws.close();
  }
}

/**
 * Row counts and a SHA-256 over every row of every table, read through a read-only
 * connection: two equal fingerprints mean nothing was added, removed or changed.
 */
export function fingerprint(db: Database.Database, options: { except?: readonly string[] } = {}): { counts: Record<string, number>; hash: string } {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => !options.except?.includes(name));
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
    counts[table] = rows.length;
    hash.update(table).update(JSON.stringify(rows));
  }
  return { counts, hash: hash.digest('hex') };
}

export function fingerprintFile(path: string, options: { except?: readonly string[] } = {}): { counts: Record<string, number>; hash: string } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return fingerprint(db, options);
  } finally {
    db.close();
  }
}
