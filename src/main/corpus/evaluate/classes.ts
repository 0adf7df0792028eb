/**
 * Emotion classes an evaluation scores, per dataset: the MEGC 2019 3-class mapping of a
 * dataset's emotion words (docs/evaluation.md holds the same table) and the dataset's own
 * classes as its protocol counts them. A word with no class is excluded from that figure
 * and counted as excluded, never guessed.
 */

export const MEGC_CLASSES = ['negative', 'positive', 'surprise'] as const;
export type MegcClass = (typeof MEGC_CLASSES)[number];

const NEGATIVE = ['disgust', 'repression', 'sadness', 'fear', 'anger', 'contempt', 'negative'];

/**
 * MEGC 2019 composite: CASME II happiness → positive; disgust, repression → negative;
 * surprise → surprise; CASME II sadness and fear and SAMM anger, contempt, disgust, fear,
 * sadness → negative; SMIC is already 3-class. "others" / "other" are excluded, as in
 * MEGC 2019.
 */
const MEGC_OF: Readonly<Record<string, MegcClass>> = {
  ...Object.fromEntries(NEGATIVE.map((w) => [w, 'negative' as const])),
  happiness: 'positive',
  happy: 'positive',
  positive: 'positive',
  surprise: 'surprise',
};

/** The MEGC class of an emotion word (any dataset), or null when MEGC excludes it. */
export function megcClassOf(emotion: string | null | undefined): MegcClass | null {
  if (!emotion) return null;
  return MEGC_OF[emotion.trim().toLowerCase()] ?? null;
}

export interface DatasetClasses {
  readonly name: string;
  readonly classes: readonly string[];
  /** Emotion word (lower case) → class; the model's CASME II words go through it too. */
  readonly classOf: Readonly<Record<string, string>>;
}

/** The datasets' own recognition protocols the model's vocabulary can be scored on. */
export const DATASET_CLASSES: Readonly<Record<string, DatasetClasses>> = {
  casme2: {
    name: 'CASME II 5-class',
    classes: ['happiness', 'disgust', 'repression', 'surprise', 'others'],
    // The 5-class protocol folds the few sadness and fear clips into others.
    classOf: { happiness: 'happiness', disgust: 'disgust', repression: 'repression', surprise: 'surprise', others: 'others', sadness: 'others', fear: 'others' },
  },
  samm: {
    name: 'SAMM 5-class',
    classes: ['anger', 'contempt', 'happiness', 'surprise', 'other'],
    classOf: { anger: 'anger', contempt: 'contempt', happiness: 'happiness', surprise: 'surprise', other: 'other', others: 'other', disgust: 'other', fear: 'other', sadness: 'other', repression: 'other' },
  },
  smic: {
    name: 'SMIC 3-class',
    classes: ['negative', 'positive', 'surprise'],
    classOf: { negative: 'negative', positive: 'positive', surprise: 'surprise', ...Object.fromEntries(NEGATIVE.map((w) => [w, 'negative'])), happiness: 'positive' },
  },
};

export function datasetClassOf(dataset: string, emotion: string | null | undefined): string | null {
  const table = DATASET_CLASSES[dataset];
  if (!table || !emotion) return null;
  return table.classOf[emotion.trim().toLowerCase()] ?? null;
}
