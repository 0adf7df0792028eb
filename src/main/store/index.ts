import type { WorkspaceStore } from './interface';
import type { Migration } from './migrations';
import { isServerLocation } from './location';
import { createPostgresStore, openPostgresStore } from './postgres/store';
import { createSqliteStore, openSqliteStore } from './sqlite/store';

export type * from './interface';

/**
 * Creates a new, empty workspace: a SQLite file (mode 0600), or in the empty database a
 * `postgres://` / `postgresql://` URL names; refuses to overwrite anything.
 */
export function createWorkspace(location: string): Promise<WorkspaceStore> {
  if (isServerLocation(location)) return createPostgresStore(location.trim());
  return createSqliteStore(location);
}

/**
 * Opens an existing workspace (a file path or a server URL), migrating it forward;
 * refuses foreign and newer ones.
 * `migrations` is the schema history (tests pass a longer one to exercise upgrades).
 */
export function openWorkspace(location: string, migrations?: readonly Migration[]): Promise<WorkspaceStore> {
  if (isServerLocation(location)) return openPostgresStore(location.trim(), migrations);
  return openSqliteStore(location, migrations);
}
