/**
 * Pure geometry of the timeline: which frames are visible, frame ↔ x, tick spacing and
 * curve decimation. Kept free of the DOM so it is unit-tested and so drawing a
 * 20,000-frame clip only ever touches the visible range.
 */
export interface TimelineWindow {
  /** First visible frame (may be fractional while zoomed). */
  readonly start: number;
  /** Number of frames across the full width. */
  readonly span: number;
}

export function clampWindow(window: TimelineWindow, frames: number): TimelineWindow {
  const span = Math.min(Math.max(window.span, Math.min(20, frames)), Math.max(frames, 1));
  const start = Math.min(Math.max(window.start, 0), Math.max(frames - span, 0));
  return { start, span };
}

export function frameToX(frame: number, window: TimelineWindow, width: number): number {
  return ((frame + 0.5 - window.start) / window.span) * width;
}

export function xToFrame(x: number, window: TimelineWindow, width: number, frames: number): number {
  const frame = Math.floor(window.start + (x / width) * window.span);
  return Math.min(Math.max(frame, 0), Math.max(frames - 1, 0));
}

/** Zooms by `factor` (<1 zooms in) keeping the frame under `anchorX` fixed. */
export function zoomWindow(window: TimelineWindow, factor: number, anchorX: number, width: number, frames: number): TimelineWindow {
  const anchor = window.start + (anchorX / width) * window.span;
  const span = window.span * factor;
  return clampWindow({ start: anchor - (anchorX / width) * span, span }, frames);
}

/** Scrolls so `frame` is visible, moving the window as little as possible. */
export function followFrame(window: TimelineWindow, frame: number, frames: number): TimelineWindow {
  if (frame >= window.start && frame + 1 <= window.start + window.span) return window;
  const start = frame < window.start ? frame - window.span * 0.1 : frame + 1 - window.span * 0.9;
  return clampWindow({ start, span: window.span }, frames);
}

/** A "nice" tick step (1, 2, 5 × 10^k frames) so labels are at least `minPx` apart. */
export function tickStep(window: TimelineWindow, width: number, minPx = 60): number {
  const raw = (window.span / Math.max(width, 1)) * minPx;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Min/max of `values` per pixel column over the visible frames: what a line chart at
 * this width can show, computed in O(visible frames) and drawn in O(width).
 */
export function decimate(values: ArrayLike<number>, window: TimelineWindow, columns: number): { min: Float32Array; max: Float32Array } {
  const min = new Float32Array(columns).fill(Number.NaN);
  const max = new Float32Array(columns).fill(Number.NaN);
  if (!values.length || columns <= 0) return { min, max };
  const first = Math.max(Math.floor(window.start), 0);
  const last = Math.min(Math.ceil(window.start + window.span), values.length - 1);
  for (let frame = first; frame <= last; frame += 1) {
    const column = Math.floor(((frame + 0.5 - window.start) / window.span) * columns);
    if (column < 0 || column >= columns) continue;
    const value = values[frame] ?? Number.NaN;
    if (Number.isNaN(value)) continue;
    if (!(value >= min[column]!)) min[column] = value;
    if (!(value <= max[column]!)) max[column] = value;
  }
  return { min, max };
}
