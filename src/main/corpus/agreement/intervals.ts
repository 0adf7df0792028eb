/** A spotted ME interval in 0-based frames, both ends inclusive (onset..offset). */
export interface FrameInterval {
  readonly onset: number;
  readonly offset: number;
}

/** Intersection over union of two inclusive frame intervals (MEGC spotting metric). */
export function intervalIoU(a: FrameInterval, b: FrameInterval): number {
  const intersection = Math.min(a.offset, b.offset) - Math.max(a.onset, b.onset) + 1;
  if (intersection <= 0) return 0;
  const union = a.offset - a.onset + 1 + (b.offset - b.onset + 1) - intersection;
  return intersection / union;
}

export interface IntervalMatch {
  readonly a: number;
  readonly b: number;
  readonly iou: number;
}

export interface IntervalMatching {
  readonly matches: readonly IntervalMatch[];
  /** Matched / unmatched counts as MEGC reports them: TP, FN (only in A), FP (only in B). */
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * MEGC-style one-to-one matching: a pair matches when IoU ≥ threshold (0.5); pairs are
 * taken greedily by descending IoU so each interval is used at most once. A is the
 * reference (ground truth), B the other coder (or the spotter).
 */
export function matchIntervals(a: readonly FrameInterval[], b: readonly FrameInterval[], threshold = 0.5): IntervalMatching {
  const candidates: IntervalMatch[] = [];
  // Sorting B by onset lets the scan stop at the first interval starting after A ends.
  const orderB = b.map((_, index) => index).sort((x, y) => (b[x]?.onset ?? 0) - (b[y]?.onset ?? 0));
  for (let i = 0; i < a.length; i += 1) {
    const ai = a[i] as FrameInterval;
    for (const j of orderB) {
      const bj = b[j] as FrameInterval;
      if (bj.onset > ai.offset) break;
      const iou = intervalIoU(ai, bj);
      if (iou >= threshold) candidates.push({ a: i, b: j, iou });
    }
  }
  candidates.sort((x, y) => y.iou - x.iou || x.a - y.a || x.b - y.b);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const matches: IntervalMatch[] = [];
  for (const candidate of candidates) {
    if (usedA.has(candidate.a) || usedB.has(candidate.b)) continue;
    usedA.add(candidate.a);
    usedB.add(candidate.b);
    matches.push(candidate);
  }
  const tp = matches.length;
  const fn = a.length - tp;
  const fp = b.length - tp;
  const precision = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
  const f1 = tp + fp + fn === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + fn);
  return { matches, truePositives: tp, falseNegatives: fn, falsePositives: fp, precision, recall, f1 };
}

export interface FrameDifferenceSummary {
  readonly mean: number;
  readonly median: number;
  readonly n: number;
}

/** Mean and median of absolute frame differences (onset, apex or offset between coders). */
export function summariseDifferences(differences: readonly number[]): FrameDifferenceSummary {
  const n = differences.length;
  if (n === 0) return { mean: Number.NaN, median: Number.NaN, n };
  // A typed array sorts numerically without a comparator callback (much faster at 10⁴+).
  const sorted = Float64Array.from(differences, Math.abs).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const mean = sum / n;
  const middle = Math.floor(n / 2);
  const median = n % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { mean, median, n };
}
