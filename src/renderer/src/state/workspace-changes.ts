/**
 * Main's `workspace.changed` notifications as a React hook: a number that grows with each
 * change the filter accepts, to put in an effect's dependencies so what a view read from
 * the workspace is read again when another window or a background analysis changed it.
 */
import { useEffect, useState } from 'react';
import type { WorkspaceChanged } from '@shared/api/events';
import { api } from '../api/client';

/** `accept` is read once, on mount: a component keyed by what it filters on stays correct. */
export function useWorkspaceChanges(accept: (change: WorkspaceChanged) => boolean = () => true): number {
  const [revision, setRevision] = useState(0);
  const [filter] = useState(() => accept);
  useEffect(() => api.on('workspace.changed', (change) => filter(change) && setRevision((r) => r + 1)), [filter]);
  return revision;
}
