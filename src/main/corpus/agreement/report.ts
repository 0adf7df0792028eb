import { groupBy } from '../group';
import { auComparisonRule, auSides, compareAuSides, type AuSides } from './au-sets';
import { matchIntervals, intervalIoU, summariseDifferences, type FrameDifferenceSummary, type FrameInterval } from './intervals';
import { cohenKappa, type KappaResult } from './kappa';
import { krippendorffAlphaNominal, nominalAlphaFromCoincidences, type AlphaResult } from './krippendorff';
import type { CodedEvent } from './types';

export interface AgreementOptions {
  /** Count L12 and R12 as the same AU (sides are otherwise compared where both coders give one). */
  readonly ignoreSide?: boolean;
  /** IoU a spotted interval pair needs to match (MEGC: 0.5). */
  readonly iouThreshold?: number;
}

export interface SpottingAgreement {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly f1: number;
}

/** Agreement figures over a set of events coded by two (or, for the corpus, more) coders. */
export interface AgreementFigures {
  /** Events both coders of a pair coded (for the corpus: summed over pairs). */
  readonly sharedEvents: number;
  /** Of those, events where both gave their AUs (neither wrote `?`): the AU figures' n. */
  readonly auEvents: number;
  /** FACS agreement ratio pooled over events: Σ 2·agreed / Σ AUs scored. */
  readonly facsRatio: number;
  /** Mean per-event F1 of the AU sets. */
  readonly auF1: number;
  readonly onset: FrameDifferenceSummary;
  readonly apex: FrameDifferenceSummary;
  readonly offset: FrameDifferenceSummary;
  /** Mean onset–offset IoU over shared events. */
  readonly meanIoU: number;
  /** MEGC interval matching within clips (coder A as reference). */
  readonly spotting: SpottingAgreement;
}

export interface PairAgreement extends AgreementFigures {
  readonly coderA: string;
  readonly coderB: string;
  readonly emotionKappa: KappaResult;
  readonly label3Kappa: KappaResult;
}

export interface AuAgreement {
  /** The AU number: presence is compared per AU, whatever side it was scored on. */
  readonly au: string;
  /** Krippendorff's α on presence/absence of this AU across all coders and events. */
  readonly alpha: AlphaResult;
  /** FACS ratio for this AU pooled over coder pairs (equals pooled F1 for one AU). */
  readonly ratio: number;
  /** Annotations that scored this AU. */
  readonly scored: number;
}

export interface AgreementReport extends AgreementFigures {
  /** How AU codes were compared (sides, alternatives, refs, `?`, AD codes, notes), for the reader. */
  readonly auRule: string;
  readonly coders: readonly string[];
  readonly events: number;
  readonly emotionAlpha: AlphaResult;
  readonly label3Alpha: AlphaResult;
  readonly pairs: readonly PairAgreement[];
  readonly perAu: readonly AuAgreement[];
}

/** One coder's annotation of a unit with its AUs' sides gathered once (null: the coder wrote `?`). */
interface Coded {
  readonly event: CodedEvent;
  readonly sides: AuSides | null;
}

type ByCoder = Map<string, Coded>;

/** Accumulates the figures of one coder pair (or of all pairs, for the corpus). */
class FigureAccumulator {
  shared = 0;
  auShared = 0;
  agreed = 0;
  scored = 0;
  f1Sum = 0;
  iouSum = 0;
  readonly onset: number[] = [];
  readonly apex: number[] = [];
  readonly offset: number[] = [];
  spotting = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };

  addEvent(a: Coded, b: Coded): void {
    this.shared += 1;
    if (a.sides && b.sides) {
      this.auShared += 1;
      const comparison = compareAuSides(a.sides, b.sides);
      this.agreed += comparison.agreed;
      this.scored += comparison.total;
      // Per event, F1 of the two AU sets is 2·agreed / (|A| + |B|) (see auF1).
      this.f1Sum += comparison.total === 0 ? 1 : (2 * comparison.agreed) / comparison.total;
    }
    this.iouSum += intervalIoU(a.event, b.event);
    this.onset.push(a.event.onset - b.event.onset);
    this.apex.push(a.event.apex - b.event.apex);
    this.offset.push(a.event.offset - b.event.offset);
  }

  addSpotting(tp: number, fp: number, fn: number): void {
    this.spotting.truePositives += tp;
    this.spotting.falsePositives += fp;
    this.spotting.falseNegatives += fn;
  }

  figures(): AgreementFigures {
    const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = this.spotting;
    return {
      sharedEvents: this.shared,
      auEvents: this.auShared,
      facsRatio: this.scored === 0 ? Number.NaN : (2 * this.agreed) / this.scored,
      auF1: this.auShared === 0 ? Number.NaN : this.f1Sum / this.auShared,
      onset: summariseDifferences(this.onset),
      apex: summariseDifferences(this.apex),
      offset: summariseDifferences(this.offset),
      meanIoU: this.shared === 0 ? Number.NaN : this.iouSum / this.shared,
      spotting: { truePositives: tp, falsePositives: fp, falseNegatives: fn, f1: tp + fp + fn === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + fn) },
    };
  }
}

function spottingForPair(clips: Map<string, CodedEvent[]>, coderA: string, coderB: string, threshold: number, into: FigureAccumulator[]): void {
  for (const annotations of clips.values()) {
    const a: FrameInterval[] = annotations.filter((event) => event.annotator === coderA);
    const b: FrameInterval[] = annotations.filter((event) => event.annotator === coderB);
    if (!a.length && !b.length) continue;
    const matching = matchIntervals(a, b, threshold);
    for (const accumulator of into) accumulator.addSpotting(matching.truePositives, matching.falsePositives, matching.falseNegatives);
  }
}

/**
 * Per-AU presence agreement (by AU number; coders who wrote `?` give no value for the
 * unit). A unit coded by m ≥ 2 coders, p of whom scored the AU, adds
 * m pairable values, p(p−1)/(m−1) + (m−p)(m−p−1)/(m−1) to the coincidence diagonal and
 * p "present" values; units where nobody scored it add m to the diagonal. Counting this
 * way visits only the AUs actually scored instead of every AU × unit × coder.
 */
function perAuAgreement(units: readonly ByCoder[]): AuAgreement[] {
  let pairableAll = 0;
  let unitsAll = 0;
  const perAu = new Map<number, { present: number; diagonalLoss: number; agreedPairs: number; pairTotal: number }>();
  for (const unit of units) {
    const coded = [...unit.values()].flatMap(({ sides }) => (sides ? [sides] : []));
    const m = coded.length;
    if (m < 2) continue;
    pairableAll += m;
    unitsAll += 1;
    const presentCount = new Map<number, number>();
    for (const sides of coded) for (const au of sides.keys()) presentCount.set(au, (presentCount.get(au) ?? 0) + 1);
    for (const [au, p] of presentCount) {
      const entry = perAu.get(au) ?? { present: 0, diagonalLoss: 0, agreedPairs: 0, pairTotal: 0 };
      entry.present += p;
      entry.diagonalLoss += m - (p * (p - 1) + (m - p) * (m - p - 1)) / (m - 1);
      // Over the unit's coder pairs: pairs where both scored it, and this AU's share of |A| + |B|.
      entry.agreedPairs += (p * (p - 1)) / 2;
      entry.pairTotal += p * (m - 1);
      perAu.set(au, entry);
    }
  }
  return [...perAu.keys()].sort((x, y) => x - y).map((au) => {
    const entry = perAu.get(au) as { present: number; diagonalLoss: number; agreedPairs: number; pairTotal: number };
    const alpha = nominalAlphaFromCoincidences(pairableAll, pairableAll - entry.diagonalLoss, [entry.present, pairableAll - entry.present], unitsAll);
    return { au: String(au), alpha, ratio: entry.pairTotal === 0 ? Number.NaN : (2 * entry.agreedPairs) / entry.pairTotal, scored: entry.present };
  });
}

/**
 * Agreement between annotators over a corpus: per coder pair (Cohen's κ on emotion and
 * 3-class label, FACS ratio, AU F1, onset/apex/offset differences, IoU, MEGC matching)
 * and for the corpus (Krippendorff's α over all coders, pooled pair figures, per-AU α).
 * A coder's repeated annotation of the same event counts once (the last one).
 */
export function computeAgreement(events: readonly CodedEvent[], options: AgreementOptions = {}): AgreementReport {
  const ignoreSide = options.ignoreSide ?? false;
  const threshold = options.iouThreshold ?? 0.5;
  const coders = [...new Set(events.map((event) => event.annotator))].sort();
  const units: ByCoder[] = [...groupBy(events, (event) => event.eventId).values()].map(
    (group) => new Map(group.map((event) => [event.annotator, { event, sides: event.aus && auSides(event.aus, ignoreSide) }])),
  );
  const clips = groupBy(events, (event) => event.clipId);
  const corpus = new FigureAccumulator();
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < coders.length; i += 1) {
    for (let j = i + 1; j < coders.length; j += 1) {
      const coderA = coders[i] as string;
      const coderB = coders[j] as string;
      const pair = new FigureAccumulator();
      const emotionA: (string | null)[] = [];
      const emotionB: (string | null)[] = [];
      const labelA: (string | null)[] = [];
      const labelB: (string | null)[] = [];
      for (const unit of units) {
        const a = unit.get(coderA);
        const b = unit.get(coderB);
        if (!a || !b) continue;
        pair.addEvent(a, b);
        corpus.addEvent(a, b);
        emotionA.push(a.event.emotion ?? null);
        emotionB.push(b.event.emotion ?? null);
        labelA.push(a.event.label3 ?? null);
        labelB.push(b.event.label3 ?? null);
      }
      spottingForPair(clips, coderA, coderB, threshold, [pair, corpus]);
      pairs.push({ coderA, coderB, ...pair.figures(), emotionKappa: cohenKappa(emotionA, emotionB), label3Kappa: cohenKappa(labelA, labelB) });
    }
  }
  const column = (pick: (event: CodedEvent) => string | null | undefined) => units.map((unit) => [...unit.values()].map(({ event }) => pick(event)));
  return {
    auRule: auComparisonRule(ignoreSide),
    coders,
    events: units.length,
    ...corpus.figures(),
    emotionAlpha: krippendorffAlphaNominal(column((event) => event.emotion)),
    label3Alpha: krippendorffAlphaNominal(column((event) => event.label3)),
    pairs,
    perAu: perAuAgreement(units),
  };
}
