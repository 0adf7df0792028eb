/**
 * Who "I" am in the renderer: whose labels load and save, whose worklist and counts show,
 * who decides in Review. On a team server it is the database role the connection logged
 * in as (the server records every write under it, whatever name the client sends); on a
 * file, Settings' annotator name (one person's file, nothing checks it).
 */
import type { WorkspaceInfo } from '@shared/workspace';

export interface Identity {
  /** Empty when a file workspace (or none) is open and Settings have no name yet. */
  readonly name: string;
  readonly source: WorkspaceInfo['identity'];
}

export function identityOf(workspace: Pick<WorkspaceInfo, 'identity' | 'actingAs'> | null, settingsName: string | undefined): Identity {
  if (workspace?.identity === 'database-role' && workspace.actingAs) return { name: workspace.actingAs, source: 'database-role' };
  return { name: settingsName ?? '', source: 'settings' };
}
