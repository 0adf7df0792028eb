import type { FlowField } from '../../inference/flow/types';

/**
 * Middlebury .flo encoding (tag 202021.25 "PIEH", int32 width, int32 height, then
 * interleaved float32 u, v row by row, little-endian). A minimal local writer for the
 * synthetic ground truth; the flow stage owns .flo reading and writing in general.
 */
export const FLO_TAG = 202021.25;

export function encodeFlo(field: FlowField): Buffer {
  const { width, height, data } = field;
  const plane = width * height;
  const out = Buffer.alloc(12 + 8 * plane);
  out.writeFloatLE(FLO_TAG, 0);
  out.writeInt32LE(width, 4);
  out.writeInt32LE(height, 8);
  for (let i = 0; i < plane; i += 1) {
    out.writeFloatLE(data[i] as number, 12 + 8 * i);
    out.writeFloatLE(data[plane + i] as number, 16 + 8 * i);
  }
  return out;
}
