import type { FrameLighting } from './lighting';

/**
 * The sensor's last step: a frame of RGB floats under the frame's lighting (per-row and
 * per-channel gains, capped at 255), plus Gaussian noise of `level` (8-bit levels), rounded
 * and clamped to bytes. The noise is either a bank plane read from `shift` on, or fresh
 * normals drawn in pixel order. Row by row: the lit row is written back as float32s and
 * read again for the noise while it is still in cache, the same values as a lighting pass
 * over the whole frame followed by a noise pass.
 */

export type FrameNoise =
  | { readonly kind: 'none' }
  | { readonly kind: 'bank'; readonly level: number; readonly plane: Float32Array; readonly shift: number }
  | { readonly kind: 'fresh'; readonly level: number; readonly normal: () => number };

/**
 * Math.min(255, Math.max(0, Math.round(v))), exactly (NaN gives 0, as a byte store of NaN
 * does), through Math.floor: Math.round costs several times more in this loop. floor(v + 0.5)
 * is one too high only where v + 0.5 rounds up onto an integer (v = 0.49999999999999994),
 * which the second test takes back.
 */
export function roundByte(v: number): number {
  let r = Math.floor(v + 0.5);
  if (r - 0.5 > v) r -= 1;
  return r > 255 ? 255 : r > 0 ? r : 0;
}

/** `rgb` (interleaved, rows of `width` pixels) lit by `light` (none: as it is), noised and rounded into `out`. */
export function quantizeFrame(rgb: Float32Array, width: number, light: FrameLighting | null, noise: FrameNoise, out: Uint8Array): void {
  const rows = out.length / (3 * width);
  for (let y = 0; y < rows; y += 1) {
    const from = 3 * width * y;
    const to = from + 3 * width;
    if (light) lightRow(rgb, from, to, light.rows[y] as number, light.gain);
    if (noise.kind === 'bank') withBank(rgb, from, to, noise.level, noise.plane, noise.shift, out);
    else if (noise.kind === 'fresh') withFresh(rgb, from, to, noise.level, noise.normal, out);
    else withFresh(rgb, from, to, 0, () => 0, out);
  }
}

/** The lighting of one row, in place (the row is read once more right after, while in cache). */
function lightRow(rgb: Float32Array, from: number, to: number, r: number, gain: readonly [number, number, number]): void {
  const [g0, g1, g2] = gain;
  for (let i = from; i < to; i += 3) {
    rgb[i] = Math.min(255, (rgb[i] as number) * r * g0);
    rgb[i + 1] = Math.min(255, (rgb[i + 1] as number) * r * g1);
    rgb[i + 2] = Math.min(255, (rgb[i + 2] as number) * r * g2);
  }
}

function withBank(rgb: Float32Array, from: number, to: number, level: number, plane: Float32Array, shift: number, out: Uint8Array): void {
  for (let i = from; i < to; i += 1) out[i] = roundByte((rgb[i] as number) + level * (plane[i + shift] as number));
}

function withFresh(rgb: Float32Array, from: number, to: number, level: number, normal: () => number, out: Uint8Array): void {
  for (let i = from; i < to; i += 1) out[i] = roundByte((rgb[i] as number) + (level > 0 ? level * normal() : 0));
}
