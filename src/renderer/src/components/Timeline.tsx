/**
 * The timeline: ticks, the spotting motion curve (min/max per pixel column), ME events
 * as spans, onset/apex/offset markers you drag, and the playhead. Drawn on one canvas,
 * only the visible window, at most once per animation frame, so a 20,000-frame clip
 * scrolls and drags as smoothly as a 60-frame one. Wheel zooms around the cursor.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clampWindow, decimate, followFrame, frameToX, tickStep, xToFrame, zoomWindow, type TimelineWindow } from '../state/timeline-math';

export const MARKERS = ['onset', 'apex', 'offset'] as const;
export type MarkerKind = (typeof MARKERS)[number];
export type Markers = Readonly<Record<MarkerKind, number | null>>;

export interface EventSpan {
  readonly id: number;
  readonly onset: number;
  readonly offset: number;
}

interface Props {
  readonly frames: number;
  readonly current: number;
  readonly markers: Markers;
  readonly events: readonly EventSpan[];
  readonly selectedEvent: number | null;
  readonly curve: readonly number[] | null;
  onSeek(frame: number): void;
  /** Live while dragging (`done` false), then once more on release (`done` true). */
  onMarkerDrag(kind: MarkerKind, frame: number, done: boolean): void;
  onSelectEvent(id: number): void;
}

const HEIGHT = 96;
const MARKER_COLOURS: Record<MarkerKind, string> = { onset: '#3ccf91', apex: '#ff6b6b', offset: '#ffb547' };

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function Timeline(props: Props) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [window, setWindow] = useState<TimelineWindow>({ start: 0, span: props.frames });
  const drag = useRef<{ kind: MarkerKind | 'seek'; frame: number } | null>(null);
  const frame = useRef(0);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => setWindow({ start: 0, span: props.frames }), [props.frames]);
  useEffect(() => setWindow((w) => followFrame(w, props.current, props.frames)), [props.current, props.frames]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !width) return;
    const { frames, current, markers, events, curve, selectedEvent } = latest.current;
    const ratio = globalThis.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(HEIGHT * ratio);
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const colours = { bg: cssVar('--panel', '#1a1f26'), line: cssVar('--line', '#2a313b'), text: cssVar('--muted', '#98a2b3'), accent: cssVar('--accent', '#4fb3ff') };
    context.fillStyle = colours.bg;
    context.fillRect(0, 0, width, HEIGHT);

    // Event spans (long videos hold several MEs).
    for (const event of events) {
      const x0 = frameToX(event.onset - 0.5, window, width);
      const x1 = frameToX(event.offset + 0.5, window, width);
      if (x1 < 0 || x0 > width) continue;
      context.fillStyle = event.id === selectedEvent ? 'rgba(79,179,255,0.28)' : 'rgba(152,162,179,0.18)';
      context.fillRect(x0, 22, Math.max(x1 - x0, 2), HEIGHT - 22);
    }

    // Ticks with 1-2-5 spacing; per-frame ticks appear when zoomed in far enough.
    const step = tickStep(window, width);
    context.fillStyle = colours.text;
    context.strokeStyle = colours.line;
    context.font = '11px system-ui, sans-serif';
    context.beginPath();
    const first = Math.max(0, Math.floor(window.start / step) * step);
    for (let f = first; f <= window.start + window.span && f < frames; f += step) {
      const x = Math.round(frameToX(f, window, width)) + 0.5;
      context.moveTo(x, 0);
      context.lineTo(x, 14);
      context.fillText(String(f), x + 3, 11);
    }
    if (width / window.span >= 6) {
      for (let f = Math.floor(window.start); f <= window.start + window.span; f += 1) {
        const x = Math.round(frameToX(f, window, width)) + 0.5;
        context.moveTo(x, 16);
        context.lineTo(x, 20);
      }
    }
    context.stroke();

    // Spotting motion curve, decimated to one min/max pair per pixel column.
    if (curve && curve.length) {
      const { min, max } = decimate(curve, window, width);
      let top = 0;
      for (const v of curve) if (v > top) top = v;
      const y = (v: number) => HEIGHT - 4 - (v / (top || 1)) * (HEIGHT - 30);
      context.strokeStyle = colours.accent;
      context.beginPath();
      for (let x = 0; x < width; x += 1) {
        if (Number.isNaN(min[x]!)) continue;
        context.moveTo(x + 0.5, y(min[x]!));
        context.lineTo(x + 0.5, y(max[x]!) - 0.5);
      }
      context.stroke();
    }

    // Markers with handles, then the playhead on top.
    for (const kind of MARKERS) {
      const at = markers[kind];
      if (at === null) continue;
      const x = Math.round(frameToX(at, window, width)) + 0.5;
      context.strokeStyle = MARKER_COLOURS[kind];
      context.fillStyle = MARKER_COLOURS[kind];
      context.beginPath();
      context.moveTo(x, 22);
      context.lineTo(x, HEIGHT);
      context.stroke();
      context.fillRect(x - 5, 22, 10, 10);
    }
    const x = Math.round(frameToX(current, window, width)) + 0.5;
    context.strokeStyle = cssVar('--text', '#e6e9ee');
    context.lineWidth = 2;
    context.beginPath();
    context.moveTo(x, 0);
    context.lineTo(x, HEIGHT);
    context.stroke();
    context.lineWidth = 1;
  }, [width, window]);

  // Coalesce every prop change into one draw per animation frame.
  useLayoutEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame.current);
  });

  const frameAt = (clientX: number) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    return rect ? xToFrame(clientX - rect.left, window, width, props.frames) : 0;
  };

  const hitMarker = (clientX: number, clientY: number): MarkerKind | null => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect || clientY - rect.top < 18) return null;
    let best: MarkerKind | null = null;
    let bestDistance = 6;
    for (const kind of MARKERS) {
      const at = props.markers[kind];
      if (at === null) continue;
      const distance = Math.abs(frameToX(at, window, width) - (clientX - rect.left));
      if (distance <= bestDistance) {
        best = kind;
        bestDistance = distance;
      }
    }
    return best;
  };

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    const kind = hitMarker(event.clientX, event.clientY);
    const at = frameAt(event.clientX);
    drag.current = { kind: kind ?? 'seek', frame: at };
    if (!kind) {
      const hit = props.events.find((e) => at >= e.onset && at <= e.offset);
      if (hit && hit.id !== props.selectedEvent) props.onSelectEvent(hit.id);
      props.onSeek(at);
    }
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const active = drag.current;
    if (!active) return;
    const at = frameAt(event.clientX);
    if (at === active.frame) return;
    active.frame = at;
    if (active.kind === 'seek') props.onSeek(at);
    else props.onMarkerDrag(active.kind, at, false);
  };
  const onPointerUp = () => {
    const active = drag.current;
    drag.current = null;
    if (active && active.kind !== 'seek') props.onMarkerDrag(active.kind, active.frame, true);
  };

  return (
    <div className="timeline" data-testid="timeline">
      <canvas
        ref={canvasRef}
        style={{ width: '100%', height: HEIGHT }}
        aria-label={t('annotate.timeline')}
        role="slider"
        aria-valuemin={0}
        aria-valuemax={Math.max(props.frames - 1, 0)}
        aria-valuenow={props.current}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onWheel={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          const factor = Math.pow(1.002, event.deltaY);
          setWindow((w) => (event.shiftKey ? clampWindow({ start: w.start + (event.deltaY / width) * w.span, span: w.span }, props.frames) : zoomWindow(w, factor, event.clientX - rect.left, width, props.frames)));
        }}
      />
    </div>
  );
}
