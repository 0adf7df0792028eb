/**
 * The open recording's latest whole-recording spotting run, read when the clip opens and
 * again when an analysis of this clip was stored (`workspace.changed`), whichever event
 * is selected: the queue, the set-aside list and the curve come from it, and a run that
 * offered nothing still says so after a reopen. It is read again when the settings change,
 * since whether the run is current depends on them.
 */
import { useEffect, useRef, useState } from 'react';
import { analysisApi, type SpottingRunView } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { useSettings } from './settings';
import { useWorkspaceChanges } from './workspace-changes';

export interface StoredSpottingRun {
  /** Null until read, or when the clip was never spotted whole. */
  readonly run: SpottingRunView | null;
  /** The read finished (with a run or without one). */
  readonly loaded: boolean;
  readonly error: string | null;
}

const NONE: StoredSpottingRun = { run: null, loaded: false, error: null };

/** `clipId` null (a clip outside the workspace) reads nothing. The caller is keyed by clip. */
export function useSpottingRun(clipId: number | null): StoredSpottingRun {
  const [state, setState] = useState<StoredSpottingRun>(NONE);
  // A read that failed (the clip deleted while open) is tried again on the next change to
  // the workspace, so an undone deletion clears its error.
  const failed = useRef(false);
  const revision = useWorkspaceChanges(
    (change) => (change.cause === 'analysis' && change.clipId === clipId) || (failed.current && (change.clipId === undefined || change.clipId === clipId)),
  );
  const { settings } = useSettings();
  useEffect(() => {
    if (clipId === null) return;
    let live = true;
    analysisApi.spottingRun(clipId).then(
      (run) => {
        failed.current = false;
        if (live) setState({ run, loaded: true, error: null });
      },
      (failure: unknown) => {
        failed.current = true;
        if (live) setState({ run: null, loaded: true, error: errorMessage(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [clipId, revision, settings]);
  return state;
}
