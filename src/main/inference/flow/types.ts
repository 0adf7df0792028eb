/**
 * A dense optical-flow field: `data` holds the u plane then the v plane ([2, H, W]),
 * in pixels of the input, convention frame1 (x, y) → frame2 (x + u, y + v).
 */
export interface FlowField {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export function flowAt(field: FlowField, x: number, y: number): [number, number] {
  const i = y * field.width + x;
  return [field.data[i] as number, field.data[field.width * field.height + i] as number];
}

export function createFlowField(width: number, height: number): FlowField {
  return { width, height, data: new Float32Array(2 * width * height) };
}

/** Mean and maximum vector length over pixels with known flow. */
export function flowMagnitudeStats(field: FlowField): { meanMagnitude: number; maxMagnitude: number } {
  const plane = field.width * field.height;
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let i = 0; i < plane; i += 1) {
    const m = Math.hypot(field.data[i] as number, field.data[plane + i] as number);
    if (!(m < 1e9)) continue;
    sum += m;
    max = Math.max(max, m);
    count += 1;
  }
  return { meanMagnitude: count ? sum / count : 0, maxMagnitude: max };
}
