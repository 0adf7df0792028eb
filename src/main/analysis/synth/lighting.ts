import { AppError } from '@shared/errors';
import type { RgbImage } from '../../media/image';

/**
 * Lighting changes that are not motion, applied to a rendered frame: mains flicker (a
 * global brightness flicker, and the bands a rolling shutter makes of it, moving through
 * the frame from one frame to the next), auto-exposure drift (slow global gain) and
 * white-balance drift (slow per-channel gains). A pure function of the frame index: frame
 * t of a clip gets the same light whatever order frames are rendered in.
 *
 * Mains lights pulse at twice the mains frequency (100 Hz on 50 Hz mains, 120 Hz on 60 Hz).
 * A camera at 30 fps samples that pulse below its Nyquist rate, so the global flicker
 * aliases to |100 − 3·30| = 10 Hz (120 Hz → 0 Hz: no global flicker, only the bands). A
 * rolling shutter reads rows at different times: the pulse shows as horizontal bands,
 * `bandsPerFrame` = pulse Hz × readout time across the frame, drifting by the pulse's
 * phase advance per frame.
 */
export interface LightingChange {
  /** Global flicker: relative amplitude (0.05 = ±5 %) at the pulse frequency, aliased by the frame rate. */
  readonly flicker?: number;
  /** Pulse frequency in Hz (default 100: 50 Hz mains). */
  readonly pulseHz?: number;
  /** Rolling-shutter bands: relative amplitude. */
  readonly banding?: number;
  /** Band cycles from the top to the bottom of the frame (default 3: a 30 ms readout at 100 Hz). */
  readonly bandsPerFrame?: number;
  /** Auto-exposure drift: relative gain amplitude, a slow sine over `driftSeconds`. */
  readonly exposureDrift?: number;
  /** White-balance drift: relative amplitude of opposite red / blue gains over `driftSeconds`. */
  readonly whiteBalanceDrift?: number;
  /** Period of both drifts in seconds (default 8). */
  readonly driftSeconds?: number;
}

const MAX_AMPLITUDE = 0.5;

function check(change: LightingChange, fps: number): void {
  const amplitudes = [change.flicker, change.banding, change.exposureDrift, change.whiteBalanceDrift];
  if (amplitudes.some((a) => a !== undefined && !(a >= 0 && a <= MAX_AMPLITUDE))) {
    throw new AppError('INVALID_INPUT', `Lighting amplitudes must be 0–${MAX_AMPLITUDE} (relative gain).`);
  }
  const positive = [change.pulseHz, change.bandsPerFrame, change.driftSeconds];
  if (positive.some((v) => v !== undefined && !(v > 0 && Number.isFinite(v))) || !(fps > 0)) {
    throw new AppError('INVALID_INPUT', 'Lighting needs fps > 0 and positive pulse, band and drift periods.');
  }
}

/** Frame `t` of a clip at `fps` under the lighting change (a new image; the input is not touched). */
export function applyLighting(image: RgbImage, t: number, fps: number, change: LightingChange): RgbImage {
  check(change, fps);
  const { width, height, data } = image;
  const seconds = t / fps;
  const pulse = change.pulseHz ?? 100;
  const phase = 2 * Math.PI * pulse * seconds;
  const drift = 2 * Math.PI * (seconds / (change.driftSeconds ?? 8));
  const global = 1 + (change.flicker ?? 0) * Math.sin(phase) + (change.exposureDrift ?? 0) * Math.sin(drift);
  const wb = (change.whiteBalanceDrift ?? 0) * Math.sin(drift + 1);
  const channelGain = [global * (1 + wb), global, global * (1 - wb)] as const;
  const banding = change.banding ?? 0;
  const bands = change.bandsPerFrame ?? 3;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    // Each row is read later than the one above: the pulse's phase grows down the frame.
    const row = 1 + banding * Math.sin(phase + (2 * Math.PI * bands * y) / height);
    for (let x = 0, o = y * width * 3; x < width; x += 1, o += 3) {
      for (let c = 0; c < 3; c += 1) out[o + c] = Math.min(255, Math.max(0, Math.round((data[o + c] as number) * row * (channelGain[c] as number))));
    }
  }
  return { width, height, channels: 3, data: out };
}
