/**
 * Flow overlays drawn from a dense flow field: the Middlebury colour wheel (Baker et al.
 * 2011), MELLM's HSV rendering (hue = direction, value = magnitude normalised to the
 * field's maximum, as the reference's cv2 HSV visualisation), plain magnitude, and
 * arrows sampled on a grid. Pure functions producing RGBA / segments for the stage.
 */
import type { FlowField } from '../api/analysis-types';

export const FLOW_MODES = ['wheel', 'hsv', 'magnitude', 'arrows'] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

function colourWheel(): Array<[number, number, number]> {
  const segments: Array<[number, (k: number, n: number) => [number, number, number]]> = [
    [15, (k, n) => [255, Math.floor((255 * k) / n), 0]], // red → yellow
    [6, (k, n) => [255 - Math.floor((255 * k) / n), 255, 0]], // yellow → green
    [4, (k, n) => [0, 255, Math.floor((255 * k) / n)]], // green → cyan
    [11, (k, n) => [0, 255 - Math.floor((255 * k) / n), 255]], // cyan → blue
    [13, (k, n) => [Math.floor((255 * k) / n), 0, 255]], // blue → magenta
    [6, (k, n) => [255, 0, 255 - Math.floor((255 * k) / n)]], // magenta → red
  ];
  return segments.flatMap(([n, colour]) => Array.from({ length: n }, (_, k) => colour(k, n)));
}
const WHEEL = colourWheel();

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const rgb = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i]!;
  return [Math.round(rgb[0]! * 255), Math.round(rgb[1]! * 255), Math.round(rgb[2]! * 255)];
}

export function maxMagnitude(field: FlowField): number {
  let max = 0;
  for (let i = 0; i < field.u.length; i += 1) max = Math.max(max, Math.hypot(field.u[i]!, field.v[i]!));
  return max;
}

/** RGBA pixels (width × height × 4) of the field in `mode` (arrows: transparent). */
export function flowToRgba(field: FlowField, mode: FlowMode): Uint8ClampedArray {
  const out = new Uint8ClampedArray(field.width * field.height * 4);
  if (mode === 'arrows') return out;
  const max = maxMagnitude(field) || 1;
  for (let i = 0; i < field.u.length; i += 1) {
    const u = field.u[i]!;
    const v = field.v[i]!;
    const magnitude = Math.hypot(u, v) / max;
    let rgb: [number, number, number];
    if (mode === 'magnitude') {
      const g = Math.round(magnitude * 255);
      rgb = [g, g, g];
    } else {
      // Image y grows downwards; the angle is measured as drawn on screen.
      const angle = (Math.atan2(v, u) + 2 * Math.PI) % (2 * Math.PI);
      if (mode === 'hsv') {
        rgb = hsvToRgb(angle / (2 * Math.PI), 1, magnitude);
      } else {
        const position = (angle / (2 * Math.PI)) * WHEEL.length;
        const a = WHEEL[Math.floor(position) % WHEEL.length]!;
        const b = WHEEL[(Math.floor(position) + 1) % WHEEL.length]!;
        const f = position - Math.floor(position);
        // Saturation grows with magnitude: still pixels are white in the Middlebury wheel.
        rgb = [0, 1, 2].map((c) => Math.round(255 - magnitude * (255 - ((1 - f) * a[c]! + f * b[c]!)))) as [number, number, number];
      }
    }
    out.set([rgb[0], rgb[1], rgb[2], Math.round(Math.min(magnitude * 4, 1) * 255)], i * 4);
  }
  return out;
}

/** Arrow segments [x0, y0, x1, y1] on a grid of `step` pixels, scaled so the longest is ~step. */
export function flowArrows(field: FlowField, step: number): Array<[number, number, number, number]> {
  const max = maxMagnitude(field) || 1;
  const scale = step / max;
  const arrows: Array<[number, number, number, number]> = [];
  for (let y = Math.floor(step / 2); y < field.height; y += step) {
    for (let x = Math.floor(step / 2); x < field.width; x += step) {
      const i = y * field.width + x;
      const u = field.u[i]!;
      const v = field.v[i]!;
      if (Math.hypot(u, v) < max * 0.05) continue;
      arrows.push([x, y, x + u * scale, y + v * scale]);
    }
  }
  return arrows;
}

/** |frame − onset| as a grayscale image, amplified so sub-pixel motion is visible. */
export function differenceRgba(current: Uint8ClampedArray, onset: Uint8ClampedArray, gain = 4): Uint8ClampedArray {
  const out = new Uint8ClampedArray(current.length);
  for (let i = 0; i < current.length; i += 4) {
    const d = (Math.abs(current[i]! - onset[i]!) + Math.abs(current[i + 1]! - onset[i + 1]!) + Math.abs(current[i + 2]! - onset[i + 2]!)) / 3;
    const value = Math.min(255, d * gain);
    out[i] = value;
    out[i + 1] = value;
    out[i + 2] = value;
    out[i + 3] = 255;
  }
  return out;
}
