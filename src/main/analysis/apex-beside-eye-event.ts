/**
 * A blink or gaze shift a few frames before (or after) an expression joins it into one run of
 * the face signal: the eye event spills onto lids, brows and cheeks far more strongly than a
 * subtle expression moves, so the run's apex is the eye event's and the AUs read there are the
 * blink's. When the run's apex lies inside an eye event's trace and the face has a peak of its
 * own beyond that trace, parted from it by a valley, the expression is that part.
 */

/** An eye event's trace in a lagged face signal: `end` includes its echo. */
export interface EyeTrace {
  readonly onset: number;
  readonly end: number;
}

export interface ApexInterval {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
}

/**
 * A separate peak must stand at least this far above the valley that parts it from the eye
 * event: the face signal dips near its floor between a blink's echo and an expression's rise,
 * while the blink's own closing and reopening part by a shallower dip.
 */
const VALLEY_SHARE = 0.5;

/**
 * An expression beside the eye event shows as itself and its echo, at least a lag of frames,
 * and holds above the threshold for half a lag; a part shorter than that is the interval's own
 * echo behind an eye-like lid motion (a lid raise read as a blink), a part held for a frame or
 * two is noise.
 */
function isExpressionPart(face: Float32Array, from: number, to: number, threshold: number, lag: number): boolean {
  if (to - from + 1 < lag) return false;
  let held = 0;
  for (let t = from; t <= to; t += 1) if ((face[t] as number) >= threshold) held += 1;
  return held >= Math.ceil(lag / 2);
}

function argmin(signal: Float32Array, from: number, to: number): number {
  let best = from;
  for (let t = from + 1; t <= to; t += 1) if ((signal[t] as number) < (signal[best] as number)) best = t;
  return best;
}

/**
 * The part of `interval` that is the expression when its apex lies in an eye event's trace,
 * or null when no part stands apart (the interval is the eye event alone, or the face has no
 * peak of its own above `threshold` outside it). `peakOf(from, to)` reads the expression's
 * apex on a stretch the way the spotting does (an echo is not an apex); `lag` is the signal's.
 */
export function apexBesideEyeEvent(face: Float32Array, interval: ApexInterval, eyes: readonly EyeTrace[], threshold: number, lag: number, peakOf: (from: number, to: number) => number): ApexInterval | null {
  const last = Math.min(interval.offset, face.length - 1);
  const first = Math.max(0, interval.onset);
  for (const eye of eyes) {
    if (interval.apex < eye.onset || interval.apex > eye.end) continue;
    // After the eye event: the stretch from its trace's end to the interval's offset.
    if (eye.end + 1 < last) {
      const apex = peakOf(eye.end + 1, last);
      const valley = argmin(face, interval.apex, apex);
      if ((face[apex] as number) >= threshold && valley < apex && (face[valley] as number) <= VALLEY_SHARE * (face[apex] as number) && isExpressionPart(face, valley, last, threshold, lag)) {
        return { onset: valley, apex, offset: interval.offset };
      }
    }
    // Before it: the stretch from the interval's onset to the eye event's start.
    if (first < eye.onset - 1) {
      const apex = peakOf(first, eye.onset - 1);
      const valley = argmin(face, apex, interval.apex);
      if ((face[apex] as number) >= threshold && valley > apex && (face[valley] as number) <= VALLEY_SHARE * (face[apex] as number) && isExpressionPart(face, first, valley, threshold, lag)) {
        return { onset: interval.onset, apex, offset: Math.max(apex, Math.min(valley, eye.onset - 1)) };
      }
    }
  }
  return null;
}
