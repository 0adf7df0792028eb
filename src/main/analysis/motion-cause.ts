import { AppError } from '@shared/errors';
import { ROI_SPECS } from '@shared/rois';
import type { MotionSignal } from './spotting';
import { quantileSorted } from '../util/quantile';

/**
 * What moved in a stretch of the spotting signal: a facial **expression**, or one of the
 * motions real recordings are full of that are not one — a **blink** (the upper lids close
 * and reopen, both eyes), a **saccade** (a gaze shift: the eye region alone, a step that
 * holds) or **speech** (the lips and jaw open and close again and again, the upper face
 * still). Read from the per-ROI motion the spotting scan measures (each ROI's motion from
 * frame t − lag to t), ROI group by ROI group, after the motion common to every ROI (rigid
 * head residual) is taken out.
 *
 * The ratios below were set on synthetic clips of seeds 7100–7619 (`mellm synth` ME clips
 * with one blink, saccade or speech bout each, plus control and tremor clips; 30 fps,
 * 320×240) and checked on the spotting unit cases; the confounders bench (seed 20261206)
 * was never used to set them.
 * They describe how a blink or a gaze shift spills onto its neighbours on the synthetic
 * faces; a real face's spill is unmeasured here.
 */

export type MotionCause = 'expression' | 'blink' | 'saccade' | 'speech';

export interface MotionCauseResult {
  readonly cause: MotionCause;
  /** Why, in words for the report and the ROI lines (English; the UI names the cause itself). */
  readonly reason: string;
}

/** A stretch of the clip that moved for a reason other than an expression. */
export interface ConfounderInterval {
  readonly cause: Exclude<MotionCause, 'expression'>;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly reason: string;
}

export type Part = 'upperLid' | 'lowerLid' | 'brow' | 'midFace' | 'mouth';

/** Lips and chin carry speech; mouth corners, nose and cheeks move with them only a little. */
export const PART_OF: ReadonlyMap<string, Part> = new Map(
  ROI_SPECS.map((s) => [
    s.region,
    s.region.includes('Upper Eyelid') ? 'upperLid' : s.region.includes('Lower Eyelid') ? 'lowerLid' : s.group === 'eyebrow' ? 'brow' : s.group === 'lip' || s.group === 'chin' ? 'mouth' : 'midFace',
  ]),
);

/** An eye event (or the lips, for the mid face) may spill this share of its motion onto the brows / the mid face (blinks on the 7100-seed faces: ≤ 0.3 and ≤ 0.15). */
export const SPILL = { brow: 0.6, midFace: 0.35 } as const;
/** Speech moves the upper face at most this share of the lips' motion. */
const SPEECH_UPPER_SHARE = 0.5;
/** Speech opens and closes the mouth at least this many times in one stretch (an expression shows twice: itself and its echo, with the reversal between). */
const SPEECH_MIN_BUMPS = 3;
/** A speech opening rises at least this many times above the rest of the face's median motion over the stretch (tremor clips of seeds 7300–7304: the mouth's jitter ≈ the cheeks'). */
const SPEECH_ABOVE_REST = 2;
/**
 * A speech opening rises to at least this share of the stretch's peak. Where the lagged signal
 * partly cancels mid-bout, the syllables there reach a fifth of the bout's first opening or
 * last closing (sample3 talking at 4.7 syllables a second: 0.2–0.26 of the face height against
 * 1.35; fitting seed 7700 `speech_me_004` alike); an expression's own echo stays one bump.
 */
const SPEECH_OPENING_SHARE = 0.15;
/** Both eyes close in a blink: the weaker upper lid moves at least this share of the stronger. */
const BLINK_BOTH_EYES = 0.4;

const quantile = (sorted: ArrayLike<number>, q: number): number => quantileSorted(sorted, q, 0);

const LOWER_LIP = ['Lower Lip Left', 'Lower Lip Center', 'Lower Lip Right'];
const UPPER_LIP = ['Upper Lip Left', 'Upper Lip Center', 'Upper Lip Right'];
/** A talking opening drops the jaw: the lower lip and the chin each move at least this share of the mouth's strongest ROI, the upper lip at most this share of the lower lip. */
const JAW_SHARE = 0.5;
/**
 * Talking that cancels in the lagged signal can look still for this long between its first
 * syllables and its last closing (fitting seeds 7500 and 7600, 4.7–4.9 syllables a second:
 * 22–23 frames at 30 fps).
 */
const JAW_LULL_SECONDS = 1;

/**
 * Whether the mouth at frame t moved as a jaw drop moves it: the lower lip and the chin
 * together, the upper lip much less — not one part alone (a raised upper lip, a chin raise)
 * nor both lips alike (a lip press).
 */
export function jawDrop(signal: MotionSignal, common: Float32Array, mouth: Float32Array, t: number): boolean {
  const above = (name: string): number => Math.max(0, ((signal.channels[name] as Float32Array | undefined)?.[t] ?? 0) - (common[t] as number));
  const lowerLip = Math.max(...LOWER_LIP.map(above));
  const upperLip = Math.max(...UPPER_LIP.map(above));
  const m = mouth[t] as number;
  return m > 0 && lowerLip >= JAW_SHARE * m && above('Chin') >= JAW_SHARE * m && upperLip <= JAW_SHARE * lowerLip;
}

/** Per frame, the low quantile across the ROIs (upper lids aside): what rigid head motion adds to every ROI alike. */
export function commonMode(channels: readonly Float32Array[], frames: number): Float32Array {
  const out = new Float32Array(frames);
  const column = new Float32Array(channels.length);
  for (let t = 0; t < frames; t += 1) {
    for (let c = 0; c < channels.length; c += 1) column[c] = (channels[c] as Float32Array)[t] as number;
    column.sort();
    out[t] = quantile(column, 0.25);
  }
  return out;
}

/** Per part and frame, the strongest ROI's motion above the common mode; upper lids also per eye. */
export interface PartProfiles {
  readonly frames: number;
  readonly part: Readonly<Record<Part, Float32Array>>;
  readonly leftUpperLid: Float32Array;
  readonly rightUpperLid: Float32Array;
}

export function partProfiles(signal: MotionSignal): PartProfiles {
  const names = Object.keys(signal.channels);
  const frames = names.length ? (signal.channels[names[0] as string] as Float32Array).length : 0;
  const common = commonMode(names.filter((n) => PART_OF.get(n) !== 'upperLid').map((n) => signal.channels[n] as Float32Array), frames);
  const make = (): Float32Array => new Float32Array(frames);
  const part: Record<Part, Float32Array> = { upperLid: make(), lowerLid: make(), brow: make(), midFace: make(), mouth: make() };
  const leftUpperLid = make();
  const rightUpperLid = make();
  for (const name of names) {
    const p = PART_OF.get(name);
    if (!p) continue;
    const values = signal.channels[name] as Float32Array;
    const into = part[p];
    const eye = p === 'upperLid' ? (name.startsWith('Left') ? leftUpperLid : rightUpperLid) : null;
    for (let t = 0; t < frames; t += 1) {
      const v = Math.max(0, (values[t] as number) - (common[t] as number));
      if (v > (into[t] as number)) into[t] = v;
      if (eye && v > (eye[t] as number)) eye[t] = v;
    }
  }
  return { frames, part, leftUpperLid, rightUpperLid };
}

export function peakOf(values: Float32Array, from: number, to: number): { value: number; at: number } {
  let best = { value: 0, at: from };
  for (let t = from; t <= to; t += 1) if ((values[t] as number) > best.value) best = { value: values[t] as number, at: t };
  return best;
}

/** Rises above `high` that fell below `low` (half of `high` by default) before the next: how often a part moved and came back. */
export function bumps(values: Float32Array, from: number, to: number, high: number, low = high / 2): number {
  return bumpPeaks(values, from, to, high, low).length;
}

/** The frame where each of `bumps`' rises peaks. */
function bumpPeaks(values: Float32Array, from: number, to: number, high: number, low = high / 2): number[] {
  const peaks: number[] = [];
  let armed = true;
  for (let t = from; t <= to; t += 1) {
    const v = values[t] as number;
    if (armed && v >= high) {
      peaks.push(t);
      armed = false;
    } else if (!armed && v < low) armed = true;
    else if (!armed && v > (values[peaks[peaks.length - 1] as number] as number)) peaks[peaks.length - 1] = t;
  }
  return peaks;
}

const pct = (v: number): string => `${Math.round(v * 100)} %`;

function classifyOn(profiles: PartProfiles, lag: number, fps: number, from: number, to: number): MotionCauseResult & { apex: number } {
  const { part } = profiles;
  const upper = peakOf(part.upperLid, from, to);
  const lower = peakOf(part.lowerLid, from, to);
  const brow = peakOf(part.brow, from, to).value;
  const mid = peakOf(part.midFace, from, to).value;
  const mouth = peakOf(part.mouth, from, to);
  const lid = upper.value >= lower.value ? upper : lower;
  const lids = part.upperLid.map((v, t) => Math.max(v, part.lowerLid[t] as number));

  // Speech: lips and jaw, again and again, the upper face (nearly) still. An opening counts
  // only when it stands out of what the rest of the face does meanwhile: head tremor leaves
  // the mouth jittering as much as the cheeks and brows, and jitter is no jaw opening.
  const rest = new Float32Array(to - from + 1);
  for (let t = from; t <= to; t += 1) rest[t - from] = Math.max(part.upperLid[t] as number, part.lowerLid[t] as number, part.brow[t] as number, part.midFace[t] as number);
  const restLevel = quantile(rest.sort(), 0.5);
  // The mouth must still close between openings as before (below an eighth of its peak): a raised bar makes no new openings.
  const mouthBumps = mouth.value > 0 ? bumps(part.mouth, from, to, Math.max(SPEECH_OPENING_SHARE * mouth.value, SPEECH_ABOVE_REST * restLevel), 0.125 * mouth.value) : 0;
  // A micro-expression and its echo are over within 0.5 s + the lag; a bout of speech lasts longer.
  // Motion the signal shows from its first frame (t = lag) began before it could be measured,
  // anywhere from the clip's first frame on: a bout cut by the clip's start is not held to
  // the length it shows (its repeated openings still decide).
  const longerThanMicro = to - (from <= lag ? 0 : from) + 1 > Math.round(0.5 * fps) + lag;
  // One mouth movement and its echo are the only clear bumps, a lag apart, when what else the
  // mouth does is flicker or jitter at a sixth of them (an AU17 under flickering light):
  // talking's clear openings are its syllables, or its first opening and last closing, further apart.
  const clear = mouth.value > 0 ? bumpPeaks(part.mouth, from, to, 0.5 * mouth.value, 0.125 * mouth.value) : [];
  const movementAndEcho = clear.length === 2 && (clear[1] as number) - (clear[0] as number) <= lag + 1;
  if (longerThanMicro && !movementAndEcho && mouth.value > Math.max(lid.value, brow) && Math.max(lid.value, brow) <= SPEECH_UPPER_SHARE * mouth.value && mouthBumps >= SPEECH_MIN_BUMPS) {
    return { cause: 'speech', apex: mouth.at, reason: `speech: the lips and jaw opened and closed ${mouthBumps} times while the eyes and brows moved ${pct(Math.max(lid.value, brow) / mouth.value)} of that` };
  }
  // Eye events: the lids alone; the brows and the mid face move only as much as a blink's spill.
  if (lid.value > 0 && brow <= SPILL.brow * lid.value && Math.max(mid, mouth.value) <= SPILL.midFace * lid.value) {
    const left = peakOf(profiles.leftUpperLid, from, to).value;
    const right = peakOf(profiles.rightUpperLid, from, to).value;
    const bothEyes = Math.min(left, right) >= BLINK_BOTH_EYES * Math.max(left, right);
    // A blink closes and reopens: the upper lids' signal shows the closing and, `lag` frames
    // later, its echo. A gaze shift is a step that holds: one stretch of motion, no return.
    // Lids that move, return and are not a blink (the lower lid first: AU7) are an expression.
    const lidBumps = bumps(part.upperLid, from, to, 0.5 * upper.value);
    const eyeBumps = bumps(lids, from, to, 0.5 * lid.value);
    const others = `brows ${pct(brow / lid.value)}, mid face and mouth ${pct(Math.max(mid, mouth.value) / lid.value)} of the lids`;
    if (bothEyes && upper.value >= 0.6 * lower.value && lidBumps >= 2) {
      return { cause: 'blink', apex: upper.at, reason: `blink: both upper eyelids closed and reopened (${others})` };
    }
    // A step's lagged signal lasts the shift (20–200 ms) plus the lag; an expression's, its whole course plus the lag.
    let active = 0;
    for (let t = from; t <= to; t += 1) if ((lids[t] as number) >= 0.25 * lid.value) active += 1;
    if (eyeBumps <= 1 && active <= 1.5 * lag + 2) return { cause: 'saccade', apex: lid.at, reason: `gaze shift: only the eye region moved, once, and held (${others})` };
  }
  return { cause: 'expression', apex: peakOf(part.brow, from, to).at, reason: 'expression: motion beyond the eyelids and not the repeated mouth motion of speech' };
}

function checkRange(signal: MotionSignal, interval: { readonly onset: number; readonly offset: number }): number {
  const names = Object.keys(signal.channels);
  const frames = names.length ? (signal.channels[names[0] as string] as Float32Array).length : 0;
  const { onset, offset } = interval;
  if (!(Number.isInteger(onset) && Number.isInteger(offset) && onset >= 0 && onset <= offset && offset < frames)) {
    throw new AppError('INVALID_INPUT', `Classing motion needs frames 0 ≤ onset ≤ offset < ${frames} (got ${onset}/${offset}).`);
  }
  if (!Number.isInteger(signal.lag) || signal.lag < 1) throw new AppError('INVALID_INPUT', `Classing motion needs an integer lag ≥ 1 (got ${signal.lag}).`);
  return frames;
}

/**
 * What moved over onset … offset + lag (the interval and its echo) of a spotting signal.
 * Callable on any interval, e.g. one a streaming scan proposed from its own window of the
 * signal: it reads only those frames and the ROIs' motion there.
 */
export function classifyMotion(signal: MotionSignal, interval: { readonly onset: number; readonly offset: number }, fps: number): MotionCauseResult {
  return motionClassifier(signal, fps)(interval);
}

/** `classifyMotion` for many intervals of one signal: the per-part profiles are read once. */
export function motionClassifier(signal: MotionSignal, fps: number): (interval: { readonly onset: number; readonly offset: number }) => MotionCauseResult {
  if (!(fps > 0)) throw new AppError('INVALID_INPUT', `Classing motion needs fps > 0 (got ${fps}).`);
  let profiles: PartProfiles | null = null;
  return (interval) => {
    const frames = checkRange(signal, interval);
    profiles ??= partProfiles(signal);
    const { cause, reason } = classifyOn(profiles, signal.lag, fps, interval.onset, Math.min(frames - 1, interval.offset + signal.lag));
    return { cause, reason };
  };
}

/** Stretches that reach `level` and last while above `low`, joined across gaps up to `gap` frames. */
export function stretches(values: Float32Array, level: number, low: number, gap: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = 0; t < values.length; t += 1) {
    if ((values[t] as number) < level) continue;
    let start = t;
    while (start > 0 && (values[start - 1] as number) >= low) start -= 1;
    let end = t;
    while (end + 1 < values.length && (values[end + 1] as number) >= low) end += 1;
    const last = out[out.length - 1];
    if (last && start - last[1] <= gap) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
    t = end;
  }
  return out;
}

/** Whether a mouth stretch's strongest frame is a jaw drop that leads the face (the rest of it at most SPEECH_UPPER_SHARE of the mouth there). */
function jawLedStretch(signal: MotionSignal, profiles: PartProfiles): (stretch: readonly [number, number]) => boolean {
  const { part, frames } = profiles;
  const names = Object.keys(signal.channels);
  const common = commonMode(names.filter((n) => PART_OF.get(n) !== 'upperLid').map((n) => signal.channels[n] as Float32Array), frames);
  return ([from, to]) => {
    const { value, at } = peakOf(part.mouth, from, to);
    const rest = Math.max(part.upperLid[at] as number, part.lowerLid[at] as number, part.brow[at] as number, part.midFace[at] as number);
    return value > 0 && rest <= SPEECH_UPPER_SHARE * value && jawDrop(signal, common, part.mouth, at);
  };
}

/**
 * Mouth stretches joined across a lull in which the mouth kept moving apart from the rest
 * of the face (its median at least SPEECH_ABOVE_REST times theirs). When the syllable period
 * is close to the lag, the lagged signal of steady talking cancels mid-bout: only the bout's
 * first opening and its last closing stand out, each alone like one mouth movement, while
 * the lips and jaw still move a little more than the still upper face between them. Where
 * they barely do, two stretches that both drop the jaw (`jawDrop`) and lead the face are
 * still joined across a lull of up to JAW_LULL_SECONDS: talking's first syllables and its
 * last closing, each too short alone to show speech's repeated openings.
 */
function joinTalking(profiles: PartProfiles, jawLed: (stretch: readonly [number, number]) => boolean, maxLull: number, mouthStretches: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const { part } = profiles;
  const out: Array<[number, number]> = [];
  for (const [from, to] of mouthStretches) {
    const last = out[out.length - 1];
    if (last && from - last[1] - 1 <= maxLull && jawLed(last) && jawLed([from, to])) {
      last[1] = to;
      continue;
    }
    if (last && from - last[1] > 2) {
      const mouth = Float32Array.from({ length: from - last[1] - 1 }, (_, i) => part.mouth[last[1] + 1 + i] as number).sort();
      const rest = Float32Array.from({ length: from - last[1] - 1 }, (_, i) => {
        const t = last[1] + 1 + i;
        return Math.max(part.upperLid[t] as number, part.lowerLid[t] as number, part.brow[t] as number, part.midFace[t] as number);
      }).sort();
      if (quantile(mouth, 0.5) >= SPEECH_ABOVE_REST * quantile(rest, 0.5)) {
        last[1] = to;
        continue;
      }
    }
    out.push([from, to]);
  }
  return out;
}

/**
 * Mouth stretches with talking found beside an expression: a joined stretch that is not
 * speech as a whole (a micro-expression's mouth motion runs into the bout, and its brows or
 * lids outweigh the talking) gives way to its longest head and longest tail, cut at the
 * mouth's own movements (`pieces`), that are speech each alone, when what they leave is no
 * longer than a micro-expression and its echo. Any other stretch is kept as it is, for the
 * classifier to call an expression.
 */
function talkingBesideExpressions(
  profiles: PartProfiles,
  jawLed: (stretch: readonly [number, number]) => boolean,
  lag: number,
  fps: number,
  joined: ReadonlyArray<[number, number]>,
  pieces: ReadonlyArray<[number, number]>,
): Array<[number, number]> {
  const whole = (from: number, to: number): boolean => classifyOn(profiles, lag, fps, from, to).cause === 'speech';
  // A part cut off an expression must also open the jaw at its strongest: lip presses and chin raises in tremor jitter do not.
  const speech = (from: number, to: number): boolean => whole(from, to) && jawLed([from, to]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of joined) {
    if (whole(from, to)) {
      out.push([from, to]);
      continue;
    }
    // The expression is where the brows or lids peak, and only when they outweigh the talking
    // there: jitter (tremor) that is not speech as a whole is not cut into speech.
    const { part } = profiles;
    const upper = Float32Array.from({ length: to - from + 1 }, (_, i) => Math.max(part.upperLid[from + i] as number, part.lowerLid[from + i] as number, part.brow[from + i] as number));
    let expressionAt = from;
    for (let t = from; t <= to; t += 1) if ((upper[t - from] as number) > (upper[expressionAt - from] as number)) expressionAt = t;
    const inside = upper.length && (upper[expressionAt - from] as number) > SPEECH_UPPER_SHARE * peakOf(part.mouth, from, to).value ? pieces.filter(([a, b]) => a >= from && b <= to) : [];
    // Heads end, and tails start, at a piece's edge clear of the expression; the longest that is speech wins.
    const head = inside.map(([, b]) => b).filter((b) => b < expressionAt && speech(from, b)).pop();
    const tail = inside.map(([a]) => a).find((a) => a > expressionAt && speech(a, to));
    // What is left between them is the expression and its echo: no longer than a micro-expression's.
    const left = (tail ?? to + 1) - (head ?? from - 1) - 1;
    if ((head === undefined && tail === undefined) || left > Math.round(0.5 * fps) + lag) {
      out.push([from, to]);
      continue;
    }
    if (head !== undefined) out.push([from, head]);
    if (tail !== undefined) out.push([tail, to]);
  }
  return out;
}

/**
 * The blinks, gaze shifts and speech bouts of a spotting signal: stretches where the
 * eyelids or the mouth moved, each classed by `classifyMotion`'s rules; those that are
 * not an expression are returned, with the frames they cover (their echo included).
 * `level` is the smallest motion worth a look (the spotting threshold's floor).
 */
export function findConfounders(signal: MotionSignal, fps: number, level: number): ConfounderInterval[] {
  if (!(fps > 0) || !(level > 0)) throw new AppError('INVALID_INPUT', `Finding confounders needs fps > 0 and a level > 0 (got ${fps}, ${level}).`);
  const profiles = partProfiles(signal);
  if (profiles.frames === 0) return [];
  const lids = profiles.part.upperLid.map((v, t) => Math.max(v, profiles.part.lowerLid[t] as number));
  // Syllables come 2–8 a second, and the lagged signal of a steady rhythm can nearly cancel
  // mid-bout: a lull of up to 0.6 s between mouth movements, or one where the mouth
  // still moves half as much, is still one bout.
  // Eyelid stretches join only across a frame or two: a gaze shift next to an expression stays apart from it.
  const jawLed = jawLedStretch(signal, profiles);
  const joined = joinTalking(profiles, jawLed, Math.round(JAW_LULL_SECONDS * fps), stretches(profiles.part.mouth, level, level / 2, Math.max(signal.lag, Math.round(0.6 * fps))));
  const mouthStretches = talkingBesideExpressions(profiles, jawLed, signal.lag, fps, joined, stretches(profiles.part.mouth, level, level / 2, 0));
  const candidates = [...stretches(lids, level, level, Math.max(2, Math.round(signal.lag / 3))), ...mouthStretches].sort((a, b) => a[0] - b[0]);
  const out: ConfounderInterval[] = [];
  for (const [from, to] of candidates) {
    const found = classifyOn(profiles, signal.lag, fps, from, to);
    if (found.cause === 'expression') continue;
    const last = out[out.length - 1];
    // A blink's closing and its echo can fall apart into two eye stretches, each a single step:
    // eye events closer than the lag are one event, classed again as a whole.
    if (last && last.cause !== 'speech' && found.cause !== 'speech' && from - last.offset <= signal.lag) {
      const joined = classifyOn(profiles, signal.lag, fps, last.onset, to);
      if (joined.cause !== 'expression') {
        out[out.length - 1] = { cause: joined.cause, onset: last.onset, apex: joined.apex, offset: to, reason: joined.reason };
        continue;
      }
    }
    out.push({ cause: found.cause, onset: from, apex: found.apex, offset: to, reason: found.reason });
  }
  return out;
}

/**
 * Where an interval that peaks after a blink or gaze shift starts: not before the eye event's
 * last frame. What a blink leaves in the face signal after its motion is taken out (its spill
 * onto lips and chin, up to a third of the lids' on the generated faces) sits above a run's
 * floor, so a run that rises just after the blink reaches back into it; its onset there would
 * make the blink the apex, its eyelids part of the expression. A run's floor is lower than the
 * level an eye event is found at, so such a run may start up to half a lag before the event.
 */
export function onsetAfterEyeEvents(interval: { readonly onset: number; readonly apex: number }, confounders: readonly ConfounderInterval[], lag: number): number {
  let onset = interval.onset;
  for (const c of confounders) {
    if (c.cause !== 'speech' && c.onset - Math.ceil(lag / 2) <= onset && onset < c.offset && c.offset < interval.apex) onset = c.offset;
  }
  return onset;
}
