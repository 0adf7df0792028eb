/**
 * The timeline: ticks, the spotting motion curve, ME events as spans, draggable
 * onset/apex/offset markers and the playhead, drawn once per animation frame for the
 * visible window only (see timeline-draw.ts), so 20,000 frames stay smooth. Wheel zooms
 * around the cursor, Shift+wheel scrolls; the window follows the current frame.
 * Mount it with `key` = clip so a new clip starts fully zoomed out.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MARKERS, type MarkerKind, type Markers } from '../state/markers';
import { useShownIndex, type ShownFrameSource } from '../state/shown-frame';
import { clampWindow, followFrame, frameToX, xToFrame, zoomWindow, type TimelineWindow } from '../state/timeline-math';
import { drawTimeline, MARKER_TOP, TIMELINE_HEIGHT, type SpottedSpan } from './timeline-draw';
import { curveAxisTop, formatAxisValue } from '../state/curve-scale';

export interface EventSpan {
  readonly id: number;
  readonly onset: number;
  readonly offset: number;
}

interface Props {
  readonly frames: number;
  /** The frame on screen (the playhead): the timeline subscribes, so a step re-renders it alone. */
  readonly shown: ShownFrameSource;
  readonly markers: Markers;
  readonly events: readonly EventSpan[];
  readonly selectedEvent: number | null;
  readonly curve: readonly number[] | null;
  /** What the curve counts (the axis label says it). */
  readonly curveUnit?: 'face' | 'deviations';
  /** The spotting threshold on the curve's scale: a dashed line, labelled. */
  readonly curveThreshold?: number | null;
  readonly suggested?: Markers | null;
  /** Spotted intervals by class, and blinks (drawn as such, never as expressions). */
  readonly spans?: ReadonlyArray<SpottedSpan>;
  onSeek(frame: number): void;
  /** Live while dragging (`done` false), then once more on release (`done` true). */
  onMarkerDrag(kind: MarkerKind, frame: number, done: boolean): void;
  onSelectEvent(id: number): void;
}

export function Timeline(props: Props) {
  const { t } = useTranslation();
  const { frames, markers, events, selectedEvent, curve, suggested, spans } = props;
  const current = useShownIndex(props.shown) ?? 0;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [base, setBase] = useState<TimelineWindow>({ start: 0, span: frames });
  const [drag, setDrag] = useState<{ kind: MarkerKind | 'seek'; frame: number } | null>(null);
  const deviations = props.curveUnit === 'deviations';
  const curveUnit = t(deviations ? 'layers.curveAxisDeviationsShort' : 'layers.curveAxisShort');
  const threshold = props.curveThreshold ?? null;
  const thresholdLabel = threshold !== null ? t('layers.curveThreshold', { value: formatAxisValue(threshold) }) : '';
  // The shown window is the user's window scrolled just enough to keep the playhead visible.
  const window = followFrame(clampWindow(base, frames), current, frames);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  // Coalesce every change into one paint per animation frame.
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const handle = requestAnimationFrame(() => drawTimeline(canvas, { width, frames, window, current, markers, events, selectedEvent, curve, suggested, curveUnit, ...(threshold !== null ? { threshold: { value: threshold, label: thresholdLabel } } : {}), ...(spans ? { spans } : {}) }));
    return () => cancelAnimationFrame(handle);
  });

  const frameAt = (clientX: number, rect: DOMRect) => xToFrame(clientX - rect.left, window, width, frames);

  const hitMarker = (clientX: number, clientY: number, rect: DOMRect): MarkerKind | null => {
    if (clientY - rect.top < MARKER_TOP - 4) return null;
    let best: MarkerKind | null = null;
    let bestDistance = 6;
    for (const kind of MARKERS) {
      const at = markers[kind];
      if (at === null) continue;
      const distance = Math.abs(frameToX(at, window, width) - (clientX - rect.left));
      if (distance <= bestDistance) {
        best = kind;
        bestDistance = distance;
      }
    }
    return best;
  };

  return (
    <div className="timeline" data-testid="timeline" data-curve-top={curve && curve.length ? curveAxisTop(curve, threshold ?? 0) : undefined}
      data-curve-threshold={curve && curve.length && threshold !== null ? threshold : undefined} title={curve && curve.length ? t(deviations ? 'layers.curveAxisDeviations' : 'layers.curveAxis') : undefined}>
      <canvas
        ref={canvasRef}
        style={{ width: '100%', height: TIMELINE_HEIGHT }}
        aria-label={t('annotate.timeline')}
        role="slider"
        aria-valuemin={0}
        aria-valuemax={Math.max(frames - 1, 0)}
        aria-valuenow={current}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          const rect = event.currentTarget.getBoundingClientRect();
          const kind = hitMarker(event.clientX, event.clientY, rect);
          const at = frameAt(event.clientX, rect);
          setDrag({ kind: kind ?? 'seek', frame: at });
          if (kind) return;
          const hit = events.find((e) => at >= e.onset && at <= e.offset);
          if (hit && hit.id !== selectedEvent) props.onSelectEvent(hit.id);
          props.onSeek(at);
        }}
        onPointerMove={(event) => {
          if (!drag) {
            // A flag under the pointer can be dragged: say so with the cursor.
            const over = hitMarker(event.clientX, event.clientY, event.currentTarget.getBoundingClientRect());
            event.currentTarget.style.cursor = over ? 'ew-resize' : '';
            return;
          }
          const at = frameAt(event.clientX, event.currentTarget.getBoundingClientRect());
          if (at === drag.frame) return;
          setDrag({ ...drag, frame: at });
          if (drag.kind === 'seek') props.onSeek(at);
          else props.onMarkerDrag(drag.kind, at, false);
        }}
        onPointerUp={() => {
          setDrag(null);
          if (drag && drag.kind !== 'seek') props.onMarkerDrag(drag.kind, drag.frame, true);
        }}
        onWheel={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          setBase(
            event.shiftKey
              ? clampWindow({ start: window.start + (event.deltaY / width) * window.span, span: window.span }, frames)
              : zoomWindow(window, Math.pow(1.002, event.deltaY), event.clientX - rect.left, width, frames),
          );
        }}
      />
    </div>
  );
}
