/**
 * The ME events of the open clip and the selected one: loads them from the workspace,
 * loads each event's annotation (for this annotator) and analysis into the EditSession
 * on first selection, and creates an event when a marker is placed on a clip without one.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { MeEvent } from '@shared/workspace';
import { analysisApi, type AnalysisView } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import { EMPTY_DRAFT, type Label3 } from './annotation';
import type { EditSession } from './edit-session';
import { NO_MARKERS, placeMarker, type MarkerKind, type Markers } from './markers';
import type { OpenClip } from './session';

export interface ClipEvents {
  readonly events: readonly MeEvent[];
  readonly selected: number | null;
  select(id: number): void;
  readonly markers: Markers;
  /** O / A / F: place a marker at `frame` on the selected event (creating one if none). */
  place(kind: MarkerKind, frame: number): void;
  drag(kind: MarkerKind, frame: number, done: boolean): void;
  newEvent(frame: number): void;
  readonly analysis: AnalysisView | null;
  reloadAnalysis(): void;
  /** False when the clip is not in a workspace: markers are then local only. */
  readonly persistent: boolean;
  /** True once the clip's events were listed (or listing failed). */
  readonly loaded: boolean;
  readonly error: string | null;
}

export function useClipEvents(clip: OpenClip | null, edits: EditSession, annotator: string): ClipEvents {
  const [events, setEvents] = useState<MeEvent[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [localMarkers, setLocalMarkers] = useState<Markers>(NO_MARKERS);
  const [analysis, setAnalysis] = useState<AnalysisView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const stored = clip?.stored ?? null;
  const persistent = stored !== null;
  useSyncExternalStore(
    (listener) => edits.subscribe(listener),
    () => edits.revision,
  );

  const loadEvent = useCallback(
    async (event: MeEvent) => {
      if (!edits.isLoaded(event.id)) {
        const annotation = annotator ? await workspaceApi.getAnnotation(event.id, annotator) : null;
        edits.load(event.id, {
          draft: annotation
            ? { aus: annotation.aus, emotion: annotation.emotion, label3: annotation.label3 as Label3 | null, description: annotation.description }
            : EMPTY_DRAFT,
          provenance: annotation?.provenance ?? 'manual',
          version: annotation?.version ?? null,
          markers: { onset: event.onset, apex: event.apex, offset: event.offset },
          locked: annotation?.locked ?? false,
        });
      }
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
        },
        (failure: unknown) => setError(errorMessage(failure)),
      );
    },
    [stored],
  );

  const newEvent = useCallback((frame: number) => createAt(placeMarker(NO_MARKERS, 'onset', frame)), [createAt]);

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
