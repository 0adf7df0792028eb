import { AU_NAMES_ZH } from '@shared/au-names';
import { EMOTION_WORDS_ZH, OCTANT_WORDS_ZH } from '@shared/label-words';
import { roiLabel } from '@shared/rois';
import type { Intensity } from './au-table';
import type { AuSide } from './au-rules';
import type { CasmeEmotion, ThreeClass } from './emotion';
import type { Octant } from './roi-features';

/**
 * The describer's wording per language. This text is data stored with an analysis (like
 * an LLM's output), so it lives here and not in the UI's i18next catalogues.
 */
export type DescriberLanguage = 'en' | 'zh-CN';

export interface DescriberStrings {
  readonly headings: readonly [string, string, string];
  region(name: string): string;
  octant: Readonly<Record<Octant, string>>;
  auName(au: number, fallback: string): string;
  /** An action unit with its name: "AU12 (Lip Corner Puller)". */
  auLabel(au: number, name: string): string;
  side: Readonly<Record<AuSide, string>>;
  intensity: Readonly<Record<Intensity, string>>;
  emotion: Readonly<Record<CasmeEmotion, string>>;
  label: Readonly<Record<ThreeClass, string>>;
  moves(region: string, octant: string, angle: number, px: number, pct: number): string;
  noClearMotion: string;
  /** Regions whose motion is not read because glasses or hair cover them. */
  occluded(cause: 'glasses' | 'hair', regions: string): string;
  inferred(au: string, side: string, intensity: string, confidence: number, regions: string): string;
  noAu: string;
  blinkNote: string;
  matches(aus: string, emotion: string, confidence: number, label: string): string;
  others(aus: string, label: string): string;
  alternative(emotion: string): string;
  noMe: string;
  step(n: number, text: string): string;
  indicates(regions: string, aus: string): string;
  noIndication: string;
  conclude(label: string): string;
  concludeNone: string;
  summary(facs: string, emotion: string, label: string): string;
  summaryNone: string;
  list(items: readonly string[]): string;
  /** A coder's AU and the regions where the flow shows it (side: the coded side, if any). */
  codedAu(au: string, side: string | null, regions: string): string;
  /** A coder's AU that no region clearly moves the way it would. */
  codedAuStill(au: string, side: string | null): string;
  /** A coder's AU that no region of interest measures. */
  codedAuUnmeasured(au: string, side: string | null): string;
  noCodedAu: string;
  /** The coder's AUs (null: none) and emotion word (null: none) as their 3-class label. */
  coded(aus: string | null, emotion: string | null, label: string): string;
}


export const DESCRIBER_STRINGS: Readonly<Record<DescriberLanguage, DescriberStrings>> = {
  en: {
    headings: ['1. ROI analysis', '2. Reasoning', '3. Summary'],
    region: (name) => name,
    octant: { right: 'right', 'up-right': 'up-right', up: 'up', 'up-left': 'up-left', left: 'left', 'down-left': 'down-left', down: 'down', 'down-right': 'down-right' },
    auName: (_au, fallback) => fallback,
    auLabel: (au, name) => `AU${au} (${name})`,
    side: { L: 'left', R: 'right', B: 'bilateral' },
    intensity: { A: 'trace', B: 'slight', C: 'marked', D: 'severe', E: 'maximum' },
    emotion: { happiness: 'happiness', disgust: 'disgust', repression: 'repression', surprise: 'surprise', sadness: 'sadness', fear: 'fear', others: 'others' },
    label: { Negative: 'Negative', Positive: 'Positive', Surprise: 'Surprise' },
    moves: (region, octant, angle, px, pct) => `- ${region} moves ${octant} (${angle}°), mean ${px} px (${pct}% of face height).`,
    noClearMotion: '- No region shows clear movement.',
    occluded: (cause, regions) => `- ${regions}: occluded by ${cause === 'glasses' ? 'glasses' : 'hair'}, not read.`,
    inferred: (au, side, intensity, confidence, regions) => `- ${au}: ${side}, ${intensity} intensity, confidence ${confidence}, from ${regions}.`,
    noAu: '- The motion supports no action unit.',
    blinkNote: 'A blink (AU45) is present; it is not counted as a micro-expression.',
    matches: (aus, emotion, confidence, label) => `The combination ${aus} matches the facial pattern of ${emotion} (confidence ${confidence}), a ${label} micro-expression.`,
    others: (aus, label) => `The combination ${aus} matches no prototype emotion clearly; it is classed as others (${label}).`,
    alternative: (emotion) => `A weaker reading is ${emotion}.`,
    noMe: 'Without an action unit there is no micro-expression between these frames.',
    step: (n, text) => `Step ${n}: ${text}`,
    indicates: (regions, aus) => `The movement at ${regions} indicates ${aus}.`,
    noIndication: 'No region moves enough to indicate an action unit.',
    conclude: (label) => `The micro-expression is therefore ${label}.`,
    concludeNone: 'There is therefore no micro-expression.',
    summary: (facs, emotion, label) => `AUs: ${facs}. Estimated emotion: ${emotion}. Micro-expression: ${label}.`,
    summaryNone: 'AUs: none. Micro-expression: none.',
    list: (items) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`),
    codedAu: (au, side, regions) => `- ${au}${side ? `, ${side}` : ''}: seen at ${regions}.`,
    codedAuStill: (au, side) => `- ${au}${side ? `, ${side}` : ''}: no region clearly moves its way.`,
    codedAuUnmeasured: (au, side) => `- ${au}${side ? `, ${side}` : ''}: not measured by the regions of interest.`,
    noCodedAu: '- No action unit is coded.',
    coded: (aus, emotion, label) =>
      `${aus ? `The combination ${aus}` : 'Without an action unit, the movement'} is coded as ${emotion ? `${emotion}, ` : ''}a ${label} micro-expression.`,
  },
  'zh-CN': {
    headings: ['1. 感兴趣区域分析', '2. 推理', '3. 总结'],
    region: (name) => roiLabel(name, 'zh-CN'),
    octant: OCTANT_WORDS_ZH,
    auName: (au, fallback) => AU_NAMES_ZH[au] ?? fallback,
    auLabel: (au, name) => `AU${au}（${name}）`,
    side: { L: '左侧', R: '右侧', B: '双侧' },
    intensity: { A: '微弱', B: '轻度', C: '明显', D: '强烈', E: '极强' },
    emotion: EMOTION_WORDS_ZH,
    label: { Negative: '消极', Positive: '积极', Surprise: '惊讶' },
    moves: (region, octant, angle, px, pct) => `- ${region}${octant}运动（${angle}°），平均 ${px} 像素（面部高度的 ${pct}%）。`,
    noClearMotion: '- 没有区域出现明显运动。',
    occluded: (cause, regions) => `- ${regions}：被${cause === 'glasses' ? '眼镜' : '头发'}遮挡，不予读取。`,
    inferred: (au, side, intensity, confidence, regions) => `- ${au}：${side}，强度${intensity}，置信度 ${confidence}，依据：${regions}。`,
    noAu: '- 运动不支持任何动作单元。',
    blinkNote: '出现眨眼（AU45），不计为微表情。',
    matches: (aus, emotion, confidence, label) => `${aus} 的组合符合${emotion}的面部模式（置信度 ${confidence}），属于${label}微表情。`,
    others: (aus, label) => `${aus} 的组合不明确符合任何典型情绪，归为其他（${label}）。`,
    alternative: (emotion) => `较弱的解读为${emotion}。`,
    noMe: '没有动作单元，这两帧之间不存在微表情。',
    step: (n, text) => `第${['一', '二', '三'][n - 1] ?? n}步：${text}`,
    indicates: (regions, aus) => `${regions}的运动表明 ${aus}。`,
    noIndication: '没有区域的运动足以表明动作单元。',
    conclude: (label) => `因此该微表情为${label}。`,
    concludeNone: '因此不存在微表情。',
    summary: (facs, emotion, label) => `动作单元：${facs}。估计情绪：${emotion}。微表情类别：${label}。`,
    summaryNone: '动作单元：无。微表情类别：无。',
    list: (items) => items.join('、'),
    codedAu: (au, side, regions) => `- ${au}${side ? `（${side}）` : ''}：见于${regions}。`,
    codedAuStill: (au, side) => `- ${au}${side ? `（${side}）` : ''}：没有区域明显地按其方向运动。`,
    codedAuUnmeasured: (au, side) => `- ${au}${side ? `（${side}）` : ''}：感兴趣区域不测量该动作单元。`,
    noCodedAu: '- 未编码动作单元。',
    coded: (aus, emotion, label) => `${aus ? `${aus} 的组合` : '没有动作单元的运动'}被编码为${emotion ? `${emotion}，属于` : ''}${label}微表情。`,
  },
};
