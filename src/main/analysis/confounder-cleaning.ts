import type { MotionSignal } from './spotting';
import { commonMode, jawDrop, PART_OF, partProfiles, peakOf, SPILL, type ConfounderInterval } from './motion-cause';
import { quantileSorted } from '../util/quantile';

/**
 * Taking the blinks, gaze shifts and speech bouts that motion-cause.ts found out of the
 * spotting signal, so that what is left is expression evidence.
 */

const quantile = (sorted: ArrayLike<number>, q: number): number => quantileSorted(sorted, q, 0);

/** Speech's lips and chin move in the bout's own proportions: a ROI keeps what exceeds them by more than this share. */
const SPEECH_PATTERN_TOLERANCE = 0.5;
/** Lips and chin that carry a bout (their share at least this of the strongest one's) measure how far it opened at each frame. */
const SPEECH_CARRIER_SHARE = 0.5;

/**
 * A speech bout's lip-and-jaw pattern: per mouth ROI, its motion above the common mode as a
 * share of the mouth's strongest ROI, the median over the bout's clear openings (frames
 * at half the bout's peak or more) that drop the jaw. When the lagged signal cancels
 * mid-bout, an expression next to the talking and its echo can be most of the clear
 * frames; a raised upper lip (AU10), a chin raise (AU17) or a lip press (AU24) moves one
 * part of the mouth, not the lower lip and the chin together, so it does not set the
 * pattern. A bout with no jaw drop at all is read from all its clear openings.
 */
function speechPattern(signal: MotionSignal, mouthNames: readonly string[], common: Float32Array, mouth: Float32Array, from: number, to: number): Map<string, number> {
  const peak = peakOf(mouth, from, to).value;
  const clear: number[] = [];
  for (let t = from; t <= to; t += 1) if (peak > 0 && (mouth[t] as number) >= 0.5 * peak) clear.push(t);
  const jaw = clear.filter((t) => jawDrop(signal, common, mouth, t));
  const frames = jaw.length ? jaw : clear;
  const pattern = new Map<string, number>();
  for (const name of mouthNames) {
    const values = signal.channels[name] as Float32Array;
    const shares = Float32Array.from(frames, (t) => Math.max(0, (values[t] as number) - (common[t] as number)) / (mouth[t] as number)).sort();
    pattern.set(name, frames.length ? quantile(shares, 0.5) : 1);
  }
  return pattern;
}

/**
 * The signal with each confounder's motion taken out of its frames, so that what is left
 * is expression evidence: within a blink or gaze shift the eyelid ROIs read as the common
 * mode and the brows and mid face lose the share a lid spills onto them. Within speech each
 * lip and chin ROI loses what the bout's own pattern explains at that frame (how far the
 * carrying ROIs say the jaw opened, times the ROI's share, with a tolerance), so a chin
 * raise or lip press that departs from the talking's proportions stays; the mid face
 * (mouth corners, cheeks) loses the share the lips spill. An expression overlapping the
 * confounder keeps what exceeds it.
 */
export function withoutConfounders(signal: MotionSignal, confounders: readonly ConfounderInterval[]): MotionSignal {
  if (confounders.length === 0) return signal;
  const names = Object.keys(signal.channels);
  const frames = names.length ? (signal.channels[names[0] as string] as Float32Array).length : 0;
  const common = commonMode(names.filter((n) => PART_OF.get(n) !== 'upperLid').map((n) => signal.channels[n] as Float32Array), frames);
  const profiles = partProfiles(signal);
  const channels: Record<string, Float32Array> = {};
  for (const name of names) channels[name] = (signal.channels[name] as Float32Array).slice();
  const mouthNames = names.filter((n) => PART_OF.get(n) === 'mouth');
  for (const c of confounders) {
    const eye = c.cause !== 'speech';
    const from = Math.max(0, c.onset);
    const to = Math.min(frames - 1, c.offset);
    const pattern = eye ? null : speechPattern(signal, mouthNames, common, profiles.part.mouth, from, to);
    const strongest = pattern ? Math.max(0, ...pattern.values()) : 0;
    const carriers = pattern ? mouthNames.filter((n) => (pattern.get(n) as number) >= SPEECH_CARRIER_SHARE * strongest && strongest > 0) : [];
    for (let t = from; t <= to; t += 1) {
      const source = eye ? Math.max(profiles.part.upperLid[t] as number, profiles.part.lowerLid[t] as number) : (profiles.part.mouth[t] as number);
      const base = common[t] as number;
      // How far the talking opened the mouth at t: the least any carrier's motion says.
      let opened = carriers.length ? Infinity : 0;
      for (const n of carriers) {
        const above = ((signal.channels[n] as Float32Array)[t] as number) - base;
        opened = Math.min(opened, Math.max(0, above) / (pattern?.get(n) as number));
      }
      for (const name of names) {
        const p = PART_OF.get(name);
        const values = channels[name] as Float32Array;
        const v = values[t] as number;
        const removed = eye
          ? p === 'upperLid' || p === 'lowerLid' ? Infinity : p === 'brow' ? SPILL.brow * source : p === 'midFace' ? SPILL.midFace * source : 0
          : p === 'mouth' ? (1 + SPEECH_PATTERN_TOLERANCE) * (pattern?.get(name) ?? 0) * Math.max(0, opened) : p === 'midFace' ? SPILL.midFace * source : 0;
        if (removed > 0) values[t] = Math.min(v, Math.max(base, v - removed));
      }
    }
  }
  return { lag: signal.lag, channels };
}
