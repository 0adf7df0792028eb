/**
 * The annotate view: the frame stage, transport bar and timeline on the left; the clip's
 * events, the AU panel and the suggestion panel on the right. All keys come from the
 * hotkey table; all edits go through the session's EditSession (undo + autosave).
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { analysisApi, type AnalysisView, type FaceOverlay } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { ConflictBanner, RestoredNotice } from '../components/ConflictBanner';
import { ErrorLine } from '../components/ErrorLine';
import { FrameStage, type LayerSettings, type View, type ViewCommand } from '../components/FrameStage';
import { SidePanels } from '../components/SidePanels';
import { CandidateQueue } from '../components/CandidateQueue';
import { candidateDecisions, candidateEvent, candidateKey, candidateQueue, stepCandidate, type CandidateDecision } from '../state/candidates';
import type { Candidate, NonExpression } from '../api/analysis-types';
import { Timeline } from '../components/Timeline';
import { TIMELINE_HEIGHT } from '../components/timeline-draw';
import { AfterFirstFrame } from '../components/AfterFirstFrame';
import { MARKERS, type MarkerKind } from '../state/markers';
import { TransportBar } from '../components/TransportBar';
import { OpenClipForm } from '../components/OpenClipForm';
import { useHotkeys } from '../hotkeys/useHotkeys';
import type { SaveStatus } from '../state/autosave';
import type { ShownFrame } from '../state/frame-bitmap';
import { FLOW_MODES, type FlowMode } from '../state/use-flow-overlay';
import { openingFrame, placeKey, readPlace, restoreLayers, type ClipPlace } from '../state/clip-place';
import { browserStorage } from '../state/saved-state';
import { nextPlaybackFrame, shuttle, speedOf, STOPPED, type Playback } from '../state/playback';
import { useSession, type OpenClip } from '../state/session';
import { useClipEvents } from '../state/use-clip-events';
import { useFrames } from '../state/use-frames';
import { usePlaceMemory } from '../state/use-place-memory';
import { announcePaint } from '../state/first-frame';
import { useSuggestions } from '../state/use-suggestions';
import { useSpottingRun } from '../state/use-spotting-run';
import { useDismissal } from '../state/use-dismissal';

const LAYERS: LayerSettings = {
  difference: { visible: false, opacity: 0.8 },
  flow: { visible: true, opacity: 0.6 },
  rois: { visible: true, opacity: 0.9 },
  landmarks: { visible: false, opacity: 0.9 },
};

/** Dataset clips are cut around one expression and last at most this long; longer clips are recordings to review. */
const DATASET_CLIP_SECONDS = 2;

/** Save status shown: local-only clips never save; an untouched event is simply clean. */
const saveLabel = (persistent: boolean, status: SaveStatus) => (!persistent ? 'local' : status === 'idle' ? 'clean' : status);

export function AnnotateView() {
  const { t } = useTranslation();
  const { clip } = useSession();
  if (!clip) {
    return (
      <section className="view annotate-empty" aria-labelledby="annotate-title">
        <h1 id="annotate-title">{t('annotate.title')}</h1>
        <p className="empty">{t('annotate.noClip')}</p>
        <OpenClipForm />
      </section>
    );
  }
  // Keyed by clip: frame, event and suggestion state start fresh for every clip.
  return <ClipAnnotator key={`${clip.media.clipId}:${clip.stored?.id ?? ''}`} clip={clip} />;
}

function ClipAnnotator({ clip }: { clip: OpenClip }) {
  const { t } = useTranslation();
  const { edits, deletions, annotator, workspace, setShownEvent } = useSession();
  const media = clip.media;
  const info = media.info;
  const frames = info.frames;
  const nav = useFrames(media);
  const clipEvents = useClipEvents(clip, edits, annotator, deletions);
  useSyncExternalStore((listener) => edits.subscribe(listener), () => edits.revision);
  // Where this clip was left (frame, zoom, layers), read once when it opens.
  const placeAt = placeKey(clip.stored ? (workspace?.path ?? null) : null, clip.stored?.id ?? clip.path);
  const [saved] = useState<ClipPlace | null>(() => readPlace(browserStorage(), placeAt));
  const [playback, setPlayback] = useState<Playback>(STOPPED);
  const [layers, setLayers] = useState<LayerSettings>(() => restoreLayers(LAYERS, saved?.layers));
  const [flowMode, setFlowMode] = useState<FlowMode>(() => FLOW_MODES.find((mode) => mode === saved?.flowMode) ?? 'hsv');
  const [stageView, setStageView] = useState<View | null>(saved?.view ?? null);
  const [command, setCommand] = useState<ViewCommand>({ kind: 'fit', nonce: 0 });
  const [onsetFrame, setOnsetFrame] = useState<ShownFrame | null>(null);
  const [face, setFace] = useState<{ overlay: FaceOverlay | null; status: string | null }>({ overlay: null, status: null });
  const { markers, selected, analysis } = clipEvents;

  // Open where the clip was left; the first time, at the onset of the event it opens on.
  const placed = useRef(false);
  const { goTo: jump } = nav;
  useEffect(() => {
    if (placed.current) return;
    const onsetKnown = selected !== null && markers.onset !== null;
    // Wait for the events (and the selected one's markers) unless the place was saved.
    if (!saved && !clipEvents.loaded) return;
    if (!saved && selected !== null && !onsetKnown && edits.markers(selected) === null) return;
    placed.current = true;
    jump(openingFrame(saved, onsetKnown ? markers.onset : null, frames));
  }, [saved, selected, markers.onset, clipEvents.loaded, edits, frames, jump]);

  usePlaceMemory(placeAt, nav.shown, placed, { view: stageView, layers, flowMode });

  useEffect(() => setShownEvent(selected), [selected, setShownEvent]);

  const step = (delta: number) => nav.goTo(nav.target() + delta);
  const placeHere = (kind: MarkerKind, at = nav.shownIndex()) => at !== null && clipEvents.place(kind, at);
  const gotoMarker = (kind: MarkerKind) => {
    const at = markers[kind];
    if (at !== null) nav.goTo(at);
  };

  // Playback: advance only after the previous frame was shown, so no number is skipped unseen.
  const { goTo, target, shownIndex } = nav;
  useEffect(() => {
    if (playback.direction === 0) return;
    const loop = playback.loop && markers.onset !== null && markers.offset !== null;
    const range = loop ? { first: markers.onset!, last: markers.offset! } : { first: 0, last: frames - 1 };
    let last = performance.now();
    let due = 0;
    let handle = requestAnimationFrame(function tick(now) {
      due += ((now - last) / 1000) * info.fps * speedOf(playback);
      last = now;
      if (due >= 1 && shownIndex() === target()) {
        due = Math.min(due - 1, 1);
        const next = nextPlaybackFrame(target(), playback, range);
        if (next === null) {
          setPlayback((p) => ({ ...p, direction: 0 }));
          return;
        }
        goTo(next);
      }
      handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
  }, [playback, info, frames, markers.onset, markers.offset, goTo, target, shownIndex]);

  // The onset frame for the difference layer (used only while it is the onset).
  const loader = nav.loader;
  useEffect(() => {
    if (!layers.difference.visible || markers.onset === null || !loader) return;
    let live = true;
    loader.load(markers.onset, { aside: true }).then(
      (frame) => {
        if (!live) return;
        // Held while the difference layer may draw it; the next onset replaces it.
        loader.hold('onset', frame);
        setOnsetFrame(frame);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [layers.difference.visible, markers.onset, loader]);
  const differenceBase = layers.difference.visible && onsetFrame?.index === markers.onset ? onsetFrame : null;

  // A stored clip without events is analysed whole (once its events and its stored run are known).
  const stored = clip.stored;
  const hasEvents = clipEvents.events.length > 0;
  const storedRun = useSpottingRun(stored?.id ?? null);
  const runOffered = storedRun.run ? storedRun.run.candidates.length : null;
  const recording = useMemo(
    () => (stored && clipEvents.loaded && storedRun.loaded ? { clipId: stored.id, hasEvents, runOffered } : null),
    [stored, clipEvents.loaded, storedRun.loaded, hasEvents, runOffered],
  );
  const suggest = useSuggestions(edits, selected, analysis, clipEvents.reloadAnalysis, markers, recording);

  // Landmarks and ROIs from the face stage, on the onset frame (or the current one).
  const findFace = () => {
    const frame = markers.onset ?? nav.shownIndex() ?? 0;
    setFace({ overlay: null, status: t('annotate.faceSearching', { frame }) });
    analysisApi.detectFace(clip.path, frame).then(
      (overlay) => setFace({ overlay, status: t(`annotate.faceStatus.${overlay.status}`, { frame: overlay.frame, rois: overlay.rois.length }) }),
      (failure: unknown) => setFace({ overlay: null, status: t('common.error', { message: errorMessage(failure) }) }),
    );
  };
  // The analysis's own overlays win; a face found on demand fills in until there is one.
  const overlays: AnalysisView | null = useMemo(
    () =>
      face.overlay && !(analysis?.landmarks && analysis.rois)
        ? { eventId: selected ?? 0, motionCurve: null, suggestion: null, ...analysis, landmarks: face.overlay.landmarks, rois: face.overlay.rois }
        : analysis,
    [face.overlay, analysis, selected],
  );

  const { newEvent, deleteSelected } = clipEvents;
  const deleteEvent = useCallback(() => void deleteSelected(), [deleteSelected]);
  const newEventHere = useCallback(() => {
    const at = shownIndex();
    if (at !== null) newEvent(at);
  }, [shownIndex, newEvent]);

  // The run's spotted intervals: the clip's stored run when it has one (whichever event is
  // selected); else, for a workspace whose runs were not kept, read from the events' analyses
  // and kept while another event (or one without an analysis) is selected. `spotted` stays
  // false until a run is seen, so a recording not yet analysed never reads as "nothing offered".
  const [analysedRun, setAnalysedRun] = useState<{ spotted: boolean; candidates: readonly Candidate[]; blinks: readonly NonExpression[]; fps: number | null }>({
    spotted: false,
    candidates: [],
    blinks: [],
    fps: null,
  });
  useEffect(() => {
    if (analysis?.candidates?.length || analysis?.nonExpressions?.length) {
      setAnalysedRun({ spotted: true, candidates: analysis.candidates ?? [], blinks: analysis.nonExpressions ?? [], fps: analysis.expressionClass?.captureFps ?? null });
    } else if (analysis?.spotted?.source === 'spotting') {
      setAnalysedRun((run) => (run.spotted ? run : { ...run, spotted: true, fps: analysis.expressionClass?.captureFps ?? null }));
    }
  }, [analysis]);
  const spottedRun = useMemo(
    () => (storedRun.run ? { spotted: true, candidates: storedRun.run.candidates, blinks: storedRun.run.nonExpressions, fps: storedRun.run.captureFps } : analysedRun),
    [storedRun.run, analysedRun],
  );
  // The curve is the recording's run's, whichever event is selected; an event's own analysis draws its curve without one.
  const runCurve = storedRun.run?.curve ? storedRun.run : null;
  const queue = useMemo(() => candidateQueue(spottedRun.candidates), [spottedRun]);
  const [sessionDecisions, setSessionDecisions] = useState<ReadonlyMap<string, CandidateDecision>>(new Map());
  const [reviewing, setReviewing] = useState<number | null>(null);
  const { events: clipEventList, select: selectEvent, createEvent, deleteEvent: deleteClipEvent } = clipEvents;
  const decisions = useMemo(
    () => candidateDecisions(queue, clipEvents.loaded ? clipEventList : null, sessionDecisions),
    [queue, clipEvents.loaded, clipEventList, sessionDecisions],
  );
  // Stable between frame steps, so the memoised candidate queue is not re-rendered by one.
  const openCandidate = useCallback(
    (index: number | null) => {
      setReviewing(index);
      const c = index !== null ? queue[index] : undefined;
      if (!c) return;
      jump(c.onset);
      const event = candidateEvent(c, clipEventList);
      if (event) selectEvent(event.id);
    },
    [queue, jump, clipEventList, selectEvent],
  );
  const apply = useCallback(
    (index: number, decision: CandidateDecision) => {
      const c = queue[index];
      if (!c) return;
      const key = candidateKey(c);
      const event = candidateEvent(c, clipEventList);
      // Dismissing deletes the interval's event (undoable), which the queue then reads as dismissed.
      const kept = decision === 'dismissed' && event ? new Map([...sessionDecisions].filter(([k]) => k !== key)) : new Map(sessionDecisions).set(key, decision);
      setSessionDecisions(kept);
      // Accepting keeps the spotted event (or makes one on its frames) for labelling.
      if (decision === 'accepted' && !event) createEvent({ onset: c.onset, apex: c.apex, offset: c.offset });
      if (decision === 'dismissed' && event) void deleteClipEvent(event);
      if (decision === 'accepted') openCandidate(index);
      else openCandidate(stepCandidate(queue, new Map(decisions).set(key, decision), index, 1));
    },
    [queue, decisions, sessionDecisions, clipEventList, createEvent, deleteClipEvent, openCandidate],
  );
  // A labelled event is not dismissed (deleted) without the person's say.
  const dismissal = useDismissal(
    edits,
    useCallback((index: number) => apply(index, 'dismissed'), [apply]),
  );
  const { ask: askDismissal } = dismissal;
  const decide = useCallback(
    (index: number, decision: CandidateDecision) => {
      const c = queue[index];
      const event = c && decision === 'dismissed' ? candidateEvent(c, clipEventList) : undefined;
      if (event) askDismissal(index, event.id);
      else apply(index, decision);
    },
    [queue, clipEventList, askDismissal, apply],
  );

  // A whole-recording run opens its strongest interval once the queue holds it.
  const openTop = useRef(false);
  useEffect(() => {
    if (suggest.scope === 'recording' && suggest.running) openTop.current = true;
  }, [suggest.scope, suggest.running]);
  useEffect(() => {
    if (!openTop.current || !queue.length || !clipEventList.length) return;
    openTop.current = false;
    openCandidate(0);
  }, [queue, clipEventList, openCandidate]);

  const timelineSpans = useMemo(
    () => [
      ...spottedRun.candidates.map((c) => ({ kind: c.kind, onset: c.onset, offset: c.offset, label: t(`candidates.kind.${c.kind}`) })),
      ...spottedRun.blinks.map((b) => ({ kind: b.kind, onset: b.onset, offset: b.offset, label: t(`candidates.${b.kind}`) })),
    ],
    [spottedRun, t],
  );
  const accept = useCallback((index: number) => decide(index, 'accepted'), [decide]);
  const dismiss = useCallback((index: number) => decide(index, 'dismissed'), [decide]);

  const undo = useCallback(() => edits.history.undo(), [edits]);
  const redo = useCallback(() => edits.history.redo(), [edits]);

  useHotkeys(
    {
      'frame.prev': () => step(-1),
      'frame.next': () => step(1),
      'frame.prev10': () => step(-10),
      'frame.next10': () => step(10),
      'frame.first': () => nav.goTo(0),
      'frame.last': () => nav.goTo(frames - 1),
      'frame.goto': () => {
        // Selected, so the number typed next replaces the last one instead of joining it.
        const field = document.querySelector<HTMLInputElement>('input[name="goto"]');
        field?.focus();
        field?.select();
      },
      'marker.gotoOnset': () => gotoMarker('onset'),
      'marker.gotoApex': () => gotoMarker('apex'),
      'marker.gotoOffset': () => gotoMarker('offset'),
      'play.backward': () => setPlayback((p) => shuttle(p, 'J')),
      'play.stop': () => setPlayback((p) => shuttle(p, 'K')),
      'play.forward': () => setPlayback((p) => shuttle(p, 'L')),
      'play.loop': () => setPlayback((p) => ({ ...p, loop: !p.loop })),
      'marker.onset': () => placeHere('onset'),
      'marker.apex': () => placeHere('apex'),
      'marker.offset': () => placeHere('offset'),
      'edit.undo': undo,
      'edit.redo': redo,
      'event.delete': deleteEvent,
      'candidate.next': () => openCandidate(stepCandidate(queue, decisions, reviewing, 1)),
      'candidate.prev': () => openCandidate(stepCandidate(queue, decisions, reviewing, -1)),
      'candidate.accept': () => reviewing !== null && accept(reviewing),
      'candidate.dismiss': () => reviewing !== null && dismiss(reviewing),
      'view.fit': () => setCommand((c) => ({ kind: 'fit', nonce: c.nonce + 1 })),
      'view.actual': () => setCommand((c) => ({ kind: 'actual', nonce: c.nonce + 1 })),
      'layer.landmarks': () => setLayers((l) => ({ ...l, landmarks: { ...l.landmarks, visible: !l.landmarks.visible } })),
      'layer.rois': () => setLayers((l) => ({ ...l, rois: { ...l.rois, visible: !l.rois.visible } })),
      'layer.flow': () => setLayers((l) => ({ ...l, flow: { ...l.flow, visible: !l.flow.visible } })),
      'layer.difference': () => setLayers((l) => ({ ...l, difference: { ...l.difference, visible: !l.difference.visible } })),
    },
    true,
  );

  const save = edits.saveState;
  return (
    <section className="view annotate" aria-label={t('annotate.title')}>
      <div className="annotate-main">
        <TransportBar
          shown={nav.shown}
          frames={frames}
          fps={info.fps}
          onGoTo={nav.goTo}
          playback={playback}
          onPlayback={setPlayback}
          layers={layers}
          layerAvailable={{ difference: markers.onset !== null, flow: !!overlays?.flowOverlay, rois: !!overlays?.rois?.length, landmarks: !!overlays?.landmarks?.length }}
          onLayers={setLayers}
          flowMode={flowMode}
          onFlowMode={setFlowMode}
          onView={(kind) => setCommand((c) => ({ kind, nonce: c.nonce + 1 }))}
          canUndo={edits.history.canUndo}
          canRedo={edits.history.canRedo}
          onUndo={undo}
          onRedo={redo}
          saveStatus={saveLabel(clipEvents.persistent, save.status)}
          saveError={save.error}
          retryAt={save.retryAt}
          onFindFace={findFace}
          faceStatus={face.status}
        />
        {edits.conflicts().map(({ eventId, conflict }) => {
          const event = clipEvents.events.find((e) => e.id === eventId);
          const span = event ? t('annotate.eventSpan', { onset: event.onset, offset: event.offset }) : `#${eventId}`;
          return <ConflictBanner key={eventId} edits={edits} eventId={eventId} conflict={conflict} eventLabel={span} annotator={annotator} />;
        })}
        <RestoredNotice edits={edits} />
        <ErrorLine message={nav.error ?? clipEvents.error ?? storedRun.error ?? suggest.error ?? dismissal.error ?? (save.status === 'error' ? save.error : null)} />
        <FrameStage
          frames={nav.shown}
          onsetFrame={differenceBase}
          frameWidth={info.width}
          frameHeight={info.height}
          layers={layers}
          flowMode={flowMode}
          analysis={overlays}
          command={command}
          onPainted={announcePaint}
          initialView={saved?.view ?? null}
          onViewChange={setStageView}
        />
        {/* Its canvas and first draw wait for frame 0's paint; the box keeps its height meanwhile. */}
        <AfterFirstFrame reserve={<div className="timeline" style={{ height: TIMELINE_HEIGHT }} />}>
        <Timeline
          key={media.clipId}
          frames={frames}
          shown={nav.shown}
          markers={markers}
          events={clipEvents.events.map((e) => {
            const m = edits.markers(e.id);
            return { id: e.id, onset: m?.onset ?? e.onset, offset: m?.offset ?? e.offset };
          })}
          selectedEvent={selected}
          curve={runCurve?.curve ?? analysis?.motionCurve ?? null}
          {...(runCurve ? { curveUnit: runCurve.curveUnit } : analysis?.motionCurveUnit ? { curveUnit: analysis.motionCurveUnit } : {})}
          curveThreshold={runCurve ? runCurve.threshold : (analysis?.motionThreshold ?? null)}
          suggested={analysis?.spotted?.source === 'spotting' ? analysis.spotted : null}
          spans={timelineSpans}
          onSeek={nav.goTo}
          onMarkerDrag={clipEvents.drag}
          onSelectEvent={clipEvents.select}
        />
        </AfterFirstFrame>
        <dl className="markers" data-testid="markers">
          {MARKERS.map((kind) => (
            <div key={kind} data-marker={kind}>
              <dt>{t(`annotate.markers.${kind}`)}</dt>
              <dd>{markers[kind] ?? '–'}</dd>
            </div>
          ))}
        </dl>
        <CandidateQueue
          queue={queue}
          spotted={spottedRun.spotted}
          stale={storedRun.run !== null && !storedRun.run.current}
          nonExpressions={spottedRun.blinks}
          decisions={decisions}
          events={clipEvents.loaded ? clipEventList : null}
          current={reviewing}
          captureFps={spottedRun.fps}
          fps={info.fps}
          recording={info.fps > 0 && frames / info.fps > DATASET_CLIP_SECONDS}
          disabled={!clipEvents.persistent}
          onOpen={openCandidate}
          onSeek={jump}
          onAccept={accept}
          onDismiss={dismiss}
          pendingDismissal={dismissal.pending}
          onConfirmDismiss={dismissal.confirm} onKeep={dismissal.keep}
        />
      </div>
      <SidePanels
        edits={edits}
        clip={clip}
        revision={edits.revision}
        events={clipEvents.events}
        selected={selected}
        persistent={clipEvents.persistent}
        onSelect={clipEvents.select}
        onNewEvent={newEventHere}
        onDeleteEvent={deleteEvent}
        annotator={annotator}
        suggest={suggest}
      />
    </section>
  );
}
