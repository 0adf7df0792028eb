import { bumps, type ConfounderInterval } from './motion-cause';
import { quantileSorted } from '../util/quantile';

/**
 * The session rule of spotting (spotting.ts uses it for recordings of `SESSION_SECONDS`
 * or more): each ROI read against its own quiet motion, runs long enough to be an
 * expression and its echo, and upper-lid-led intervals set apart as eye movements.
 */

/**
 * A recording at least this long (and 20 lags) is read as a session: each ROI against its
 * own quiet motion (`sessionScore`), the threshold `sessionDeviations` of them, and an
 * interval led by the upper eyelids (`eyeMovement`) is an eye movement. Set on the
 * fitting sessions of bench/fit/session-signals.ts (seeds 7400–7405: 2.5-min 30 fps and
 * 45-s 200 fps recordings with every confounder mix of the bench's set), never on the
 * bench's sessions (2291–2295): spotted micro F1 0.10 → 0.29, macro 0.16 → 0.24, false
 * micro-expressions 14.3 → 4.0 a minute (bench/fit/spot-sessions.ts) before the
 * run-length and eye-share rules below. Dataset clips (≤ 2 s) keep the clip rule: their
 * few frames hold no quiet time to measure.
 */
export const SESSION_SECONDS = 20;
/**
 * A session's run lasts at least this many lags: an expression and its echo. On the
 * fitting sessions (seeds 7400–7405) with each ROI's running median, the threshold at 6
 * deviations and the run floor at 0.6 of it: 2.3 lags left 0.26 false micro-expressions a
 * minute (micro F1 0.59, macro 0.49), 2 lags 0.52 (0.65), 1.7 lags 0.87 (0.63), 2.5 lags
 * 0.26 but lost five more true ones (0.45). Without the median, 1.7 lags and 8 deviations
 * had been best (0.43 a minute, micro F1 0.49, macro 0.22).
 * With the blink-under-glasses rule (`eyeMovement`) and runs merged across 1.5 lags, on the
 * nine fitting sessions (seeds 7400–7405, 7600–7602): 2.1 lags gave micro F1 0.63 at 0.23
 * false a minute (macro 0.50); 2.3 and 2.2 0.57 at 0.23 (0.50); 2.0 0.61 at 0.41. An
 * expression's first and last frames move too little to stay above the run floor, so the
 * run of a 240–260-ms micro-expression spans 2.1–2.2 lags (the 200-fps sessions' AU10s).
 */
export const SESSION_MIN_RUN_LAGS = 2.1;
/**
 * A session's runs closer than this many lags are one. A macro-expression that falls slowly
 * shows its rise and the rise's echo as one run and its fall as another, the lagged signal
 * under the run floor between them for a little over a lag; read apart, the first is a
 * micro-expression of the rise only and the second a false one. On the nine fitting
 * sessions (seeds 7400–7405, 7600–7602; runs of 2.1 lags): 1 lag (the clip rule's) gave
 * micro F1 0.62 at 0.41 false micro-expressions a minute (macro 0.48), 1.25 lags 0.62 at
 * 0.29 (0.50), 1.5 lags 0.63 at 0.23 (0.50), 1.7 0.63 at 0.30, 2 0.60 at 0.30 (0.50): past
 * 1.5 an expression merges with a blink or speech next to it.
 */
export const SESSION_MERGE_LAGS = 1.5;
/** A session's ROI statistics are taken per window of this many seconds (lighting and posture drift over minutes). */
const SESSION_WINDOW_SECONDS = 60;
const quantile = (sorted: ArrayLike<number>, q: number): number => quantileSorted(sorted, q, 0);

/**
 * Each ROI's motion is taken as the running median over this share of the lag before it
 * is read against its quiet motion. Lagged flow jitters frame to frame (codec, flicker,
 * tremor): on the fitting sessions (seeds 7400–7405) a quiet ROI's single-frame spikes
 * reached the expressions' deviations and broke their runs below `SESSION_MIN_RUN_LAGS`,
 * while an expression and its echo hold for about two lags. A median keeps an
 * expression's rise and fall where they were (a mean spreads them, and glints with them).
 */
const SESSION_SMOOTH_LAGS = 0.5;

/** Running median over `width` frames (centred), by a sorted window updated frame by frame. */
export function runningMedian(values: Float32Array, width: number): Float32Array {
  const n = values.length;
  const w = Math.max(1, Math.min(n, Math.floor(width)));
  if (w <= 1) return values.slice();
  const out = new Float32Array(n);
  const sorted: number[] = [];
  const insert = (v: number): void => {
    let i = sorted.length;
    while (i > 0 && (sorted[i - 1] as number) > v) i -= 1;
    sorted.splice(i, 0, v);
  };
  const remove = (v: number): void => {
    const i = sorted.indexOf(v);
    if (i >= 0) sorted.splice(i, 1);
  };
  const half = Math.floor(w / 2);
  // Window of frame t: [t − half, t − half + w), clipped to the recording.
  let from = 0;
  let to = 0;
  for (let t = 0; t < n; t += 1) {
    const a = Math.max(0, t - half);
    const b = Math.min(n, t - half + w);
    for (; to < b; to += 1) insert(values[to] as number);
    for (; from < a; from += 1) remove(values[from] as number);
    out[t] = sorted[Math.floor(sorted.length / 2)] as number;
  }
  return out;
}

/**
 * A session's score per frame: how far the most deviant ROI moves beyond its own quiet
 * motion. Over minutes each ROI has its own noise — lips and chin jitter more than the
 * nose, tremor and glints move some regions more than others — so one threshold on the
 * pooled motion is deaf where the face is quiet and fires where it is not (measured on
 * the fitting sessions: expressions peaked at 0.5–1.2× that threshold, and a third of the
 * intervals above it were noise). Each ROI's motion (its running median over
 * `SESSION_SMOOTH_LAGS`) is read as deviations from its median (MAD-scaled), per window
 * of `SESSION_WINDOW_SECONDS`, on the frames no blink, gaze shift or speech covers. The
 * ROI's own motion, not its motion above the common mode: on the fitting sessions the
 * common mode's frame-to-frame jitter made the deviations of quiet ROIs heavy-tailed.
 * Frames before the lag measure nothing and score 0. `smoothed` false reads the motion
 * frame by frame, for the shape of a blink (the one-frame dip between its closing and
 * the echo of its reopening).
 */
export function sessionScore(channels: readonly Float32Array[], lag: number, fps: number, busy: Uint8Array, minDeviation: number, smoothed = true): Float32Array {
  return mostDeviant(channelDeviations(channels, lag, fps, busy, minDeviation, smoothed), busy.length);
}

/** Per frame, the largest of `deviations` (0 where there are none). */
export function mostDeviant(deviations: readonly Float32Array[], frames: number): Float32Array {
  const out = new Float32Array(frames);
  for (const d of deviations) for (let t = 0; t < frames; t += 1) if ((d[t] as number) > (out[t] as number)) out[t] = d[t] as number;
  return out;
}

/** `sessionScore` ROI by ROI: each channel's deviations from its own quiet motion (0 below its median). */
export function channelDeviations(channels: readonly Float32Array[], lag: number, fps: number, busy: Uint8Array, minDeviation: number, smoothed = true): Float32Array[] {
  const smooth = smoothed ? Math.max(1, Math.round(SESSION_SMOOTH_LAGS * lag)) : 1;
  return quietDeviations(channels.map((raw) => runningMedian(raw, smooth)), lag, fps, busy, minDeviation);
}

/**
 * Each (already smoothed) channel as deviations from its median, MAD-scaled, per window of
 * `SESSION_WINDOW_SECONDS`, on the frames `busy` leaves free; frames before the lag score 0.
 */
export function quietDeviations(channels: readonly Float32Array[], lag: number, fps: number, busy: Uint8Array, minDeviation: number): Float32Array[] {
  const n = busy.length;
  const windowFrames = Math.max(Math.round(SESSION_WINDOW_SECONDS * fps), 20 * lag);
  const windows = Math.max(1, Math.round((n - lag) / windowFrames));
  const values: number[] = [];
  return channels.map((channel) => {
    const score = new Float32Array(n);
    for (let w = 0; w < windows; w += 1) {
      const from = lag + Math.floor((w * (n - lag)) / windows);
      const to = lag + Math.floor(((w + 1) * (n - lag)) / windows);
      values.length = 0;
      for (let t = from; t < to; t += 1) if (!busy[t]) values.push(channel[t] as number);
      // A window a confounder fills (a talking stretch) is read whole: its jitter is the quiet level there.
      if (values.length < (to - from) / 4) for (let t = from; t < to; t += 1) values.push(channel[t] as number);
      values.sort((a, b) => a - b);
      const median = quantile(values, 0.5);
      for (let i = 0; i < values.length; i += 1) values[i] = Math.abs((values[i] as number) - median);
      values.sort((a, b) => a - b);
      // A still, clean recording has no jitter to measure: its ROIs are read against the floor.
      const deviation = Math.max(minDeviation, 1.4826 * quantile(values, 0.5));
      for (let t = from; t < to; t += 1) score[t] = Math.max(0, ((channel[t] as number) - median) / deviation);
    }
    return score;
  });
}

export const peakIn = (values: Float32Array, from: number, to: number): number => values.subarray(from, to + 1).reduce((m, v) => Math.max(m, v), 0);

/**
 * The upper eyelids' deviation, as a share of the face's, from which a session's interval
 * is an eye movement. On the fitting sessions with the glasses mask reading the brows
 * from the forehead, a blink under glasses moves the brows nearly as far as the lids:
 * 1.0 left 1.5 false micro-expressions a minute, 0.7 left 0.5 at the cost of 2 of 14
 * true micro-expressions (an AU5 in each), 0.5 lost 4.
 */
const EYE_SHARE = 0.7;

/**
 * Upper lids that moved once (no blink's two rises), less far than another region and
 * under this many thresholds are carried by an expression, not a gaze shift: a cheek raise
 * (AU6) or an upper-lid raise (AU5) moves the lids a little with the cheeks, lower lids or
 * brows further. A gaze shift carries the lids further than anything else on the face, and
 * a blink under glasses that lost its two rises still moves them tens of deviations. On the
 * ten fitting sessions of bench/fit/session-signals.ts (seeds 7400–7405, 7600–7603; 19.8
 * min): the three AU6+12 / AU1+2+5 intervals set apart this way
 * moved the lids 8.4–13.3 deviations under a face of 9.3–18.9, the blinks under glasses
 * 68–75; 2 thresholds kept two micro-expressions (micro F1 0.679 → 0.704) at no false one,
 * 2.5 and up kept no more and let in a false micro-expression.
 */
const GAZE_LIDS = 2;

/** The lids' unsmoothed deviations rise twice over [from, to] (half their peak there): a blink's closing and the echo of its reopening. */
export const isBlinkShape = (raw: Float32Array, from: number, to: number): boolean => bumps(raw, from, to, 0.5 * peakIn(raw, from, to)) >= 2;

/**
 * In a session, an interval is an eye movement the shape rules missed (a blink seen mostly
 * on one eye, a gaze shift with the lids, a blink under glasses) when the eyelids lead it:
 * - its upper eyelids deviate nearly as far as any other ROI (`EYE_SHARE`): expressions
 *   that raise or narrow the eyes move the brows, cheeks or lower lids further than the
 *   upper lids' own jitter allows the lids;
 * - or the upper lids reach the threshold themselves and a lower lid is the most deviant
 *   ROI of the face. Glasses' rims sit over the lower lids and magnify or shift what moves
 *   under them: in the fitting session of seed 7400 (still, glasses, flicker) both blinks
 *   offered as micro-expressions moved the lower lids 1.5–1.9× the upper lids' deviations
 *   (the upper lids 17–68 of them), the brows and the rest of the face under 8; the rule
 *   set both apart (false micro-expressions 0.26 → 0.09 a minute over seeds 7400–7405) and
 *   cost no true one there or on seeds 7600–7602. A lid tightening (AU6/AU7) moves the
 *   lower lids with the upper lids below the threshold (under 5 deviations there), and a
 *   brow expression that comes with a blink moves the brows further than any lid.
 * A blink closes and reopens, so the lids' lagged motion rises twice (the closing, then
 * the echo of the reopening); a gaze shift is a step that holds, one rise, and lids that
 * rose once less far than the face and under `GAZE_LIDS` thresholds moved with an expression.
 */
export function eyeMovement(
  lids: { readonly smoothed: Float32Array; readonly raw: Float32Array; readonly lower: Float32Array },
  face: Float32Array,
  iv: { readonly onset: number; readonly apex: number; readonly offset: number },
  lag: number,
  threshold: number,
): ConfounderInterval | null {
  const to = Math.min(lids.smoothed.length - 1, iv.offset + lag);
  const lid = peakIn(lids.smoothed, iv.onset, to);
  const facePeak = peakIn(face, iv.onset, to);
  const lower = peakIn(lids.lower, iv.onset, to);
  const upperLed = lid >= EYE_SHARE * facePeak;
  const lowerLed = lid >= threshold && lower >= facePeak;
  if (!upperLed && !lowerLed) return null;
  const blink = isBlinkShape(lids.raw, iv.onset, to);
  if (!blink && lid < facePeak && lid < GAZE_LIDS * threshold) return null;
  const how = upperLed ? 'about as far as any other region' : `the lower eyelids (${Math.round(lower)}) further than any other region, as under a glasses rim`;
  const reason = `${blink ? 'blink: the upper eyelids closed and reopened' : 'gaze shift: the upper eyelids moved once and held'}, ${Math.round(lid)} times their quiet motion, ${how}`;
  return { cause: blink ? 'blink' : 'saccade', onset: iv.onset, apex: iv.apex, offset: iv.offset, reason };
}
