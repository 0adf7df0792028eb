import type { WorkspaceStore } from './interface';
import type { Migration } from './migrations';
import { createSqliteStore, openSqliteStore } from './sqlite/store';

export type * from './interface';

/** Creates a new, empty workspace (a SQLite file, mode 0600); refuses to overwrite anything. */
export function createWorkspace(location: string): Promise<WorkspaceStore> {
  return createSqliteStore(location);
}

/**
 * Opens an existing workspace, migrating it forward; refuses foreign and newer files.
 * `migrations` is the schema history (tests pass a longer one to exercise upgrades).
 */
export function openWorkspace(location: string, migrations?: readonly Migration[]): Promise<WorkspaceStore> {
  return openSqliteStore(location, migrations);
}
