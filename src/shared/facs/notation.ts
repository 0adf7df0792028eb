/** FACS notation as data: the qualifiers a code carries, a parsed text, and the tokens of its parse. */
import type { FacsText } from './messages';

export const FACS_SIDES = ['L', 'R', 'U'] as const;
export type FacsSide = (typeof FACS_SIDES)[number];
export const FACS_POSITIONS = ['T', 'B'] as const;
/** `T18`: the top (upper lip) part of the action; `B18`: the bottom (lower lip) part. */
export type FacsPosition = (typeof FACS_POSITIONS)[number];
export const FACS_INTENSITIES = ['A', 'B', 'C', 'D', 'E'] as const;
export type FacsIntensity = (typeof FACS_INTENSITIES)[number];
/** `AU` = Action Unit, `AD` = Action Descriptor (`AD38`, Nostril Dilator). */
export type FacsKind = 'AU' | 'AD';

/** The longest FACS text accepted; real cells are a few dozen characters. */
export const FACS_MAX_LENGTH = 500;

export interface FacsCode {
  readonly kind: FacsKind;
  /** The AU number, or the AD number when `kind` is `AD`. */
  readonly au: number;
  /** L / R = the subject's left / right side only; U = one side, not said which. */
  readonly side: FacsSide | null;
  /** Intensity (A trace … E maximum); with `intensityTo`, the low end of a range. */
  readonly intensity: FacsIntensity | null;
  /** `4A/B`: the coder hesitated between A and B; this is the high end. */
  readonly intensityTo?: FacsIntensity;
  /** `T18` / `B18`: top or bottom part only. */
  readonly position?: FacsPosition;
  /** `A12`, `A/L12`: asymmetric (stronger on one side; `side` says which when given). */
  readonly asymmetric?: true;
  /** `ref(7B)`: referenced by the coder, not scored for this event. */
  readonly reference?: true;
  /** `12?`: the coder is not sure of this code. */
  readonly uncertain?: true;
  /** Free annotation in parentheses after the code, e.g. `k` in `12(k)`. */
  readonly marker?: string;
}

/** `(R6 or R12)` inside a conjunction: one of these code combinations. */
export interface FacsChoice {
  readonly choice: readonly (readonly FacsCode[])[];
}

export type FacsTerm = FacsCode | FacsChoice;

export interface Facs {
  /** Top-level alternatives (`R12 or R15`), each a list of terms present together. Empty = no AUs. */
  readonly alternatives: readonly (readonly FacsTerm[])[];
  /** The whole text is `?`: the coder could not tell which AUs (no codes). */
  readonly uncertain: boolean;
  /** Trailing free text after the codes, e.g. `soft focus` in `R14+17+soft focus`. */
  readonly note: string | null;
}

export type FacsTokenKind =
  | 'space'
  | 'separator'
  | 'or'
  | 'open'
  | 'close'
  | 'ref'
  | 'prefix'
  | 'asymmetric'
  | 'side'
  | 'position'
  | 'number'
  | 'intensity'
  | 'uncertain'
  | 'marker'
  | 'note';

/** One piece of the coder's text as written; the tokens of a parse cover the text exactly. */
export interface FacsToken {
  readonly kind: FacsTokenKind;
  readonly text: string;
  readonly start: number;
}

export type FacsParseResult =
  | { ok: true; value: Facs; tokens: readonly FacsToken[] }
  | { ok: false; error: { message: string; position: number; text: FacsText } };

export const EMPTY_FACS: Facs = { alternatives: [], uncertain: false, note: null };

export function isFacsChoice(term: FacsTerm): term is FacsChoice {
  return 'choice' in term;
}
