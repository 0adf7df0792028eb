/**
 * Paints the timeline canvas for one window: event spans, 1-2-5 ticks (per-frame ticks
 * when zoomed in), the motion curve as a line on its scale, markers and playhead.
 * Cost is O(width + visible frames), independent of the clip's length.
 */
import { MARKERS, type MarkerKind, type Markers } from '../state/markers';
import { decimate, frameToX, tickStep, type TimelineWindow } from '../state/timeline-math';
import { curveAxisTop, formatAxisValue } from '../state/curve-scale';

export const TIMELINE_HEIGHT = 96;
export const MARKER_TOP = 22;
export const MARKER_COLOURS: Record<MarkerKind, string> = { onset: '#3ccf91', apex: '#ff6b6b', offset: '#ffb547' };

export interface TimelineScene {
  readonly width: number;
  readonly frames: number;
  readonly window: TimelineWindow;
  readonly current: number;
  readonly markers: Markers;
  readonly events: ReadonlyArray<{ id: number; onset: number; offset: number }>;
  readonly selectedEvent: number | null;
  readonly curve: readonly number[] | null;
  /** Onset/apex/offset the analysis spotted: dashed, for the annotator to accept or ignore. */
  readonly suggested?: Markers | null;
  /** The curve's unit as written beside its axis value (e.g. "% face"). */
  readonly curveUnit?: string;
  /** The spotting threshold in the curve's unit and its label: a dashed line across the band. */
  readonly threshold?: { readonly value: number; readonly label: string };
  /** Spotted intervals by class and blinks: a coloured band along the bottom edge, labelled where it fits. */
  readonly spans?: ReadonlyArray<SpottedSpan>;
}

export type SpanKind = 'micro' | 'macro' | 'blink' | 'saccade' | 'speech' | 'readAsBlink';
export interface SpottedSpan {
  readonly kind: SpanKind;
  readonly onset: number;
  readonly offset: number;
  /** The class in the UI's language. */
  readonly label: string;
}
/** Micro and macro as in the queue's badges; blinks (and intervals read as one), gaze shifts and speech in greys, never an expression's colour. */
export const SPAN_COLOURS: Record<SpanKind, string> = { micro: '#4fb3ff', macro: '#ffb547', blink: '#98a2b3', saccade: '#7c8595', speech: '#b8bfcc', readAsBlink: '#98a2b3' };
const SPAN_HEIGHT = 5;

function drawSpans(context: CanvasRenderingContext2D, scene: TimelineScene, spans: ReadonlyArray<SpottedSpan>): void {
  const { width, window } = scene;
  const y = TIMELINE_HEIGHT - SPAN_HEIGHT;
  context.font = '10px system-ui, sans-serif';
  for (const span of spans) {
    const x0 = frameToX(span.onset - 0.5, window, width);
    const x1 = frameToX(span.offset + 0.5, window, width);
    if (x1 < 0 || x0 > width) continue;
    context.fillStyle = SPAN_COLOURS[span.kind];
    context.fillRect(x0, y, Math.max(x1 - x0, 2), SPAN_HEIGHT);
    if (context.measureText(span.label).width + 4 <= x1 - x0) context.fillText(span.label, x0 + 2, y - 2);
  }
}

/** The curve's band: below the marker flags, above the bottom edge. */
const CURVE_TOP = MARKER_TOP + 16;
const CURVE_BOTTOM = TIMELINE_HEIGHT - 4;

/**
 * The motion curve as a line through each pixel column's largest value (a short spike
 * stays visible at any zoom) over a faint fill, with its scale: a dotted line at the axis
 * top, labelled with its value and unit, and the zero line.
 */
function drawCurve(context: CanvasRenderingContext2D, scene: TimelineScene, curve: readonly number[]): void {
  const { width, window } = scene;
  const top = curveAxisTop(curve, scene.threshold?.value ?? 0);
  const accent = cssVar('--accent', '#4fb3ff');
  context.strokeStyle = cssVar('--line', '#2a313b');
  context.setLineDash([2, 3]);
  context.beginPath();
  context.moveTo(0, CURVE_TOP + 0.5);
  context.lineTo(width, CURVE_TOP + 0.5);
  context.moveTo(0, CURVE_BOTTOM + 0.5);
  context.lineTo(width, CURVE_BOTTOM + 0.5);
  context.stroke();
  context.setLineDash([]);
  if (top > 0) {
    const { max } = decimate(curve, window, width);
    const y = (v: number) => CURVE_BOTTOM - (Math.max(0, v) / top) * (CURVE_BOTTOM - CURVE_TOP);
    // Zoomed in, only the columns a frame falls in hold a value: the line joins them.
    const line = new Path2D();
    const fill = new Path2D();
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x += 1) {
      const v = max[x]!;
      if (Number.isNaN(v)) continue;
      if (first < 0) {
        line.moveTo(x + 0.5, y(v));
        fill.moveTo(x + 0.5, CURVE_BOTTOM);
        first = x;
      } else line.lineTo(x + 0.5, y(v));
      fill.lineTo(x + 0.5, y(v));
      last = x;
    }
    if (first >= 0) {
      fill.lineTo(last + 0.5, CURVE_BOTTOM);
      fill.closePath();
    }
    context.fillStyle = 'rgba(79,179,255,0.16)';
    context.fill(fill);
    context.strokeStyle = accent;
    context.lineWidth = 1.5;
    context.stroke(line);
    context.lineWidth = 1;
    if (scene.threshold) drawThreshold(context, width, y(scene.threshold.value), scene.threshold.label);
  }
  const label = `${formatAxisValue(top)} ${scene.curveUnit ?? ''}`.trim();
  context.font = '10px system-ui, sans-serif';
  const textWidth = context.measureText(label).width;
  context.fillStyle = cssVar('--panel', '#1a1f26');
  context.fillRect(width - textWidth - 8, CURVE_TOP - 6, textWidth + 6, 13);
  context.fillStyle = accent;
  context.textAlign = 'right';
  context.fillText(label, width - 5, CURVE_TOP + 4);
  context.textAlign = 'left';
}

/** The threshold: a dashed line in the warning colour, its label on a backing at the left end so the curve cannot hide it. */
function drawThreshold(context: CanvasRenderingContext2D, width: number, at: number, label: string): void {
  const y = Math.round(at) + 0.5;
  const colour = cssVar('--warn', '#ffb547');
  context.strokeStyle = colour;
  context.setLineDash([6, 4]);
  context.beginPath();
  context.moveTo(0, y);
  context.lineTo(width, y);
  context.stroke();
  context.setLineDash([]);
  context.font = '10px system-ui, sans-serif';
  const textWidth = context.measureText(label).width;
  context.fillStyle = cssVar('--panel', '#1a1f26');
  context.fillRect(2, y - 6, textWidth + 6, 12);
  context.fillStyle = colour;
  context.fillText(label, 5, y + 4);
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function drawTimeline(canvas: HTMLCanvasElement, scene: TimelineScene): void {
  const context = canvas.getContext('2d');
  const { width, window, frames } = scene;
  if (!context || !width) return;
  const height = TIMELINE_HEIGHT;
  const ratio = globalThis.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.fillStyle = cssVar('--panel', '#1a1f26');
  context.fillRect(0, 0, width, height);

  for (const event of scene.events) {
    const x0 = frameToX(event.onset - 0.5, window, width);
    const x1 = frameToX(event.offset + 0.5, window, width);
    if (x1 < 0 || x0 > width) continue;
    context.fillStyle = event.id === scene.selectedEvent ? 'rgba(79,179,255,0.28)' : 'rgba(152,162,179,0.18)';
    context.fillRect(x0, MARKER_TOP, Math.max(x1 - x0, 2), height - MARKER_TOP);
  }
  if (scene.spans?.length) drawSpans(context, scene, scene.spans);

  const step = tickStep(window, width);
  context.fillStyle = cssVar('--muted', '#98a2b3');
  context.strokeStyle = cssVar('--line', '#2a313b');
  context.font = '11px system-ui, sans-serif';
  context.beginPath();
  const end = Math.min(window.start + window.span, frames);
  for (let f = Math.max(0, Math.floor(window.start / step) * step); f < end; f += step) {
    const x = Math.round(frameToX(f, window, width)) + 0.5;
    context.moveTo(x, 0);
    context.lineTo(x, 14);
    context.fillText(String(f), x + 3, 11);
  }
  if (width / window.span >= 6) {
    for (let f = Math.floor(window.start); f < end; f += 1) {
      const x = Math.round(frameToX(f, window, width)) + 0.5;
      context.moveTo(x, 16);
      context.lineTo(x, 20);
    }
  }
  context.stroke();

  if (scene.curve && scene.curve.length) drawCurve(context, scene, scene.curve);

  for (const kind of MARKERS) {
    const at = scene.suggested?.[kind] ?? null;
    if (at === null || at === scene.markers[kind]) continue;
    const x = Math.round(frameToX(at, window, width)) + 0.5;
    context.strokeStyle = MARKER_COLOURS[kind];
    context.setLineDash([3, 3]);
    context.beginPath();
    context.moveTo(x, MARKER_TOP);
    context.lineTo(x, height);
    context.stroke();
    context.setLineDash([]);
  }
  for (const kind of MARKERS) {
    const at = scene.markers[kind];
    if (at === null) continue;
    const x = Math.round(frameToX(at, window, width)) + 0.5;
    context.strokeStyle = MARKER_COLOURS[kind];
    context.fillStyle = MARKER_COLOURS[kind];
    context.beginPath();
    context.moveTo(x, MARKER_TOP);
    context.lineTo(x, height);
    context.stroke();
    context.fillRect(x - 5, MARKER_TOP, 10, 10);
  }
  const x = Math.round(frameToX(scene.current, window, width)) + 0.5;
  context.strokeStyle = cssVar('--text', '#e6e9ee');
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(x, 0);
  context.lineTo(x, height);
  context.stroke();
  context.lineWidth = 1;
}
