/**
 * The ME events of the open clip and the selected one: loads them from the workspace,
 * loads each event's annotation (for this annotator) and analysis into the EditSession
 * on first selection, and creates an event when a marker is placed on a clip without one
 * (an undo step: Ctrl+Z deletes it). Deleted events leave the list, restored ones return;
 * events an analysis of the clip spotted (here or in another window) join it.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { MeEvent } from '@shared/workspace';
import { analysisApi, type AnalysisView } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import { EMPTY_DRAFT, type Label3 } from './annotation';
import type { SessionDeletions } from './deletions';
import type { EditSession } from './edit-session';
import { NO_MARKERS, placeMarker, type MarkerKind, type Markers } from './markers';
import type { OpenClip } from './session';
import { useWorkspaceChanges } from './workspace-changes';

export interface ClipEvents {
  readonly events: readonly MeEvent[];
  readonly selected: number | null;
  select(id: number): void;
  readonly markers: Markers;
  /** O / A / F: place a marker at `frame` on the selected event (creating one if none). */
  place(kind: MarkerKind, frame: number): void;
  drag(kind: MarkerKind, frame: number, done: boolean): void;
  newEvent(frame: number): void;
  /** A new event on these markers (onset and offset needed), selected once created. */
  createEvent(markers: Markers): void;
  /** Deletes the selected event (undoable); resolves false when the store refused it. */
  deleteSelected(): Promise<boolean>;
  /** Deletes one of the clip's events (undoable), as deleteSelected does. */
  deleteEvent(event: MeEvent): Promise<boolean>;
  readonly analysis: AnalysisView | null;
  reloadAnalysis(): void;
  /** False when the clip is not in a workspace: markers are then local only. */
  readonly persistent: boolean;
  /** True once the clip's events were listed (or listing failed). */
  readonly loaded: boolean;
  readonly error: string | null;
}

export function useClipEvents(clip: OpenClip | null, edits: EditSession, annotator: string, deletions: SessionDeletions): ClipEvents {
  const [events, setEvents] = useState<MeEvent[]>([]);
  const [chosen, setSelected] = useState<number | null>(null);
  const [localMarkers, setLocalMarkers] = useState<Markers>(NO_MARKERS);
  const [analysis, setAnalysis] = useState<AnalysisView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const stored = clip?.stored ?? null;
  // The chosen event while it is listed, else the first one (the chosen one was deleted).
  const selected = chosen !== null && events.some((e) => e.id === chosen) ? chosen : (events[0]?.id ?? null);
  const persistent = stored !== null;
  useSyncExternalStore(
    (listener) => edits.subscribe(listener),
    () => edits.revision,
  );

  const loadEvent = useCallback(
    async (event: MeEvent) => {
      const revisit = edits.isLoaded(event.id);
      const annotation = annotator ? await workspaceApi.getAnnotation(event.id, annotator) : null;
      const label = {
        draft: annotation
          ? { aus: annotation.aus, emotion: annotation.emotion, label3: annotation.label3 as Label3 | null, description: annotation.description }
          : EMPTY_DRAFT,
        provenance: annotation?.provenance ?? 'manual',
        version: annotation?.version ?? null,
        locked: annotation?.locked ?? false,
        status: annotation?.status ?? null,
      };
      // Loaded before: the label may have moved on since (a review, another profile); markers stay as edited.
      if (revisit) edits.syncLabel(event.id, label);
      else edits.load(event.id, { ...label, markers: { onset: event.onset, apex: event.apex, offset: event.offset } });
      return analysisApi.get(event.id);
    },
    [edits, annotator],
  );

  // Mounted per clip (keyed by the caller), so state starts empty for each clip.
  useEffect(() => {
    if (!stored || !persistent) return;
    workspaceApi.listEvents(stored.id).then(
      (list) => {
        setEvents(list);
        const first = list.find((e) => e.id === clip?.event) ?? list[0];
        if (first) setSelected(first.id);
        setLoaded(true);
      },
      (failure: unknown) => {
        setError(errorMessage(failure));
        setLoaded(true);
      },
    );
    // The event to open on is read once per clip (the caller keys this hook by clip).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stored, persistent]);

  // An analysis of this clip stored its events (spotting a recording makes one per interval).
  const spotted = useWorkspaceChanges((change) => change.cause === 'analysis' && change.clipId === stored?.id);
  useEffect(() => {
    if (!stored || spotted === 0) return;
    let live = true;
    workspaceApi.listEvents(stored.id).then(
      (list) => live && setEvents(list),
      (failure: unknown) => live && setError(errorMessage(failure)),
    );
    return () => {
      live = false;
    };
  }, [stored, spotted]);

  // Deletions and their undo, from this view or another: keep the list and selection in step.
  useEffect(() => {
    if (!stored) return;
    return deletions.onChange(({ target, deleted }) => {
      if (target.kind === 'clip') {
        // The open clip itself: its events go with it and come back with it.
        if (target.clip.id !== stored.id) return;
        if (deleted) setEvents([]);
        else
          workspaceApi.listEvents(stored.id).then(
            (list) => {
              setError(null);
              setEvents(list);
            },
            (failure: unknown) => setError(errorMessage(failure)),
          );
        return;
      }
      const { event } = target;
      if (event.clipId !== stored.id) return;
      if (deleted) {
        // A deleted selection falls to the first event left (see `selected` above).
        setEvents((list) => list.filter((e) => e.id !== event.id));
      } else {
        setEvents((list) => [...list.filter((e) => e.id !== event.id), event].sort((a, b) => a.onset - b.onset || a.id - b.id));
        setSelected(event.id);
      }
    });
  }, [deletions, stored]);

  useEffect(() => {
    const event = events.find((e) => e.id === selected);
    if (event) loadEvent(event).then(setAnalysis, (failure: unknown) => setError(errorMessage(failure)));
  }, [selected, events, loadEvent]);

  const createAt = useCallback(
    (markers: Markers) => {
      if (!stored || markers.onset === null || markers.offset === null) return;
      workspaceApi.createEvent({ clipId: stored.id, onset: markers.onset, apex: markers.apex, offset: markers.offset, source: 'manual' }).then(
        (created) => {
          setEvents((list) => [...list, created].sort((a, b) => a.onset - b.onset));
          setSelected(created.id);
          deletions.created(created);
        },
        (failure: unknown) => setError(errorMessage(failure)),
      );
    },
    [stored, deletions],
  );

  const newEvent = useCallback((frame: number) => createAt(placeMarker(NO_MARKERS, 'onset', frame)), [createAt]);

  // Stable between renders, so the memoised side panels skip a frame step.
  const deleteEvent = useCallback((event: MeEvent) => deletions.delete({ kind: 'event', event }), [deletions]);
  const deleteSelected = useCallback(async () => {
    const event = events.find((e) => e.id === selected);
    return event ? deleteEvent(event) : false;
  }, [events, selected, deleteEvent]);

  const markers = selected !== null ? (edits.markers(selected) ?? NO_MARKERS) : persistent ? NO_MARKERS : localMarkers;

  const place = (kind: MarkerKind, frame: number) => {
    const next = placeMarker(markers, kind, frame);
    if (selected !== null) edits.setMarkers(selected, next, `markers.${kind}`);
    else if (persistent) createAt(next);
    else setLocalMarkers(next);
  };

  const drag = (kind: MarkerKind, frame: number, done: boolean) => {
    const next = placeMarker(markers, kind, frame);
    if (selected === null) setLocalMarkers(next);
    else if (done) edits.setMarkers(selected, next, `markers.${kind}`);
    else edits.previewMarkers(selected, next);
  };

  return {
    events,
    selected,
    select: setSelected,
    markers,
    place,
    drag,
    newEvent,
    createEvent: createAt,
    deleteSelected,
    deleteEvent,
    analysis,
    reloadAnalysis: () => {
      const event = events.find((e) => e.id === selected);
      if (event) analysisApi.get(event.id).then(setAnalysis, (failure: unknown) => setError(errorMessage(failure)));
    },
    persistent,
    loaded: loaded || !persistent,
    error,
  };
}
