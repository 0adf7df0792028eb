/**
 * Where an image drawn on the face crop lands on the frame: the crop window may reach past
 * the frame's edges (a face near the border), and the overlay must never draw outside the
 * image, so only the part of the crop inside the frame is placed, cut from the matching
 * part of the image.
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Placement {
  /** Where it is drawn, frame pixels (inside the frame). */
  readonly target: Rect;
  /** The part of the image drawn there, image pixels. */
  readonly source: Rect;
}

/**
 * `crop` = [x, y, width, height] of the face crop in frame pixels, `image` the overlay's
 * own size (the flow grid); null when nothing of the crop lies in the frame.
 */
export function placeOnFrame(crop: readonly [number, number, number, number], image: { width: number; height: number }, frame: { width: number; height: number }): Placement | null {
  const [cx, cy, cw, ch] = crop;
  if (!(cw > 0 && ch > 0 && image.width > 0 && image.height > 0)) return null;
  const x0 = Math.max(cx, 0);
  const y0 = Math.max(cy, 0);
  const x1 = Math.min(cx + cw, frame.width);
  const y1 = Math.min(cy + ch, frame.height);
  if (!(x1 > x0 && y1 > y0)) return null;
  const sx = image.width / cw;
  const sy = image.height / ch;
  return {
    target: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
    source: { x: (x0 - cx) * sx, y: (y0 - cy) * sy, width: (x1 - x0) * sx, height: (y1 - y0) * sy },
  };
}
