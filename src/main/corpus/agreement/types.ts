/**
 * Plain records the agreement statistics work on. The workspace store maps its
 * annotations to these with a thin adapter, so the statistics stay pure and testable.
 */

/** Laterality of an AU as FACS writes it: L12 (subject's left), R12, or bilateral/unspecified. */
export type AuSide = 'L' | 'R' | null;

/** One Action Unit a coder scored. Intensity letters are not compared by agreement. */
export interface AuCode {
  readonly au: number;
  readonly side: AuSide;
}

export type AuSet = readonly AuCode[];

/** One coder's annotation of one ME event. Frame numbers are 0-based project frames. */
export interface CodedEvent {
  /** The event all coders label (same id across coders = same unit of analysis). */
  readonly eventId: string;
  /** The clip the event belongs to; intervals are matched within a clip (MEGC spotting). */
  readonly clipId: string;
  readonly annotator: string;
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** Null when the coder wrote `?` (could not tell which AUs): left out of the AU figures. */
  readonly aus: AuSet | null;
  readonly emotion?: string | null;
  /** MEGC 3-class label: negative | positive | surprise. */
  readonly label3?: string | null;
}

/** A nominal value a coder assigned to a unit; null = the coder did not code it. */
export type NominalValue = string | number | null | undefined;
