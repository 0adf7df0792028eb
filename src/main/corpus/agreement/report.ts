import { groupBy } from '../group';
import { auF1, auKey, compareAuSets } from './au-sets';
import { matchIntervals, intervalIoU, summariseDifferences, type FrameDifferenceSummary, type FrameInterval } from './intervals';
import { cohenKappa, type KappaResult } from './kappa';
import { krippendorffAlphaNominal, type AlphaResult } from './krippendorff';
import type { CodedEvent } from './types';

export interface AgreementOptions {
  /** Count L12 and R12 as the same AU. */
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
  /** AU key as compared: "12", or "L12" when sides count. */
  readonly au: string;
  /** Krippendorff's α on presence/absence of this AU across all coders and events. */
  readonly alpha: AlphaResult;
  /** FACS ratio for this AU pooled over coder pairs (equals pooled F1 for one AU). */
  readonly ratio: number;
  /** Annotations that scored this AU. */
  readonly scored: number;
}

export interface AgreementReport extends AgreementFigures {
  readonly coders: readonly string[];
  readonly events: number;
  readonly emotionAlpha: AlphaResult;
  readonly label3Alpha: AlphaResult;
  readonly pairs: readonly PairAgreement[];
  readonly perAu: readonly AuAgreement[];
}

type ByCoder = Map<string, CodedEvent>;

/** Accumulates the figures of one coder pair (or of all pairs, for the corpus). */
class FigureAccumulator {
  shared = 0;
  agreed = 0;
  scored = 0;
  f1Sum = 0;
  iouSum = 0;
  readonly onset: number[] = [];
  readonly apex: number[] = [];
  readonly offset: number[] = [];
  spotting = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };

  addEvent(a: CodedEvent, b: CodedEvent, ignoreSide: boolean): void {
    this.shared += 1;
    const comparison = compareAuSets(a.aus, b.aus, ignoreSide);
    this.agreed += comparison.agreed;
    this.scored += comparison.total;
    this.f1Sum += auF1(a.aus, b.aus, ignoreSide);
    this.iouSum += intervalIoU(a, b);
    this.onset.push(a.onset - b.onset);
    this.apex.push(a.apex - b.apex);
    this.offset.push(a.offset - b.offset);
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
      facsRatio: this.scored === 0 ? Number.NaN : (2 * this.agreed) / this.scored,
      auF1: this.shared === 0 ? Number.NaN : this.f1Sum / this.shared,
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

function perAuAgreement(units: readonly ByCoder[], coders: readonly string[], ignoreSide: boolean): AuAgreement[] {
  const keysOf = (event: CodedEvent) => new Set(event.aus.map((code) => auKey(code, ignoreSide)));
  const unitKeys = units.map((unit) => new Map([...unit].map(([coder, event]) => [coder, keysOf(event)])));
  const allKeys = new Set<string>();
  for (const unit of unitKeys) for (const keys of unit.values()) for (const key of keys) allKeys.add(key);
  const result: AuAgreement[] = [];
  for (const au of [...allKeys].sort((x, y) => Number(x.replace(/\D/g, '')) - Number(y.replace(/\D/g, '')) || x.localeCompare(y))) {
    let agreed = 0;
    let total = 0;
    let scored = 0;
    const presence = unitKeys.map((unit) => coders.map((coder) => (unit.has(coder) ? (unit.get(coder)?.has(au) ? 1 : 0) : null)));
    for (const values of presence) {
      const present = values.filter((value) => value === 1).length;
      const coded = values.filter((value) => value !== null).length;
      scored += present;
      // Over all coder pairs in the unit: pairs where both scored it, and AU counts per pair.
      agreed += (present * (present - 1)) / 2;
      total += present * (coded - 1);
    }
    result.push({ au, alpha: krippendorffAlphaNominal(presence), ratio: total === 0 ? Number.NaN : (2 * agreed) / total, scored });
  }
  return result;
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
  const units: ByCoder[] = [...groupBy(events, (event) => event.eventId).values()].map((group) => new Map(group.map((event) => [event.annotator, event])));
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
        pair.addEvent(a, b, ignoreSide);
        corpus.addEvent(a, b, ignoreSide);
        emotionA.push(a.emotion ?? null);
        emotionB.push(b.emotion ?? null);
        labelA.push(a.label3 ?? null);
        labelB.push(b.label3 ?? null);
      }
      spottingForPair(clips, coderA, coderB, threshold, [pair, corpus]);
      pairs.push({ coderA, coderB, ...pair.figures(), emotionKappa: cohenKappa(emotionA, emotionB), label3Kappa: cohenKappa(labelA, labelB) });
    }
  }
  const column = (pick: (event: CodedEvent) => string | null | undefined) => units.map((unit) => coders.map((coder) => { const event = unit.get(coder); return event ? pick(event) : null; }));
  return {
    coders,
    events: units.length,
    ...corpus.figures(),
    emotionAlpha: krippendorffAlphaNominal(column((event) => event.emotion)),
    label3Alpha: krippendorffAlphaNominal(column((event) => event.label3)),
    pairs,
    perAu: perAuAgreement(units, coders, ignoreSide),
  };
}
