import { AppError } from '@shared/errors';
import { facsString, type AuEvidence } from './au-rules';
import { INTENSITY_LEVELS } from './au-table';
import { DESCRIBER_STRINGS, type DescriberLanguage } from './describer-strings';
import type { EmotionResult } from './emotion';
import type { RoiFeature } from './roi-features';

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

export function describe(evidence: AnalysisEvidence, lang: DescriberLanguage = 'en'): Description {
  const s = DESCRIBER_STRINGS[lang];
  if (!s) throw new AppError('INVALID_INPUT', `Unsupported describer language: ${String(lang)}.`);
  const moving = evidence.features
    .filter((f) => f.angle !== null && f.octant !== null && f.meanNormalized >= CLEAR_MOTION_PERCENT)
    .sort((a, b) => b.meanMagnitude - a.meanMagnitude || a.region.localeCompare(b.region))
    .slice(0, MAX_LISTED_REGIONS);
  const expressive = evidence.aus.filter((a) => !a.blink);
  const auLabel = (a: AuEvidence): string => `AU${a.au} (${s.auName(a.au, a.name)})`;

  const roiLines = moving.length
    ? moving.map((f) => s.moves(s.region(f.region), s.octant[f.octant ?? 'up'], Math.round(f.angle ?? 0) % 360, f.meanMagnitude, f.meanNormalized))
    : [s.noClearMotion];
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
