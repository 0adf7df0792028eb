import { createFlowField, type FlowField } from '../../inference/flow/types';
import type { SkinLayer } from './confounders';
import type { Box, FrameDeformation } from './warp-frame';

/**
 * The skin displacement of frame t: Σ amount(t) · field over the layers active at t
 * (expressions, blinks, gaze, speech), with the box outside which it is exactly zero, so
 * the warp solves only where the skin moves.
 */

const supports = new WeakMap<FlowField, Box | null>();

/** The smallest box holding every non-zero vector of the field (null: all zero), found once per field. */
export function supportOf(field: FlowField): Box | null {
  if (supports.has(field)) return supports.get(field) ?? null;
  const { width, height, data } = field;
  const plane = width * height;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      if (data[i] === 0 && data[plane + i] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const box = x1 < 0 ? null : { x0, y0, x1, y1 };
  supports.set(field, box);
  return box;
}

/**
 * A field reused frame after frame for the sum of several layers; `dirty` is where the last
 * sum wrote (everything outside it is zero), so only that is cleared, not the whole frame.
 */
export interface DeformationScratch {
  readonly field: FlowField;
  dirty: Box | null;
}

export const deformationScratch = (width: number, height: number): DeformationScratch => ({ field: createFlowField(width, height), dirty: null });

function clear(scratch: DeformationScratch): void {
  const box = scratch.dirty;
  if (!box) return;
  const { width, height, data } = scratch.field;
  const plane = width * height;
  for (let y = box.y0; y <= box.y1; y += 1) {
    data.fill(0, y * width + box.x0, y * width + box.x1 + 1);
    data.fill(0, plane + y * width + box.x0, plane + y * width + box.x1 + 1);
  }
  scratch.dirty = null;
}

/**
 * The deformation at t of `layers` over a width × height photo. Several active layers are
 * summed into `scratch` when given (valid until its next use), into a new field otherwise.
 */
export function deformationAt(layers: readonly SkinLayer[], width: number, height: number, t: number, scratch?: DeformationScratch): FrameDeformation | null {
  const active = layers.filter((l) => t >= l.from && t <= l.to && l.amount(t) !== 0);
  if (active.length === 0) return null;
  if (active.length === 1) {
    const layer = active[0] as SkinLayer;
    return { field: layer.field, scale: layer.amount(t), box: supportOf(layer.field) };
  }
  if (scratch) clear(scratch);
  const sum = scratch ? scratch.field : createFlowField(width, height);
  const plane = width * height;
  let box: Box | null = null;
  for (const layer of active) {
    const a = layer.amount(t);
    const b = supportOf(layer.field);
    if (!b) continue;
    box = box ? { x0: Math.min(box.x0, b.x0), y0: Math.min(box.y0, b.y0), x1: Math.max(box.x1, b.x1), y1: Math.max(box.y1, b.y1) } : b;
    // Only the field's support: everywhere else it adds exactly zero.
    for (let y = b.y0; y <= b.y1; y += 1) {
      for (let i = y * width + b.x0, end = y * width + b.x1; i <= end; i += 1) {
        sum.data[i] = (sum.data[i] as number) + a * (layer.field.data[i] as number);
        sum.data[plane + i] = (sum.data[plane + i] as number) + a * (layer.field.data[plane + i] as number);
      }
    }
  }
  if (scratch) scratch.dirty = box;
  return { field: sum, scale: 1, box };
}
