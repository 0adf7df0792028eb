import { facsReading, isFacsChoice, parseFacs, FACS_INTENSITIES, type FacsIntensity } from '@shared/facs';
import type { EvaluationPrediction, LabelMin } from './types';

/** A label's AUs as scored: AU numbers, and AU + side keys (AU × 10 + 0 unsided / 1 left / 2 right). */
export interface ScoredAus {
  readonly aus: ReadonlySet<number>;
  readonly sided: ReadonlySet<number>;
}

export type LabelAus =
  | { readonly kind: 'scored'; readonly scored: ScoredAus; readonly alternatives: boolean; readonly uncertainCodes: number }
  | { readonly kind: 'uncertain' }
  | { readonly kind: 'unreadable'; readonly reason: string };

export const LABEL_RULE =
  "Labels are read with the FACS grammar: of alternatives (`12 or 14`, `(R6 or R12)`) the first is the coder's reading; a code marked `12?` counts as present; " +
  'a label that is only `?` is left out of the AU figures; references (`ref(7B)`) and AD codes are not scored; an intensity range (`4A/B`) counts at its high end; ' +
  'a code without intensity passes any label threshold. Sides: L and R are sides, U and no side are compared as unsided, a predicted B (both) as unsided.';

const SIDE = { L: 1, R: 2 } as const;
const rank = (i: FacsIntensity): number => FACS_INTENSITIES.indexOf(i);

/** Reads one label's FACS text under the label threshold. */
export function labelAus(text: string, labelMin: LabelMin): LabelAus {
  const parsed = parseFacs(text);
  if (!parsed.ok) return { kind: 'unreadable', reason: parsed.error.message };
  const facs = parsed.value;
  const reading = facsReading(facs);
  if (reading === null) return { kind: 'uncertain' };
  const alternatives = facs.alternatives.length > 1 || facs.alternatives.some((terms) => terms.some(isFacsChoice));
  const aus = new Set<number>();
  const sided = new Set<number>();
  let uncertainCodes = 0;
  for (const code of reading) {
    const intensity = code.intensityTo ?? code.intensity;
    if (labelMin !== 'any' && intensity !== null && rank(intensity) < rank(labelMin)) continue;
    if (code.uncertain) uncertainCodes += 1;
    aus.add(code.au);
    sided.add(code.au * 10 + (code.side === 'L' || code.side === 'R' ? SIDE[code.side] : 0));
  }
  return { kind: 'scored', scored: { aus, sided }, alternatives, uncertainCodes };
}

/** The model's AUs from `predMin` on, in the same keys. */
export function predictedAus(prediction: EvaluationPrediction, predMin: FacsIntensity): ScoredAus {
  const aus = new Set<number>();
  const sided = new Set<number>();
  for (const { au, side, intensity } of prediction.aus) {
    if (rank(intensity) < rank(predMin)) continue;
    aus.add(au);
    sided.add(au * 10 + (side === 'B' ? 0 : SIDE[side]));
  }
  return { aus, sided };
}
