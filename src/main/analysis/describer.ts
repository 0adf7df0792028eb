import { auName } from '@shared/au-names';
import { AppError } from '@shared/errors';
import { facsString, imageDirection, type AuEvidence } from './au-rules';
import { AU_RULES, INTENSITY_LEVELS } from './au-table';
import { DESCRIBER_STRINGS, type DescriberLanguage, type DescriberStrings } from './describer-strings';
import { CASME_EMOTIONS, type CasmeEmotion, type EmotionResult, type ThreeClass } from './emotion';
import { sideOf, type RoiFeature } from './roi-features';

export type { DescriberLanguage } from './describer-strings';

/**
 * The deterministic FACS describer: the three sections the MELLM prompt asks an LLM
 * for (ROI analysis with inferred AUs, step-by-step reasoning, summary), written from
 * the same evidence. Same evidence and language → byte-identical text.
 */

export interface AnalysisEvidence {
  readonly features: readonly RoiFeature[];
  readonly aus: readonly AuEvidence[];
  readonly emotion: EmotionResult;
}

export interface Description {
  readonly language: DescriberLanguage;
  readonly roiAnalysis: string;
  readonly reasoning: string;
  readonly summary: string;
  /** The three sections with their headings, as stored with the analysis. */
  readonly text: string;
}

/** At most this many moving ROIs are listed, the strongest first. */
const MAX_LISTED_REGIONS = 8;
const CLEAR_MOTION_PERCENT = INTENSITY_LEVELS[0].min;

/** What the describer reads of a region's motion (a stored analysis keeps this much). */
export type MeasuredRegion = Pick<RoiFeature, 'region' | 'meanMagnitude' | 'meanNormalized' | 'angle' | 'octant'>;

function strings(lang: DescriberLanguage): DescriberStrings {
  const s = DESCRIBER_STRINGS[lang];
  if (!s) throw new AppError('INVALID_INPUT', `Unsupported describer language: ${String(lang)}.`);
  return s;
}

/** The regions with a clear direction and magnitude, strongest first. */
function clearlyMoving<T extends MeasuredRegion>(features: readonly T[]): T[] {
  return features
    .filter((f) => f.angle !== null && f.octant !== null && f.meanNormalized >= CLEAR_MOTION_PERCENT)
    .sort((a, b) => b.meanMagnitude - a.meanMagnitude || a.region.localeCompare(b.region))
    .slice(0, MAX_LISTED_REGIONS);
}

function movementLines(s: DescriberStrings, moving: readonly MeasuredRegion[]): string[] {
  return moving.length
    ? moving.map((f) => s.moves(s.region(f.region), s.octant[f.octant ?? 'up'], Math.round(f.angle ?? 0) % 360, f.meanMagnitude, f.meanNormalized))
    : [s.noClearMotion];
}

/** One line per cause naming the regions glasses or hair cover (their motion is not read). */
function occludedLines(s: ReturnType<typeof strings>, features: readonly RoiFeature[]): string[] {
  return (['glasses', 'hair'] as const).flatMap((cause) => {
    const regions = features.filter((f) => f.occluded === cause).map((f) => s.region(f.region));
    return regions.length ? [s.occluded(cause, s.list(regions))] : [];
  });
}

export function describe(evidence: AnalysisEvidence, lang: DescriberLanguage = 'en'): Description {
  const s = strings(lang);
  const moving = clearlyMoving(evidence.features);
  const expressive = evidence.aus.filter((a) => !a.blink);
  const auLabel = (a: AuEvidence): string => s.auLabel(a.au, s.auName(a.au, a.name));

  const roiLines = [...movementLines(s, moving), ...occludedLines(s, evidence.features)];
  const auLines = evidence.aus.length
    ? evidence.aus.map((a) => s.inferred(auLabel(a), s.side[a.side], s.intensity[a.intensity], a.confidence, s.list(a.regions.slice(0, 3).map(s.region))))
    : [s.noAu];

  const combo = expressive.map((a) => `AU${a.au}`).join('+');
  const { emotion, label } = evidence.emotion;
  const evidenceRegions = [...new Set(expressive.flatMap((a) => a.regions.slice(0, 2)))].slice(0, 4).map(s.region);
  const blink = evidence.aus.some((a) => a.blink);
  const step1 = expressive.length ? s.indicates(s.list(evidenceRegions), s.list(expressive.map(auLabel))) : blink ? s.blinkNote : s.noIndication;
  const step2: string[] = [];
  if (!emotion || !label) step2.push(s.noMe);
  else if (emotion === 'others') step2.push(s.others(combo, s.label[label]));
  else {
    step2.push(s.matches(combo, s.emotion[emotion], evidence.emotion.confidence, s.label[label]));
    const runnerUp = evidence.emotion.scores.find((e) => e.emotion !== emotion && e.score > 0);
    if (runnerUp) step2.push(s.alternative(s.emotion[runnerUp.emotion]));
  }
  if (blink && expressive.length) step2.push(s.blinkNote);
  const step3 = emotion && label ? s.conclude(s.label[label]) : s.concludeNone;
  const sep = lang === 'en' ? ' ' : '';
  const reasoningText = [s.step(1, step1), s.step(2, step2.join(sep)), s.step(3, step3)].join('\n');

  const summary = emotion && label ? s.summary(facsString(expressive), s.emotion[emotion], s.label[label]) : s.summaryNone;
  const roiAnalysis = [...roiLines, ...auLines].join('\n');
  const text = [`${s.headings[0]}\n${roiAnalysis}`, `${s.headings[1]}\n${reasoningText}`, `${s.headings[2]}\n${summary}`].join('\n\n');
  return { language: lang, roiAnalysis, reasoning: reasoningText, summary, text };
}

/** A coder's label: the AUs they wrote (side when given) and the emotion they chose. */
export interface CodedLabel {
  readonly aus: ReadonlyArray<{ readonly au: number; readonly side: 'L' | 'R' | null }>;
  /** The coder's emotion word as written (CASME II words are translated); null when none. */
  readonly emotion: string | null;
  readonly label: ThreeClass;
}

/** How far (degrees) a region's motion may turn from an AU's direction and still show it: the AU rules' default tuning width. */
const DIRECTION_TOLERANCE = 50;
/**
 * The same for a projection cue, a region two AUs pull different ways (the inner brow: AU1
 * up, AU4 down and inward): there the motion is their sum, so a clear share along the cue
 * shows the AU.
 */
const PROJECTION_TOLERANCE = 70;

/**
 * Whether a region's motion shows `au` on `side` (both sides when null): the region is
 * one the AU rules read for that AU (its core and support cues) and it moves the cue's
 * way, within the cue's tolerance. Null when no rule reads the AU.
 */
function showsAu(au: number, side: 'L' | 'R' | null): ((region: MeasuredRegion) => boolean) | null {
  const rule = AU_RULES.find((r) => r.au === au);
  if (!rule) return null;
  const sides = side === 'L' ? ['Left'] : side === 'R' ? ['Right'] : ['Left', 'Right'];
  const cues = rule.cues
    .filter((cue) => cue.role === 'core' || cue.role === 'support')
    .flatMap((cue) => cue.regions.flatMap((region) => (region.includes('{side}') ? sides.map((name) => region.replace('{side}', name)) : [region])).map((region) => ({ region, cue })));
  return (moving) => {
    if (moving.angle === null) return false;
    // The stored angle is counter-clockwise with y up; image axes have y down.
    const radians = (moving.angle * Math.PI) / 180;
    const [x, y] = [Math.cos(radians), -Math.sin(radians)];
    return cues.some(({ region, cue }) => {
      if (region !== moving.region) return false;
      const want = imageDirection(cue.direction, sideOf(region));
      const tolerance = cue.tolerance ?? (cue.projection ? PROJECTION_TOLERANCE : DIRECTION_TOLERANCE);
      return want !== null && want[0] * x + want[1] * y >= Math.cos((tolerance * Math.PI) / 180);
    });
  };
}

/**
 * Sections 1 and 2 of the MELLM answer for a coder's label instead of the rules'
 * evidence: the regions that clearly move, where each coded AU shows in them (or that it
 * does not), and the reasoning from the coded AUs to the coder's 3-class label. The
 * face's roll is not stored with an analysis, so directions are read upright.
 */
export function describeCodedLabel(label: CodedLabel, features: readonly MeasuredRegion[], lang: DescriberLanguage = 'en'): Pick<Description, 'roiAnalysis' | 'reasoning'> {
  const s = strings(lang);
  const moving = clearlyMoving(features);
  const codes = [...new Map(label.aus.map((code) => [`${code.side ?? ''}${code.au}`, code])).values()];
  const seen: { name: string; regions: string[] }[] = [];
  const auLines = codes.length
    ? codes.map((code) => {
        const name = s.auLabel(code.au, s.auName(code.au, auName(code.au) ?? `AU${code.au}`));
        const side = code.side ? s.side[code.side] : null;
        const shows = showsAu(code.au, code.side);
        if (!shows) return s.codedAuUnmeasured(name, side);
        const at = moving.filter(shows).slice(0, 3).map((f) => f.region);
        if (!at.length) return s.codedAuStill(name, side);
        seen.push({ name, regions: at });
        return s.codedAu(name, side, s.list(at.map(s.region)));
      })
    : [s.noCodedAu];

  const evidenceRegions = [...new Set(seen.flatMap((au) => au.regions.slice(0, 2)))].slice(0, 4).map(s.region);
  const step1 = seen.length ? s.indicates(s.list(evidenceRegions), s.list(seen.map((au) => au.name))) : s.noIndication;
  const combo = [...new Set(codes.map((code) => `AU${code.au}`))].join('+') || null;
  const word = label.emotion?.trim() || null;
  const emotion = word && (CASME_EMOTIONS as readonly string[]).includes(word.toLowerCase()) ? s.emotion[word.toLowerCase() as CasmeEmotion] : word;
  const reasoning = [s.step(1, step1), s.step(2, s.coded(combo, emotion, s.label[label.label])), s.step(3, s.conclude(s.label[label.label]))].join('\n');
  return { roiAnalysis: [...movementLines(s, moving), ...auLines].join('\n'), reasoning };
}
