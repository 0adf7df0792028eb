import { AppError } from '@shared/errors';
import type { RgbImage } from '../../media/image';

/**
 * Lighting confounders as a pure per-frame intensity transform: nothing moves, so the
 * ground-truth flow of a clip is the same with or without them.
 *
 * - Mains flicker: a lamp on 50/60 Hz mains pulses at twice that rate. With a rolling
 *   shutter each row is read `rowTime` later than the one above, so the pulse shows as
 *   horizontal bands whose phase rolls from frame to frame at the capture rate (100 Hz
 *   against 30 fps advances a third of a cycle per frame).
 * - Global flicker: the whole frame's brightness follows the same pulse (a global
 *   shutter, or a band wider than the frame).
 * - Auto-exposure and white-balance drift: slow gain changes over seconds, the exposure
 *   on all channels, the white balance red against blue.
 *
 * Row y of frame t is multiplied per channel c by
 *   exposure(t) · wb_c(t) · (1 + flicker·cos(ω·τ₀) + banding·cos(ω·(τ₀ + y·rowTime)))
 * with τ₀ = t / fps and ω = 2π · 2 · mains.
 */
export interface LightingOptions {
  /** Mains frequency in Hz (the light pulses at twice it). Default 50. */
  readonly mains?: 50 | 60;
  /** Relative depth of the rolling bands (0–0.5). */
  readonly banding?: number;
  /** Relative depth of the global frame-to-frame flicker (0–0.5). */
  readonly flicker?: number;
  /** Relative amplitude of the auto-exposure gain drift (0–0.5). */
  readonly exposureDrift?: number;
  /** Relative amplitude of the red-against-blue white-balance drift (0–0.5). */
  readonly whiteBalanceDrift?: number;
  /** Period of the exposure and white-balance drift in seconds (default 8). */
  readonly driftPeriod?: number;
  /** Rolling-shutter read-out time of one row in seconds (default: the frame read over 1/fps · 0.8). */
  readonly rowTime?: number;
  /** Phase of the drift in radians (default 0), so sessions differ. */
  readonly phase?: number;
}

/** What lighting does to one frame: per-channel gains and the per-row band factor. */
export interface FrameLighting {
  readonly gain: readonly [number, number, number];
  /** Multiplier of each row (1 without banding or flicker). */
  readonly rows: Float32Array;
}

const DEPTH_LIMIT = 0.5;

export function checkLighting(o: LightingOptions): void {
  const depths: Array<[string, number | undefined]> = [['banding', o.banding], ['flicker', o.flicker], ['exposureDrift', o.exposureDrift], ['whiteBalanceDrift', o.whiteBalanceDrift]];
  for (const [name, value] of depths) {
    if (value !== undefined && !(value >= 0 && value <= DEPTH_LIMIT)) throw new AppError('INVALID_INPUT', `Lighting ${name} must be 0–${DEPTH_LIMIT}, got ${value}.`);
  }
  if (o.mains !== undefined && o.mains !== 50 && o.mains !== 60) throw new AppError('INVALID_INPUT', `Mains frequency must be 50 or 60 Hz, got ${String(o.mains)}.`);
  if (o.driftPeriod !== undefined && !(o.driftPeriod > 0 && Number.isFinite(o.driftPeriod))) throw new AppError('INVALID_INPUT', `Drift period must be a positive number of seconds, got ${o.driftPeriod}.`);
  if (o.rowTime !== undefined && !(o.rowTime >= 0 && Number.isFinite(o.rowTime))) throw new AppError('INVALID_INPUT', `Row time must be ≥ 0 seconds, got ${o.rowTime}.`);
}

/** Whether the options change any pixel. */
export function hasLighting(o: LightingOptions | undefined): boolean {
  return !!o && [o.banding, o.flicker, o.exposureDrift, o.whiteBalanceDrift].some((v) => (v ?? 0) > 0);
}

export function frameLighting(o: LightingOptions, t: number, fps: number, height: number): FrameLighting {
  checkLighting(o);
  if (!(fps > 0) || !Number.isInteger(height) || height < 1) throw new AppError('INVALID_INPUT', `Lighting needs fps > 0 and a frame height ≥ 1 (got ${fps}, ${height}).`);
  const omega = 2 * Math.PI * 2 * (o.mains ?? 50);
  const start = t / fps;
  const rowTime = o.rowTime ?? 0.8 / fps / height;
  const flicker = (o.flicker ?? 0) * Math.cos(omega * start);
  const banding = o.banding ?? 0;
  const rows = new Float32Array(height);
  for (let y = 0; y < height; y += 1) rows[y] = 1 + flicker + (banding > 0 ? banding * Math.cos(omega * (start + y * rowTime)) : 0);
  const drift = Math.sin((2 * Math.PI * start) / (o.driftPeriod ?? 8) + (o.phase ?? 0));
  const exposure = 1 + (o.exposureDrift ?? 0) * drift;
  // White balance swings on its own slower cycle, so it is not a copy of the exposure.
  const wb = (o.whiteBalanceDrift ?? 0) * Math.sin((2 * Math.PI * start) / ((o.driftPeriod ?? 8) * 1.7) + 2 * (o.phase ?? 0) + 1);
  return { gain: [exposure * (1 + wb), exposure, exposure * (1 - wb)], rows };
}

/** Frame t (at `fps`) under the lighting; a new image, the input is left as it is. */
export function applyLighting(image: RgbImage, o: LightingOptions, t: number, fps: number): RgbImage {
  const { width, height, data } = image;
  const { gain, rows } = frameLighting(o, t, fps, height);
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    const r = rows[y] as number;
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c += 1) out[i + c] = Math.min(255, Math.max(0, Math.round((data[i + c] as number) * r * (gain[c] as number))));
    }
  }
  return { width, height, channels: 3, data: out };
}
