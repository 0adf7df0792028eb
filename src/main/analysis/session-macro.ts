import { stretches } from './motion-cause';
import { mostDeviant, peakIn, quietDeviations } from './session-rule';

/**
 * The macro-expression path of the session rule: motion sustained over several lags.
 *
 * A macro-expression that rises over 8–20 frames moves each lag by only a share of its
 * amplitude, so its lagged signal holds a few deviations for a second or more, then its
 * fall a few more: under the session threshold, or over it in bursts shorter than the run
 * minimum an expression and its echo need, or as its rise alone (a micro-expression that
 * is not there). Averaged over several lags such motion keeps its level while each ROI's
 * jitter and single glints shrink: each ROI's running mean, read against its own quiet
 * motion as the lagged signal is, shows the macro-expression as one long run.
 */

/**
 * The running mean's width, in lags. Set on the ten fitting sessions of
 * bench/fit/session-signals.ts (seeds 7400–7405, 7600–7603; 19.8 min, 65 micro-, 41
 * macro-expressions; bench/fit/spot-sessions.ts), never on the bench's sessions: at 3.5 lags
 * macro F1 0.557 → 0.761 (27 found, 3 false, as before) and false micro-expressions 5 → 2;
 * 3 lags the same macros with one more false micro-expression, 4 lags one macro fewer. Wider
 * (4.5–5, before the edge correction below) joined expressions to the jitter: 4–7 false macros.
 */
const SUSTAINED_WINDOW_LAGS = 3.5;
/**
 * The sustained score's threshold, in deviations of each ROI's own running mean. Same
 * sessions: 4 found as many with one more false macro, 5 two fewer and one more false
 * micro-expression. Lower than the lagged rule's 6: the mean's quiet spread is narrower, and
 * what this path offers must also last longer than a micro-expression.
 */
const SUSTAINED_DEVIATIONS = 4.5;
/** A sustained run extends while its score stays above this share of the threshold (0.7: the same intervals on the fitting sessions). */
const SUSTAINED_FLOOR = 0.5;
/**
 * The interval spans where the leading ROI's running mean stays above this share of its
 * peak, less the spread the mean adds at each edge (`blockSpread`). Below a half, the weaker
 * fall of a macro-expression that falls slower than it rose stays inside. Same sessions: 0.25
 * one macro fewer and one more false micro-expression, 0.35 one macro more; without the
 * spread taken off, micro-expressions came out 0.6 s long and were offered as macros.
 */
const SUSTAINED_EDGE = 0.3;
/** Dips of the leading ROI's mean under the edge up to this many lags stay inside (a rise and a slower fall; 0.5: the same intervals). */
const SUSTAINED_BRIDGE_LAGS = 1;

export interface SustainedInterval {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** The sustained score's peak over its threshold. */
  readonly strength: number;
}

/** Centred running mean over `width` frames (clipped at the recording's ends), by prefix sums. */
export function runningMean(values: Float32Array, width: number): Float32Array {
  const n = values.length;
  const w = Math.max(1, Math.min(n, Math.floor(width)));
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t += 1) prefix[t + 1] = (prefix[t] as number) + (values[t] as number);
  const half = Math.floor(w / 2);
  const out = new Float32Array(n);
  for (let t = 0; t < n; t += 1) {
    const a = Math.max(0, t - half);
    const b = Math.min(n, t - half + w);
    out[t] = ((prefix[b] as number) - (prefix[a] as number)) / Math.max(1, b - a);
  }
  return out;
}

/** From `at`, the farthest frame in `step`'s direction where `values` reach `level`, across dips of at most `bridge` frames, within [lo, hi]. */
function reach(values: Float32Array, at: number, step: 1 | -1, level: number, bridge: number, lo: number, hi: number): number {
  let last = at;
  for (let t = at + step, gap = 0; t >= lo && t <= hi && gap <= bridge; t += step) {
    if ((values[t] as number) >= level) [last, gap] = [t, 0];
    else gap += 1;
  }
  return last;
}

/**
 * How far outside each edge of a flat block of motion its running mean over `width` frames
 * stays above `SUSTAINED_EDGE` of its peak, from the length `span` it stays there. A block of
 * length S ≥ W spans S + (1 − 2e)·W; a shorter one peaks lower, at S/W of its level, and
 * spans W + (1 − 2e)·S, so a micro-expression's mean is not read as long as the window.
 */
function blockSpread(span: number, width: number): number {
  const e = SUSTAINED_EDGE;
  const block = span >= (2 - 2 * e) * width ? span - (1 - 2 * e) * width : Math.max(0, (span - width) / (1 - 2 * e));
  return Math.max(0, Math.round((span - block) / 2));
}

/**
 * The session's sustained-motion intervals: runs of the most deviant ROI's running mean over
 * `SUSTAINED_WINDOW_LAGS`, each spanning its leading ROI's mean above `SUSTAINED_EDGE` of its
 * peak less the mean's spread, the offset a lag before the end (the echo) and the apex where
 * the leading ROI's lagged motion (`lagged`, the session score's per-ROI deviations) peaks.
 * `channels` are the cleaned face ROIs, in `lagged`'s order; `busy` the frames a blink, gaze
 * shift or speech covers.
 */
export function sustainedIntervals(channels: readonly Float32Array[], lagged: readonly Float32Array[], lag: number, fps: number, busy: Uint8Array, minDeviation: number): SustainedInterval[] {
  const frames = busy.length;
  const width = Math.max(1, Math.round(SUSTAINED_WINDOW_LAGS * lag));
  const sustained = quietDeviations(channels.map((c) => runningMean(c, width)), lag, fps, busy, minDeviation);
  const score = mostDeviant(sustained, frames);
  const bridge = Math.round(SUSTAINED_BRIDGE_LAGS * lag);
  const out: SustainedInterval[] = [];
  for (const [start, end] of stretches(score, SUSTAINED_DEVIATIONS, SUSTAINED_FLOOR * SUSTAINED_DEVIATIONS, 0)) {
    let lead = 0;
    for (let i = 1; i < sustained.length; i += 1) if (peakIn(sustained[i] as Float32Array, start, end) > peakIn(sustained[lead] as Float32Array, start, end)) lead = i;
    const mean = sustained[lead] as Float32Array;
    let at = start;
    for (let t = start; t <= end; t += 1) if ((mean[t] as number) > (mean[at] as number)) at = t;
    const level = SUSTAINED_EDGE * (mean[at] as number);
    const lo = Math.max(0, start - width);
    const hi = Math.min(frames - 1, end + width);
    const first = reach(mean, at, -1, level, bridge, lo, hi);
    const last = reach(mean, at, 1, level, bridge, lo, hi);
    const spread = blockSpread(last - first + 1, width);
    const from = Math.min(at, first + spread);
    const to = Math.max(at, last - spread);
    const offset = Math.max(from, to - lag);
    const own = lagged[lead] as Float32Array;
    let apex = from;
    for (let t = from; t <= offset; t += 1) if ((own[t] as number) > (own[apex] as number)) apex = t;
    out.push({ onset: from, apex, offset, strength: Math.round((peakIn(score, start, end) / SUSTAINED_DEVIATIONS) * 100) / 100 });
  }
  return out;
}

/**
 * The lagged rule's intervals with the sustained ones that `asMacro` classes macro (it
 * returns null for the rest, which are the lagged rule's to read): one that overlaps no
 * interval joins them; one whose overlaps are micro-expressions or shorter macro-expressions
 * replaces them, since those were its rise or its fall read alone (on the fitting sessions
 * every micro-expression so replaced was: false micro-expressions 5 → 2, no true one lost);
 * one that overlaps a macro-expression as long or longer leaves it as it is.
 */
export function withSustained<T extends { readonly onset: number; readonly offset: number; readonly kind: string }>(intervals: readonly T[], sustained: readonly SustainedInterval[], asMacro: (iv: SustainedInterval) => T | null): T[] {
  let out = [...intervals];
  for (const s of sustained) {
    const macro = asMacro(s);
    if (!macro) continue;
    const hit = out.filter((iv) => iv.onset <= s.offset && s.onset <= iv.offset);
    if (hit.some((iv) => iv.kind !== 'micro' && iv.offset - iv.onset >= s.offset - s.onset)) continue;
    out = [...out.filter((iv) => !hit.includes(iv)), macro];
  }
  return out.sort((a, b) => a.onset - b.onset);
}
