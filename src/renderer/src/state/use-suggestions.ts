/**
 * The suggestion workflow of the selected event: running its analysis (progress from
 * job.progress, description tokens from llm.token), and accepting / taking for edit /
 * rejecting suggested fields, with provenance computed from what was taken. A recording
 * without events is analysed whole: spotting finds its intervals and stores them as
 * events, which the clip's event list then reads.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { analysisApi, type AnalysisView, type SpottedFrames } from '../api/analysis';
import type { ExpressionClassView, RoiNote } from '../api/analysis-types';
import { errorMessage } from '../api/backend';
import { uiLanguage } from '../i18n';
import { api } from '../api/client';
import type { Job } from '@shared/api';
import { annotationProvenance, DRAFT_FIELDS, draftProvenance, EMPTY_DRAFT, type AnnotationDraft, type DraftField, type Provenance, type Suggestion } from './annotation';
import type { EditSession } from './edit-session';
import { NO_MARKERS, type Markers } from './markers';
import { acceptedFields, analysisStale, draftWithAll, offeredFields } from './suggestion-state';
import { analysisProgress } from './analysis-progress';

interface PerEvent {
  readonly eventId: number | null;
  readonly taken: ReadonlySet<DraftField>;
  readonly rejected: ReadonlySet<DraftField>;
}

export interface Suggestions {
  readonly suggestion: Suggestion | null;
  readonly draft: AnnotationDraft;
  readonly taken: ReadonlySet<DraftField>;
  readonly rejected: ReadonlySet<DraftField>;
  /** Suggested fields still on offer, and those of them accepted as suggested. */
  readonly offered: readonly DraftField[];
  readonly accepted: ReadonlySet<DraftField>;
  /** The analysis ran on other onset/apex/offset frames than the event has now. */
  readonly stale: boolean;
  readonly fieldProvenance: Record<DraftField, Provenance | null>;
  readonly running: boolean;
  readonly progress: string | null;
  /** The last analysis of this event (or recording) was cancelled from this window. */
  readonly cancelled: boolean;
  /** Cancels the running analysis (its job stops; nothing of it is stored). */
  cancel(): void;
  readonly streaming: string | null;
  readonly error: string | null;
  readonly describer: string | null;
  readonly flowModel: string | null;
  readonly spotted: SpottedFrames | null;
  /** The analysed expression's class by duration (null on analyses stored before classes). */
  readonly expressionClass: ExpressionClassView | null;
  /** Regions read beside an eyeglass rim or covered, as the analysis reported them. */
  readonly roiNotes: readonly RoiNote[];
  /** What Analyse analyses: the selected event, the whole recording (no event yet), or nothing. */
  readonly scope: 'event' | 'recording' | null;
  /** A whole-recording analysis finished without offering any interval (just now, or as stored for the clip). */
  readonly nothingSpotted: boolean;
  /** The recording has a stored whole-recording run: Analyse runs it again. */
  readonly recordingSpotted: boolean;
  run(): void;
  /** Takes the analysis's spotted onset/apex/offset as the event's markers (one undo step). */
  useSpotted(): void;
  /** The spotted frames would change the event's markers: only then is taking them offered. */
  readonly spottedDiffers: boolean;
  change<K extends DraftField>(field: K, value: AnnotationDraft[K], typing?: boolean): void;
  accept(field: DraftField, label: string): void;
  /** Every offered field at once (one undo step). */
  acceptAll(): void;
  reject(field: DraftField): void;
}

/** The open clip as a whole-recording analysis needs it: its id, whether it has events yet, and its stored run. */
export interface RecordingTarget {
  readonly clipId: number;
  readonly hasEvents: boolean;
  /** The intervals its stored whole-recording run offered; null without a stored run. */
  readonly runOffered: number | null;
}

export function useSuggestions(edits: EditSession, selected: number | null, analysis: AnalysisView | null, reload: () => void, markers: Markers = NO_MARKERS, recording: RecordingTarget | null = null): Suggestions {
  const { t } = useTranslation();
  const [perEvent, setPerEvent] = useState<PerEvent>({ eventId: selected, taken: new Set(), rejected: new Set() });
  const [job, setJob] = useState<{ id: string; llm: string | null; progress: string | null; whole: boolean } | null>(null);
  // Set when a whole-recording run finished; cleared by the next run. Whether it offered anything is read from the events.
  const [recordingDone, setRecordingDone] = useState(false);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const reloadRef = useRef(reload);
  useEffect(() => {
    reloadRef.current = reload;
  });

  // Taken/rejected belong to one event: reset while rendering when the selection changes.
  if (perEvent.eventId !== selected) setPerEvent({ eventId: selected, taken: new Set(), rejected: new Set() });

  // An analysis started before this view opened (the user left and came back) is followed again.
  const clipId = recording?.clipId ?? null;
  useEffect(() => {
    if (job || (selected === null && clipId === null)) return;
    let live = true;
    api.call('jobs.list', {}).then(
      (jobs) => {
        const found = jobToFollow(jobs, selected, clipId);
        if (!live || !found) return;
        setCancelled(false);
        setJob({ id: found.jobId, llm: null, progress: found.total > 0 ? analysisProgress(t, found) : null, whole: found.subject?.eventId === null });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
    // Looked for when the view opens on an event or recording, not on every progress tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, clipId]);

  useEffect(() => {
    if (!job) return;
    const finish = (finished: Job) => {
      setJob(null);
      setStreaming(null);
      if (finished.state === 'failed') setError(finished.error?.message ?? finished.message ?? t('suggest.failed'));
      if (finished.state === 'cancelled') setCancelled(true);
      if (finished.state === 'done') reloadRef.current();
      if (finished.state === 'done' && job.whole) setRecordingDone(true);
    };
    const offProgress = api.on('job.progress', (progress) => {
      if (progress.jobId !== job.id || progress.total <= 0) return;
      // The worker names its stage (face, spotting, apex, expression): show it beside the count.
      setJob((current) => current && { ...current, progress: analysisProgress(t, progress) });
    });
    // The result is stored when the job finishes (progress can reach total before that).
    const offFinished = api.on('job.finished', (finished) => {
      if (finished.jobId === job.id) finish(finished);
    });
    // A job that ended before this listened (a short one, or one found in the list) is read from the list.
    let live = true;
    api.call('jobs.list', {}).then(
      (jobs) => {
        const ended = jobs.find((j) => j.jobId === job.id && j.finishedAt !== null);
        if (live && ended) finish(ended);
      },
      () => undefined,
    );
    const offTokens = analysisApi.onToken((token) => {
      if (token.requestId === (job.llm ?? job.id)) setStreaming((text) => (text ?? '') + token.delta);
    });
    return () => {
      live = false;
      offProgress();
      offFinished();
      offTokens();
    };
    // Re-subscribed per job, not per progress line (progress is kept in the same state).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.id, t]);

  // Stable between edits, so panels that take these props can skip frame-step renders.
  const draft = selected !== null ? edits.draft(selected) : EMPTY_DRAFT;
  const storedProvenance = selected !== null ? edits.provenance(selected) : 'manual';
  const suggestion = analysis?.suggestion ?? null;

  return useMemo((): Suggestions => {
    // A stored non-manual annotation was started from the suggestion.
    const taken = storedProvenance !== 'manual' ? new Set<DraftField>(DRAFT_FIELDS) : perEvent.taken;
    const provenanceWith = (next: AnnotationDraft, fields: ReadonlySet<DraftField>) =>
      annotationProvenance(Object.values(draftProvenance(next, suggestion, fields)));
    return {
      suggestion,
      draft,
      taken,
      rejected: perEvent.rejected,
      offered: offeredFields(suggestion, perEvent.rejected),
      accepted: acceptedFields(suggestion, draft, taken, perEvent.rejected),
      stale: analysisStale(analysis?.spotted, markers),
      fieldProvenance: draftProvenance(draft, suggestion, taken),
      running: job !== null,
      progress: job?.progress ?? null,
      cancelled,
      cancel: () => {
        if (job) analysisApi.cancel(job.id).catch((failure: unknown) => setError(errorMessage(failure)));
      },
      streaming,
      error,
      describer: analysis?.describer ?? null,
      flowModel: analysis?.flowModel ?? null,
      spotted: analysis?.spotted ?? null,
      expressionClass: analysis?.expressionClass ?? null,
      roiNotes: analysis?.roiNotes ?? [],
      scope: selected !== null ? 'event' : recording && !recording.hasEvents ? 'recording' : null,
      nothingSpotted: selected === null && !!recording && !recording.hasEvents && (recordingDone || recording.runOffered === 0),
      recordingSpotted: !!recording && recording.runOffered !== null,
      useSpotted: () => {
        const taken = spottedMarkers(analysis?.spotted);
        if (selected !== null && taken) edits.setMarkers(selected, taken, 'suggest.useSpotted');
      },
      spottedDiffers: ((taken) => taken !== null && (taken.onset !== markers.onset || taken.apex !== markers.apex || taken.offset !== markers.offset))(spottedMarkers(analysis?.spotted)),
      run: () => {
        const whole = selected === null && !!recording && !recording.hasEvents;
        if (selected === null && !whole) return;
        setError(null);
        setCancelled(false);
        setRecordingDone(false);
        const started = selected !== null ? analysisApi.run(selected, markers, uiLanguage()) : analysisApi.runRecording((recording as RecordingTarget).clipId, uiLanguage());
        started.then(
          ({ jobId }) => {
            setStreaming(null);
            setJob({ id: jobId, llm: null, progress: null, whole });
          },
          (failure: unknown) => setError(errorMessage(failure)),
        );
      },
      change: (field, value, typing = false) => {
        if (selected === null) return;
        edits.setField(selected, field, value, provenanceWith({ ...draft, [field]: value }, taken), typing);
      },
      accept: (field, label) => {
        if (selected === null || !suggestion) return;
        const nextTaken = new Set(taken).add(field);
        const next = { ...draft, [field]: suggestion[field] ?? draft[field] };
        setPerEvent({ ...perEvent, eventId: selected, taken: nextTaken });
        edits.setDraft(selected, next, provenanceWith(next, nextTaken), label);
      },
      acceptAll: () => {
        if (selected === null || !suggestion) return;
        const fields = offeredFields(suggestion, perEvent.rejected);
        const nextTaken = new Set([...taken, ...fields]);
        const next = draftWithAll(draft, suggestion, perEvent.rejected);
        setPerEvent({ ...perEvent, eventId: selected, taken: nextTaken });
        edits.setDraft(selected, next, provenanceWith(next, nextTaken), 'suggest.acceptAll');
      },
      reject: (field) => setPerEvent({ ...perEvent, eventId: selected, rejected: new Set(perEvent.rejected).add(field) }),
    };
  }, [edits, selected, markers, analysis, draft, storedProvenance, suggestion, perEvent, job, streaming, error, cancelled, recording, recordingDone]);
}

/** The markers the spotted frames make (apex defaults to onset, offset to apex), or null when nothing was spotted. */
function spottedMarkers(spotted: SpottedFrames | null | undefined): Markers | null {
  if (!spotted || spotted.onset === null) return null;
  const apex = spotted.apex ?? spotted.onset;
  return { onset: spotted.onset, apex, offset: Math.max(spotted.offset ?? apex, apex) };
}

/**
 * The unfinished analysis this view follows: the selected event's, else the open
 * recording's whole-recording run, which goes on whether or not the clip has events by
 * now (the view opens on an event once it has one).
 */
export function jobToFollow(jobs: readonly Job[], selected: number | null, clipId: number | null): Job | undefined {
  const open = jobs.filter((j) => j.kind === 'analysis' && (j.state === 'queued' || j.state === 'running') && j.subject);
  const forEvent = selected !== null ? open.find((j) => j.subject?.eventId === selected) : undefined;
  return forEvent ?? (clipId !== null ? open.find((j) => j.subject?.eventId === null && j.subject.clipId === clipId) : undefined);
}
