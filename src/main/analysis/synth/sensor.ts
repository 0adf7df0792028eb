/**
 * The sensor's last step: a frame of RGB floats plus Gaussian noise of `level` (8-bit
 * levels), rounded and clamped to bytes. The noise is either a bank plane read from
 * `shift` on, or fresh normals drawn in pixel order. One small function per case, so the
 * loop over every byte of every frame stays a tight one.
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

export function quantizeFrame(rgb: Float32Array, noise: FrameNoise, out: Uint8Array): void {
  if (noise.kind === 'bank') withBank(rgb, noise.level, noise.plane, noise.shift, out);
  else if (noise.kind === 'fresh') withFresh(rgb, noise.level, noise.normal, out);
  else withFresh(rgb, 0, () => 0, out);
}

function withBank(rgb: Float32Array, level: number, plane: Float32Array, shift: number, out: Uint8Array): void {
  const n = out.length;
  for (let i = 0; i < n; i += 1) out[i] = roundByte((rgb[i] as number) + level * (plane[i + shift] as number));
}

function withFresh(rgb: Float32Array, level: number, normal: () => number, out: Uint8Array): void {
  const n = out.length;
  for (let i = 0; i < n; i += 1) out[i] = roundByte((rgb[i] as number) + (level > 0 ? level * normal() : 0));
}
