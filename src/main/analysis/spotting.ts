import { AppError } from '@shared/errors';
import { commonMode, motionClassifier, findConfounders, onsetAfterEyeEvents, type ConfounderInterval } from './motion-cause';
import { withoutConfounders } from './confounder-cleaning';
import { apexBesideEyeEvent } from './apex-beside-eye-event';
import { quantileSorted } from '../util/quantile';
import { sustainedIntervals, withSustained, type SustainedInterval } from './session-macro';
import { channelDeviations, eyeMovement, isBlinkShape, mostDeviant, peakIn, SESSION_MERGE_LAGS, SESSION_MIN_RUN_LAGS, SESSION_SECONDS, sessionScore } from './session-rule';

/**
 * Micro-expression spotting from per-ROI motion signals.
 *
 * Input: for every frame t, each ROI's motion magnitude from frame t − lag to frame t
 * (expression flow, % of face height or pixels; frames t < lag hold 0). An expression
 * with onset o and offset f then shows twice: as itself over [o, f] (motion away from
 * the neutral reference) and as an "echo" over [o + lag, f + lag] (the reference now
 * holds the expression and frame t is neutral again). Both merge into one run when the
 * expression lasts longer than the lag; runs closer than the lag are merged, so one run
 * spans [o, f + lag]. So: onset = start of the run, offset = its end − lag, apex = the
 * signal's peak in [onset, offset]. The lag should be
 * at least the expected onset → apex time (≈ 0.2 s for MEs): with a shorter lag the
 * signal peaks mid-rise and the apex comes out early.
 *
 * Robustness: head motion moves every ROI alike, so a low quantile across ROIs is
 * removed per frame; slow drift is removed by a rolling minimum over a long window;
 * upper-eyelid ROIs are left out of the face signal and spotted separately as blinks
 * (AU45), which are reported but never counted as MEs. Blinks, gaze shifts and speech
 * (motion-cause.ts) are found first and their motion taken out of the frames they cover,
 * so they neither become an interval nor raise the noise estimate; an interval whose
 * remaining motion is still one of them is reported with them, never as an expression.
 */

export interface MotionSignal {
  /** Reference lag k in frames: values at t measure motion from t − k to t. */
  readonly lag: number;
  /** ROI name → one value per frame (all the same length). */
  readonly channels: Readonly<Record<string, Float32Array>>;
}

export type IntervalKind = 'micro' | 'macro';

/** What an interval was classed by: its onset → offset duration, or (offset unclear) its onset → apex time. */
export type ClassBasis = 'offset' | 'apex';

/** The micro / macro boundaries, in ms of real time (the capture rate's). */
export interface ClassThresholds {
  /** A micro-expression lasts at most this long from onset to offset (MEGC: 500 ms). */
  readonly microMaxMs: number;
  /** When the offset is unclear: a micro-expression reaches its apex within this time of its onset (250 ms). */
  readonly microOnsetApexMaxMs: number;
}

export const DEFAULT_CLASS_THRESHOLDS: ClassThresholds = { microMaxMs: 500, microOnsetApexMaxMs: 250 };

export interface IntervalClass {
  readonly kind: IntervalKind;
  /** Onset → offset at the capture rate, rounded to whole ms. */
  readonly durationMs: number;
  readonly basis: ClassBasis;
}

/**
 * Classes an interval by its duration at `captureFps` (the rate the face was filmed at,
 * which may differ from the container's): micro when onset → offset ≤ `microMaxMs`; when
 * the offset is unclear (see `SpottedInterval.offsetUnclear`), micro when onset → apex ≤
 * `microOnsetApexMaxMs`; macro otherwise.
 */
export function classifyInterval(
  interval: { readonly onset: number; readonly apex: number; readonly offset: number; readonly offsetUnclear: boolean },
  captureFps: number,
  thresholds: ClassThresholds = DEFAULT_CLASS_THRESHOLDS,
): IntervalClass {
  if (!(captureFps > 0) || !Number.isFinite(captureFps)) throw new AppError('INVALID_INPUT', `Classing an interval needs a capture rate > 0 (got ${captureFps}).`);
  const { onset, apex, offset } = interval;
  if (!(onset <= apex && apex <= offset)) throw new AppError('INVALID_INPUT', `An interval needs onset ≤ apex ≤ offset (got ${onset}/${apex}/${offset}).`);
  const ms = (frames: number): number => (frames / captureFps) * 1000;
  const durationMs = Math.round(ms(offset - onset));
  if (interval.offsetUnclear) return { kind: ms(apex - onset) <= thresholds.microOnsetApexMaxMs ? 'micro' : 'macro', durationMs, basis: 'apex' };
  return { kind: ms(offset - onset) <= thresholds.microMaxMs ? 'micro' : 'macro', durationMs, basis: 'offset' };
}

export interface SpottedInterval {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly kind: IntervalKind;
  readonly durationMs: number;
  /**
   * The face signal never fell back below the run's floor (a share of its own peak)
   * before the clip ended, so the offset is where the clip stops, not where the face
   * returned; or the run was no longer than the lag, so no echo of the return was seen.
   * Such an interval is classed by onset → apex.
   */
  readonly offsetUnclear: boolean;
  readonly classBasis: ClassBasis;
  /** Face-signal peak over the detection threshold (≥ 1). */
  readonly strength: number;
  /** The AUs the analysis read at this interval (set by the pipeline once analysed). */
  readonly facs?: string;
  /**
   * How likely the interval is a real expression, 0–1, higher first in a review queue:
   * half from the motion (`motionScore` of the strength), half from the AU evidence once
   * the pipeline has analysed the interval (`withAuEvidence`); spotting alone gives the
   * motion half.
   */
  readonly score: number;
}

/** The motion half of a score: 0 at the threshold, ½ when the peak is twice it, → 1 for far stronger peaks. */
export function motionScore(strength: number): number {
  return strength > 1 ? 1 - 1 / strength : 0;
}

/**
 * An interval's score once its AUs are known: the mean of the motion score and the
 * strongest surviving non-blink AU's confidence (0 when no AU survived).
 */
export function intervalScore(strength: number, auConfidence: number): number {
  return Math.round((0.5 * motionScore(strength) + 0.5 * Math.max(0, Math.min(1, auConfidence))) * 1000) / 1000;
}

export interface BlinkInterval {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** Peak of the upper-eyelid signal. */
  readonly peak: number;
}

export interface SpottingResult {
  readonly intervals: readonly SpottedInterval[];
  readonly blinks: readonly BlinkInterval[];
  /** Blinks, gaze shifts and speech found by their shape (motion-cause.ts), each with why: never offered as expressions. */
  readonly confounders: readonly ConfounderInterval[];
  /** The cleaned face signal the intervals were read from, and its threshold. */
  readonly faceSignal: Float32Array;
  readonly threshold: number;
  /** What the face signal counts: motion in % of the face height (clips), or deviations from each ROI's quiet motion (sessions). */
  readonly signalUnit: SignalUnit;
}

export type SignalUnit = 'face-height' | 'quiet-deviations';

export interface SpottingOptions {
  /** Micro-expressions last at most this long (MEGC: 500 ms). */
  readonly microMaxMs?: number;
  /** With an unclear offset, micro-expressions reach their apex within this long (250 ms). */
  readonly microOnsetApexMaxMs?: number;
  /** Detection threshold in noise standard deviations. */
  readonly sigmas?: number;
  /** Absolute floor of the detection threshold, in the signal's units. */
  readonly minPeak?: number;
  /** How many of the most active ROIs make the face signal. */
  readonly topRois?: number;
  /**
   * When nothing crosses the threshold, propose the strongest bump anyway (strength < 1):
   * a dataset clip is cut around one expression, and the AU rules still decide whether
   * anything moved.
   */
  readonly atLeastOne?: boolean;
  /**
   * A session's detection threshold, in deviations of each ROI's own quiet motion (see
   * `sessionScore`). 6 on the fitting sessions (seeds 7400–7405, with `SESSION_MIN_RUN_LAGS`
   * 2.3 and `SESSION_RUN_FLOOR` 0.6): 5.5 gave micro F1 0.61 at 0.43 false micro-expressions
   * a minute (macro 0.46), 6 0.59 at 0.26 (0.49), 6.5 0.55 at 0.35 (0.45); 8, the threshold
   * before the running median, 0.49 at 0.43 (0.22). Still best with the blink-under-glasses
   * rule, runs of 2.1 lags and the 1.5-lag merge (seeds 7400–7405 and 7600–7602).
   */
  readonly sessionDeviations?: number;
}

const DEFAULTS: Required<SpottingOptions> = { ...DEFAULT_CLASS_THRESHOLDS, sigmas: 6, minPeak: 0.1, topRois: 3, atLeastOne: false, sessionDeviations: 6 };
/**
 * A session's run extends while the score stays above this share of the threshold. The
 * score is the most deviant of some twenty ROIs, so in talking and tremor it idles at 2–4
 * deviations: the clip rule's third of the threshold widened the fitting sessions' runs by
 * 5–6 frames each side and classed three micro-expressions macro. On the fitting sessions
 * (seeds 7400–7405, threshold 6): 0.6 gave micro F1 0.59, macro 0.49, 0.26 false
 * micro-expressions a minute; the third 0.58, 0.46, 0.35; a half 0.58, 0.49, 0.52; 0.7 lost
 * three macros (0.33).
 */
const SESSION_RUN_FLOOR = 0.6;
/** Blink motion seen on non-lid ROIs is at most this share of the lids' own. */
const BLINK_SPILL_RATIO = 0.15;
const isBlinkRoi = (name: string): boolean => name.includes('Upper Eyelid');
const isLowerLidRoi = (name: string): boolean => name.includes('Lower Eyelid');
/** Eyelid or mouth motion above this many times the threshold floor is looked at as a possible blink, gaze shift or speech. */
const CONFOUNDER_LEVEL = 1.5;

const quantile = (sorted: ArrayLike<number>, q: number): number => quantileSorted(sorted, q, 0);

/** Centered rolling minimum (monotone deque, O(n)). */
function rollingMin(values: Float32Array, radius: number): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  const deque: number[] = [];
  let head = 0;
  for (let i = 0, next = 0; i < n; i += 1) {
    for (; next < n && next <= i + radius; next += 1) {
      while (deque.length > head && (values[deque[deque.length - 1] as number] as number) >= (values[next] as number)) deque.pop();
      deque.push(next);
    }
    while ((deque[head] as number) < i - radius) head += 1;
    out[i] = values[deque[head] as number] as number;
  }
  return out;
}

/** Noise standard deviation from first differences (insensitive to smooth bumps). */
function noiseSigma(values: Float32Array): number {
  const diffs = new Float32Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i += 1) diffs[i - 1] = Math.abs((values[i] as number) - (values[i - 1] as number));
  diffs.sort();
  return (1.4826 * quantile(diffs, 0.5)) / Math.SQRT2;
}

/** Per frame: mean of the `top` largest channel values, minus the common mode. */
function aggregate(channels: readonly Float32Array[], common: Float32Array, top: number): Float32Array {
  const out = new Float32Array(common.length);
  const column = new Float32Array(channels.length);
  const k = Math.min(top, channels.length);
  for (let t = 0; t < common.length; t += 1) {
    for (let c = 0; c < channels.length; c += 1) column[c] = (channels[c] as Float32Array)[t] as number;
    column.sort();
    let sum = 0;
    for (let j = column.length - k; j < column.length; j += 1) sum += column[j] as number;
    out[t] = k > 0 ? Math.max(0, sum / k - (common[t] as number)) : 0;
  }
  return out;
}

function detrend(signal: Float32Array, radius: number): Float32Array {
  const floor = rollingMin(signal, radius);
  return signal.map((v, i) => v - (floor[i] as number));
}

interface Run {
  start: number;
  end: number;
  peak: number;
}

/**
 * Runs above `high`, each extended while the signal stays above a fraction of its own
 * peak (hysteresis) and at most `descent` frames further while it keeps falling;
 * runs closer than `mergeGap` frames join.
 */
function findRuns(signal: Float32Array, high: number, low: number, mergeGap: number, descent: number): Run[] {
  const runs: Run[] = [];
  for (let t = 0; t < signal.length; t += 1) {
    if ((signal[t] as number) < high) continue;
    let end = t;
    while (end + 1 < signal.length && (signal[end + 1] as number) >= high) end += 1;
    let peak = 0;
    for (let i = t; i <= end; i += 1) peak = Math.max(peak, signal[i] as number);
    const floor = Math.max(low, 0.15 * peak);
    let start = t;
    while (start > 0 && (signal[start - 1] as number) > floor) start -= 1;
    while (end + 1 < signal.length && (signal[end + 1] as number) > floor) end += 1;
    // Then down the remaining slope: at low frame rates one frame is a large share of an ME.
    for (let k = 0; k < descent && start > 0 && (signal[start - 1] as number) < (signal[start] as number); k += 1) start -= 1;
    for (let k = 0; k < descent && end + 1 < signal.length && (signal[end + 1] as number) < (signal[end] as number); k += 1) end += 1;
    const last = runs[runs.length - 1];
    if (last && start <= last.end + mergeGap) {
      last.end = Math.max(last.end, end);
      last.peak = Math.max(last.peak, peak);
    } else runs.push({ start, end, peak });
    t = end;
  }
  return runs;
}

function argmax(signal: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from; i <= to; i += 1) if ((signal[i] as number) > (signal[best] as number)) best = i;
  return best;
}

/**
 * A peak of the lagged signal whose value a lag earlier was already half as high is the
 * echo of that earlier peak: at t the reference frame t − lag holds the expression's apex
 * while frame t is neutral again. It outgrows the expression's own peak when the rise
 * takes longer than the lag (the reference is no longer neutral at the apex) and the fall
 * is quick, and the apex read there would sit a lag late. A real apex a lag after a peak
 * half as high needs a rise of twice the lag, longer than a micro-expression's.
 */
const ECHO_SHARE = 0.5;

/** The expression's peak in [from, to]: the highest value, or the peak it echoes. */
function expressionPeak(signal: Float32Array, from: number, to: number, lag: number): number {
  let peak = argmax(signal, from, to);
  for (let hops = 0; hops < 4 && peak - lag >= from; hops += 1) {
    const earlier = argmax(signal, Math.max(from, peak - lag - 1), Math.min(to, peak - lag + 1));
    if ((signal[earlier] as number) < ECHO_SHARE * (signal[peak] as number)) break;
    peak = argmax(signal, from, Math.min(to, peak - lag + 1));
  }
  return peak;
}

/**
 * One run holds an expression and its echo (runs closer than the lag were merged), so
 * the expression ends `lag` frames before the run; a run no longer than the lag has
 * no visible echo (clip end) and ends with the run. The apex is read on `peaks` (the run's
 * own signal unless a finer one is given).
 */
function readIntervals(signal: Float32Array, runs: readonly Run[], lag: number, peaks: Float32Array = signal): Array<{ onset: number; apex: number; offset: number; peak: number; offsetUnclear: boolean }> {
  return runs.map((run) => {
    const echoed = run.end - run.start + 1 > lag;
    const end = echoed ? Math.max(run.start, run.end - lag) : run.end;
    const apex = expressionPeak(peaks, run.start, end, lag);
    // Drift against the expression can sink the echo below threshold; the fall of an ME
    // is rarely shorter than its rise, which bounds the offset from below.
    const offset = Math.max(end, Math.min(run.end, 2 * apex - run.start));
    const offsetUnclear = !echoed || run.end >= signal.length - 1;
    return { onset: run.start, apex, offset, peak: run.peak, offsetUnclear };
  });
}

/**
 * Spots expression intervals (micro and macro) and blinks in a motion signal sampled at
 * `fps`: the capture rate, which turns frames into real time for the classes.
 */
export function spot(signal: MotionSignal, fps: number, options: SpottingOptions = {}): SpottingResult {
  const o = { ...DEFAULTS, ...options };
  const names = Object.keys(signal.channels);
  const frames = names.length ? (signal.channels[names[0] as string] as Float32Array).length : 0;
  if (!(fps > 0) || !Number.isInteger(signal.lag) || signal.lag < 1) {
    throw new AppError('INVALID_INPUT', `Spotting needs fps > 0 and an integer lag ≥ 1 (got fps ${fps}, lag ${signal.lag}).`);
  }
  if (names.some((n) => (signal.channels[n] as Float32Array).length !== frames)) {
    throw new AppError('INVALID_INPUT', 'All ROI motion signals must have one value per frame (same length).');
  }
  const faceNames = names.filter((n) => !isBlinkRoi(n));
  const blinkNames = names.filter(isBlinkRoi);
  const radius = Math.max(Math.round(1.5 * fps), 2 * signal.lag);
  // The echo starts at most `lag` frames after the expression ends, and where the expression
  // reverses |D(t) − D(t − lag)| dips to zero: neither is a new event.
  const mergeGap = signal.lag;
  const descent = Math.max(1, Math.round(signal.lag / 4));
  const found = frames > 0 ? findConfounders(signal, fps, CONFOUNDER_LEVEL * o.minPeak) : [];
  const clean = withoutConfounders(signal, found);
  const faceChannels = faceNames.map((n) => clean.channels[n] as Float32Array);
  const common = commonMode(faceChannels, frames);
  const session = frames >= SESSION_SECONDS * fps && frames > 20 * signal.lag;
  const motion = detrend(aggregate(faceChannels, common, o.topRois), radius);
  let face = motion;
  const threshold = session ? o.sessionDeviations : Math.max(o.minPeak, o.sigmas * noiseSigma(face));
  // The upper lids' deviations, measured on the recording as it was (confounders in).
  let lids: { smoothed: Float32Array; raw: Float32Array; lower: Float32Array } | null = null;
  let sustained: SustainedInterval[] = [];
  if (session) {
    // Nothing below the clip rule's absolute floor (`minPeak`) reaches the threshold.
    const minDeviation = o.minPeak / o.sessionDeviations;
    const busy = new Uint8Array(frames);
    for (const c of found) busy.fill(1, Math.max(0, c.onset), Math.min(frames, c.offset + 1));
    const deviations = channelDeviations(faceChannels, signal.lag, fps, busy, minDeviation);
    face = mostDeviant(deviations, frames);
    const lower = mostDeviant(deviations.filter((_, i) => isLowerLidRoi(faceNames[i] as string)), frames);
    const lidChannels = blinkNames.map((n) => signal.channels[n] as Float32Array);
    lids = { smoothed: sessionScore(lidChannels, signal.lag, fps, busy, minDeviation), raw: sessionScore(lidChannels, signal.lag, fps, busy, minDeviation, false), lower };
    sustained = sustainedIntervals(faceChannels, deviations, signal.lag, fps, busy, minDeviation);
  }
  let runs = findRuns(face, threshold, session ? SESSION_RUN_FLOOR * threshold : threshold / 3, session ? Math.round(SESSION_MERGE_LAGS * signal.lag) : mergeGap, descent);
  // An expression shows as itself and, a lag later, as its echo; a glint, a speech bout's
  // edge or a gaze step lasts about one lag.
  if (session) runs = runs.filter((r) => r.end - r.start + 1 >= SESSION_MIN_RUN_LAGS * signal.lag);
  if (runs.length === 0 && o.atLeastOne) {
    // Below threshold, what is left inside a blink, gaze shift or speech bout is its residue, not the clip's expression.
    const outside = found.length ? face.map((v, t) => (found.some((c) => c.onset <= t && t <= c.offset) ? 0 : v)) : face;
    const strongest = outside.reduce((m, v) => Math.max(m, v), 0);
    if (strongest > 0) runs = findRuns(outside, strongest, 0, mergeGap, descent);
  }
  let blinks: BlinkInterval[] = [];
  if (blinkNames.length) {
    const lidCommon = commonMode(faceNames.map((n) => signal.channels[n] as Float32Array), frames);
    const lidMotion = detrend(aggregate(blinkNames.map((n) => signal.channels[n] as Float32Array), lidCommon, blinkNames.length), radius);
    if (lids) {
      // A session's lids are read against their own quiet motion, as the face is: their
      // frame-to-frame noise (the clip rule's yardstick) is a sliver of their jitter at 200 fps,
      // where the clip rule reported five blinks for each true one on the fitting sessions.
      // A blink closes and reopens (two rises); a gaze shift's lids move once.
      const session = lids;
      const last = frames - 1;
      // A blink is short beside the median's window: its apex is read frame by frame.
      blinks = readIntervals(session.smoothed, findRuns(session.smoothed, threshold, threshold / 3, mergeGap, descent), signal.lag, session.raw)
        .filter((b) => isBlinkShape(session.raw, b.onset, Math.min(last, b.offset + signal.lag)))
        .map(({ offsetUnclear: _u, ...b }) => ({ ...b, peak: peakIn(lidMotion, b.onset, b.offset) }));
    } else {
      const blinkThreshold = Math.max(o.minPeak, o.sigmas * noiseSigma(lidMotion));
      blinks = readIntervals(lidMotion, findRuns(lidMotion, blinkThreshold, blinkThreshold / 3, mergeGap, descent), signal.lag).map(({ offsetUnclear: _u, ...b }) => b);
    }
    // Upper lids moving with a gaze shift (and nothing a blink's shape) are no blink. In a clip,
    // lids that close and reopen (two rises: the closing, a lag later the echo of the reopening)
    // are one, even where the confounder search took the closing alone for a gaze step.
    const closesAndReopens = (b: BlinkInterval): boolean => !lids && isBlinkShape(lidMotion, b.onset, Math.min(frames - 1, b.offset + signal.lag));
    blinks = blinks.filter((b) => !(found.some((c) => c.cause === 'saccade' && overlaps(b, c)) && !found.some((c) => c.cause === 'blink' && overlaps(b, c))) || closesAndReopens(b));
  }
  // Where an eye event's trace ends in the face signal: a lid-found blink's offset is its own
  // end, the echo follows a lag later; a confounder's stretch already holds its echo.
  const eyeTraces = [...blinks.map((b) => ({ onset: b.onset, end: b.offset + signal.lag })), ...found.filter((c) => c.cause !== 'speech').map((c) => ({ onset: c.onset, end: c.offset }))];
  const lagged: Array<SpottedInterval & { peak: number; classedTo?: number }> = readIntervals(face, runs, signal.lag).map((whole) => {
    // A session's face signal counts deviations over several lags, where a blink and an
    // expression beside it part differently: the rule is fitted on clips only.
    const part = session ? null : apexBesideEyeEvent(face, whole, eyeTraces, threshold, signal.lag, (from, to) => expressionPeak(face, from, to, signal.lag));
    const read = part ? { ...whole, ...part, peak: peakIn(face, part.onset, part.offset) } : whole;
    const iv = { ...read, onset: onsetAfterEyeEvents(read, found, signal.lag) };
    const { kind, durationMs, basis } = classifyInterval(iv, fps, o);
    const strength = Math.round((iv.peak / threshold) * 100) / 100;
    // A session scores in deviations; a blink's spill is judged on the motion itself.
    const peak = session ? peakIn(motion, iv.onset, iv.offset) : iv.peak;
    // A part ending where an eye event starts is classed on its own frames: the echo the
    // classifier reads past an offset would be the eye event's lids.
    const classedTo = part && part.offset < whole.apex ? part.offset : undefined;
    return { onset: iv.onset, apex: iv.apex, offset: iv.offset, kind, durationMs, offsetUnclear: iv.offsetUnclear, classBasis: basis, strength, score: intervalScore(iv.peak / threshold, 0), peak, ...(classedTo === undefined ? {} : { classedTo }) };
  });
  // A macro-expression too slow for the lagged runs shows as motion sustained over several lags.
  const intervals = withSustained(lagged, sustained, (s) => {
    const { kind, durationMs, basis } = classifyInterval({ ...s, offsetUnclear: false }, fps, o);
    return kind === 'macro' ? { ...s, kind, durationMs, offsetUnclear: false, classBasis: basis, score: intervalScore(s.strength, 0), peak: peakIn(motion, s.onset, s.offset) } : null;
  });
  // A face-signal interval peaking with a blink and far weaker is the blink spilling onto
  // neighbouring ROIs (lower lids, brows); an ME that merely coincides with a blink stays.
  const isSpill = (iv: SpottedInterval & { peak: number }): boolean =>
    blinks.some((b) => b.onset <= iv.offset && iv.onset <= b.offset && Math.abs(b.apex - iv.apex) <= signal.lag / 2 && iv.peak < BLINK_SPILL_RATIO * b.peak);
  const confounders = [...found];
  const classify = motionClassifier(clean, fps);
  const expressions = intervals.filter((iv) => {
    if (isSpill(iv)) return false;
    const eye = lids ? eyeMovement(lids, face, iv, signal.lag, threshold) : null;
    if (eye) {
      confounders.push(eye);
      return false;
    }
    // The classifier reads an interval and its echo (offset + lag): a part's window ends at `classedTo`.
    const motion = classify(iv.classedTo === undefined ? iv : { onset: iv.onset, offset: Math.max(iv.onset, iv.classedTo - signal.lag) });
    if (motion.cause === 'expression') return true;
    confounders.push({ cause: motion.cause, onset: iv.onset, apex: iv.apex, offset: iv.offset, reason: motion.reason });
    return false;
  });
  confounders.sort((a, b) => a.onset - b.onset);
  return { intervals: expressions.map(({ peak: _peak, ...iv }) => iv), blinks, confounders, faceSignal: face, threshold, signalUnit: session ? 'quiet-deviations' : 'face-height' };
}

const overlaps = (a: { readonly onset: number; readonly offset: number }, b: { readonly onset: number; readonly offset: number }): boolean => a.onset <= b.offset && b.onset <= a.offset;

/** For a short dataset clip: the strongest spotted interval, or null when nothing stands out. */
export function proposeClipInterval(signal: MotionSignal, fps: number, options: SpottingOptions = {}): SpottedInterval | null {
  const { intervals } = spot(signal, fps, options);
  return intervals.reduce<SpottedInterval | null>((best, iv) => (!best || iv.strength > best.strength ? iv : best), null);
}
