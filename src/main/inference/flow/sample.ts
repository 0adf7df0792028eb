/**
 * Bilinear sample of one plane (starting at `offset` in `data`) at sub-pixel (x, y),
 * clamped to the plane's borders. Shared by flow sampling and synthetic warping.
 */
export function bilinearAt(data: ArrayLike<number>, offset: number, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.min(Math.floor(cx), Math.max(width - 2, 0));
  const y0 = Math.min(Math.floor(cy), Math.max(height - 2, 0));
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (xx: number, yy: number) => data[offset + yy * width + xx] as number;
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}
