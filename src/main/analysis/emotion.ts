import type { AuEvidence } from './au-rules';

/**
 * Emotion from the AU set, by an EMFACS-style prototype table following the CASME II
 * coding conventions (Yan et al. 2014, table 2) and the MEGC 3-class grouping
 * (Negative = disgust, repression, sadness, fear, anger, contempt; Positive =
 * happiness; Surprise = surprise). Blinks (AU45) never count. No AU → no ME.
 */

export const CASME_EMOTIONS = ['happiness', 'disgust', 'repression', 'surprise', 'sadness', 'fear', 'others'] as const;
export type CasmeEmotion = (typeof CASME_EMOTIONS)[number];
export const THREE_CLASSES = ['Negative', 'Positive', 'Surprise'] as const;
export type ThreeClass = (typeof THREE_CLASSES)[number];

export interface EmotionPrototype {
  readonly emotion: Exclude<CasmeEmotion, 'others'>;
  /** Each pattern is an AU combination that codes the emotion on its own. */
  readonly patterns: readonly (readonly number[])[];
  /** AUs whose presence argues against the emotion (e.g. brow lowering against surprise). */
  readonly against: readonly number[];
  /** Only when every AU present belongs to these (repression: "AU14/15/17/24 without others"). */
  readonly onlyWithin?: readonly number[];
  readonly description: string;
}

export const EMOTION_PROTOTYPES: readonly EmotionPrototype[] = [
  {
    emotion: 'happiness',
    patterns: [[6, 12], [12], [6]],
    // A nose wrinkle belongs to no happiness prototype, as a lip-corner pull belongs to no
    // disgust one: each argues against the other, so the stronger decides (were only AU12
    // to count against disgust, a one-sided AU12 at B would outvote a nose wrinkle at D).
    // AU10 stays out: the upper lip rises in a broad smile too.
    against: [4, 9, 15],
    description: 'AU6 (cheek raiser) and/or AU12 (lip corner puller): the Duchenne smile and its parts; a nose wrinkle (AU9) argues against it.',
  },
  {
    emotion: 'disgust',
    patterns: [[9], [10], [9, 10], [4, 7], [4, 9]],
    against: [12],
    description: 'AU9 (nose wrinkler), AU10 (upper lip raiser), or AU4+AU7 (lowered brows with tightened lids).',
  },
  {
    emotion: 'surprise',
    patterns: [[1, 2], [1, 2, 5], [1, 2, 25], [1, 2, 5, 25], [5, 25], [2]],
    // Lips stretched (AU20) under raised brows is fear, not surprise (EMFACS).
    against: [4, 9, 15, 20],
    description: 'AU1+AU2 (brows raised), with AU5 (upper lids raised) and AU25/26 (lips part).',
  },
  {
    emotion: 'sadness',
    patterns: [[1, 4], [1, 4, 15], [1, 15], [4, 15], [1, 4, 17]],
    against: [2, 12],
    description: 'AU1+AU4 (inner brows raised and drawn together), with AU15 (lip corners down) or AU17; AU15 alone is repression.',
  },
  {
    emotion: 'fear',
    patterns: [[1, 2, 4], [1, 2, 4, 20], [1, 2, 4, 5, 20], [1, 2, 20], [2, 20], [1, 20], [5, 20], [20], [4, 20]],
    against: [12],
    description: 'AU1+AU2+AU4 (raised and drawn-together brows), with AU5 and AU20 (lips stretched); AU20 with raised brows or lids.',
  },
  {
    emotion: 'repression',
    patterns: [[14], [15], [17], [24], [14, 17], [15, 17], [17, 24], [14, 24]],
    against: [],
    onlyWithin: [14, 15, 17, 24],
    description: 'AU14, AU15, AU17 or AU24 alone: the face suppressing an expression, no other AU.',
  },
];

export const THREE_CLASS_OF: Record<CasmeEmotion, ThreeClass> = {
  happiness: 'Positive',
  surprise: 'Surprise',
  disgust: 'Negative',
  repression: 'Negative',
  sadness: 'Negative',
  fear: 'Negative',
  // CASME II "others" are mostly brow lowering / tension without a prototype: MEGC counts them negative.
  others: 'Negative',
};

export interface EmotionScore {
  readonly emotion: CasmeEmotion;
  readonly score: number;
}

export interface EmotionResult {
  /** null when no (non-blink) AU is present: no micro-expression. */
  readonly emotion: CasmeEmotion | null;
  readonly label: ThreeClass | null;
  readonly confidence: number;
  /** The AU pattern that decided it (empty for "others" or no ME). */
  readonly pattern: readonly number[];
  readonly scores: readonly EmotionScore[];
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function scorePrototype(proto: EmotionPrototype, conf: ReadonlyMap<number, number>): { score: number; pattern: readonly number[] } {
  if (proto.onlyWithin && [...conf.keys()].some((au) => !proto.onlyWithin?.includes(au))) return { score: 0, pattern: [] };
  let best = { score: 0, pattern: [] as readonly number[] };
  for (const pattern of proto.patterns) {
    if (!pattern.every((au) => conf.has(au))) continue;
    // Larger fully-present patterns explain more of the face: sum of their AU confidences.
    const score = pattern.reduce((sum, au) => sum + (conf.get(au) ?? 0), 0);
    if (score > best.score) best = { score, pattern };
  }
  const penalty = proto.against.reduce((sum, au) => sum + (conf.get(au) ?? 0), 0);
  return { score: Math.max(0, best.score - 0.75 * penalty), pattern: best.pattern };
}

/** CASME II emotion and MEGC 3-class label from the AU evidence, with a confidence in [0, 1]. */
export function inferEmotion(aus: ReadonlyArray<Pick<AuEvidence, 'au' | 'confidence' | 'blink'> & { readonly intensity?: AuEvidence['intensity'] }>): EmotionResult {
  const conf = new Map<number, number>();
  // A trace (intensity A) is too weak to outvote clear AUs: it only decides when nothing stronger moved.
  const clear = aus.filter((a) => !a.blink && a.intensity !== 'A');
  for (const a of clear.length ? clear : aus) if (!a.blink) conf.set(a.au, Math.max(a.confidence, conf.get(a.au) ?? 0));
  if (conf.size === 0) return { emotion: null, label: null, confidence: 0, pattern: [], scores: [] };
  const scored = EMOTION_PROTOTYPES.map((proto) => ({ proto, ...scorePrototype(proto, conf) })).sort((a, b) => b.score - a.score);
  const scores = scored.map(({ proto, score }) => ({ emotion: proto.emotion, score: round2(score) }));
  const [top, second] = scored;
  if (!top || top.score <= 0) {
    const meanConf = [...conf.values()].reduce((s, c) => s + c, 0) / conf.size;
    return { emotion: 'others', label: THREE_CLASS_OF.others, confidence: round2(0.5 * meanConf), pattern: [], scores };
  }
  // Confidence: the winner's share of the competing scores, times its AUs' mean confidence.
  const share = top.score / (top.score + (second?.score ?? 0));
  const patternConf = top.pattern.reduce((s, au) => s + (conf.get(au) ?? 0), 0) / top.pattern.length;
  return {
    emotion: top.proto.emotion,
    label: THREE_CLASS_OF[top.proto.emotion],
    confidence: round2(share * patternConf),
    pattern: top.pattern,
    scores,
  };
}
