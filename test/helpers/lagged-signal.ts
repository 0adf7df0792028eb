import { ROI_NAMES } from '@shared/rois';
import type { MotionSignal } from '../../src/main/analysis/spotting';
import { gaussian } from '../../src/main/analysis/synth/random';

/** Each ROI's displacement (in the spotting signal's units) at frame t. */
export type Displacement = (roi: string, t: number) => number;

/**
 * A spotting signal built from known displacements, as the scan measures one: per ROI
 * |D(t) − D(t − lag)| plus a little gaussian noise, zero over the first lag frames.
 */
export function laggedSignal(displacement: Displacement, frames: number, lag: number, seed: number): MotionSignal {
  const rand = gaussian(seed);
  const channels: Record<string, Float32Array> = {};
  for (const roi of ROI_NAMES) {
    const values = new Float32Array(frames);
    for (let t = lag; t < frames; t += 1) values[t] = Math.abs(displacement(roi, t) - displacement(roi, t - lag) + 0.01 * rand());
    channels[roi] = values;
  }
  return { lag, channels };
}
