/**
 * Simplified Chinese for the English words the model, the AU rules and the datasets store in
 * a label: emotions, the MEGC 3-class category, how a label came to be, and the ROI motion
 * direction. Stored values stay English (exports and evaluation compare them); these are for
 * reading them — the same words as the window's zh-CN catalogue and the FACS describer.
 */
export const EMOTION_WORDS_ZH: Readonly<Record<string, string>> = {
  happiness: '高兴',
  disgust: '厌恶',
  repression: '压抑',
  surprise: '惊讶',
  sadness: '悲伤',
  fear: '恐惧',
  anger: '愤怒',
  contempt: '轻蔑',
  others: '其他',
  other: '其他',
};

export const LABEL3_WORDS_ZH: Readonly<Record<string, string>> = { negative: '消极', positive: '积极', surprise: '惊讶' };

export const PROVENANCE_WORDS_ZH: Readonly<Record<string, string>> = { accepted: '已接受', edited: '已修改', manual: '手动' };

export const OCTANT_WORDS_ZH = { right: '向右', 'up-right': '向右上', up: '向上', 'up-left': '向左上', left: '向左', 'down-left': '向左下', down: '向下', 'down-right': '向右下' } as const;

/** The two phrases the ROI features store instead of a direction. */
const NO_DIRECTION_ZH: Readonly<Record<string, string>> = { 'no significant motion detected': '无明显运动', 'no clear dominant direction': '无明确主方向' };

/** A stored word in `words` (matched without regard to case), else as stored: a dataset's own vocabulary is shown as written. */
export function storedWord(words: Readonly<Record<string, string>>, value: string): string {
  const key = value.trim().toLowerCase();
  return Object.hasOwn(words, key) ? (words[key] as string) : value;
}

/** A stored ROI direction ("up-right (40°)", or a no-direction phrase) in Chinese; anything else as stored. */
export function directionZh(direction: string): string {
  const match = /^([a-z-]+) \((\d+)°\)$/.exec(direction);
  if (match && Object.hasOwn(OCTANT_WORDS_ZH, match[1] as string)) return `${OCTANT_WORDS_ZH[match[1] as keyof typeof OCTANT_WORDS_ZH]} (${match[2]}°)`;
  return storedWord(NO_DIRECTION_ZH, direction);
}
