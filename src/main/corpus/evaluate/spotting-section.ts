import { bootstrapEstimates, type BootstrapOptions, type UnitCounts } from './bootstrap';
import { detection, evaluateSpotting, type FrameInterval } from './metrics';
import type { EvaluationCase, SpottingSection } from './types';

export const SPOTTING_IOU = 0.5;

/**
 * MEGC interval spotting per clip: the labelled intervals of a clip against every interval
 * spotting proposed in it (IoU ≥ 0.5, one-to-one). Only clips analysed with spotting are
 * scored; its bootstrap resamples those clips, the unit the matching is done in.
 */
export function spottingSection(cases: readonly EvaluationCase[], boot: BootstrapOptions): SpottingSection {
  const clips = new Map<string, { truths: FrameInterval[]; proposals: Map<string, FrameInterval>; spotted: boolean }>();
  for (const { label, prediction } of cases) {
    const clip = clips.get(label.clipId) ?? clips.set(label.clipId, { truths: [], proposals: new Map(), spotted: false }).get(label.clipId);
    if (!clip) continue;
    clip.truths.push({ onset: label.onset, offset: label.offset, ...(label.apex === null ? {} : { apex: label.apex }) });
    if (prediction?.source !== 'spotting' && prediction?.source !== 'none') continue;
    clip.spotted = true;
    for (const iv of prediction.intervals) clip.proposals.set(`${iv.onset}-${iv.offset}`, iv);
  }
  const units: UnitCounts[] = [];
  for (const clip of clips.values()) {
    if (!clip.spotted) continue;
    const s = evaluateSpotting([...clip.proposals.values()], clip.truths, SPOTTING_IOU);
    units.push({ dims: [0, 1, 2], values: [s.truePositives, s.falsePositives, s.falseNegatives] });
  }
  const statistics = (sums: Float64Array): number[] => {
    const [tp, fp, fn] = [sums[0] as number, sums[1] as number, sums[2] as number];
    const d = detection(tp, fp, fn);
    return [tp + fp ? d.precision : Number.NaN, tp + fn ? d.recall : Number.NaN, tp + fp + fn ? d.f1 : Number.NaN];
  };
  const [[precision, recall, f1] = []] = bootstrapEstimates(units.length, [{ units, size: 3, statistics }], boot);
  const sum = (k: number) => units.reduce((s, u) => s + (u.values?.[k] ?? 0), 0);
  const [tp, fp, fn] = [sum(0), sum(1), sum(2)];
  return { clips: units.length, truths: tp + fn, proposals: tp + fp, tp, fp, fn, precision: precision as SpottingSection['f1'], recall: recall as SpottingSection['f1'], f1: f1 as SpottingSection['f1'] };
}
