/**
 * The acting annotator's counts beside the Corpus button: to do, submitted, changes
 * requested. Read again when the view changes, a lifecycle step happened or the
 * workspace changed (an analysis spotted events, another window wrote).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { worklistCounts, type WorklistCounts } from '@shared/worklist';
import { workspaceApi } from '../api/workspace';
import { useSession } from '../state/session';
import { useWorkspaceChanges } from '../state/workspace-changes';

export function NavCounts() {
  const { t } = useTranslation();
  const { workspace, annotator, queue, view } = useSession();
  const revision = useSyncExternalStore((listener) => queue.subscribe(listener), () => queue.revision);
  const [counts, setCounts] = useState<WorklistCounts | null>(null);
  const changes = useWorkspaceChanges();

  useEffect(() => {
    if (!workspace) return;
    let live = true;
    workspaceApi.worklist().then((rows) => live && setCounts(worklistCounts(rows)), () => live && setCounts(null));
    return () => {
      live = false;
    };
  }, [workspace, annotator, revision, view, changes]);

  if (!workspace || !counts) return null;
  const label = t('queue.counts', { todo: counts.todo, submitted: counts.submitted, changesRequested: counts.changesRequested });
  return (
    <span className="nav-counts" data-testid="nav-counts" role="status" aria-label={label} title={label}>
      <span className="count todo" data-count="todo">{counts.todo}</span>
      <span className="count submitted" data-count="submitted">{counts.submitted}</span>
      <span className="count changes" data-count="changes_requested">{counts.changesRequested}</span>
    </span>
  );
}
