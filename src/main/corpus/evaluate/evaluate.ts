import { AppError } from '@shared/errors';
import { FACS_INTENSITIES } from '@shared/facs';
import { MAX_RESAMPLES, bootstrapEstimates, type BootstrapOptions } from './bootstrap';
import { auSection } from './au-section';
import { datasetSections, megcSection } from './class-section';
import { SPOTTING_IOU, spottingSection } from './spotting-section';
import type { SectionPlan } from './plan';
import { timingSection } from './timing-section';
import type { EvaluationCase, EvaluationFigures, EvaluationOptions, EvaluationReport, GroupBy, LabelMin } from './types';

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 1;

/** The key an event is grouped under for `--by`. */
function groupKey(by: GroupBy, c: EvaluationCase): string {
  if (by === 'dataset') return c.label.dataset;
  if (by === 'subject') return `${c.label.dataset}/${c.label.subject || '(no subject)'}`;
  return c.label.emotion?.trim().toLowerCase() || '(no emotion)';
}

function figures(cases: readonly EvaluationCase[], options: { predMin: EvaluationReport['settings']['predMin']; labelMin: LabelMin }, boot: BootstrapOptions): EvaluationFigures {
  const missingAnalysis: string[] = [];
  const unreadableAnalysis: { eventId: string; reason: string }[] = [];
  for (const c of cases) {
    if (c.prediction) continue;
    if (c.unreadable) unreadableAnalysis.push({ eventId: c.label.eventId, reason: c.unreadable });
    else missingAnalysis.push(c.label.eventId);
  }
  const aus = auSection(cases, options.predMin, options.labelMin);
  const megc = megcSection(cases);
  const datasets = datasetSections(cases);
  const timing = timingSection(cases);
  // One draw of events per resample for every section (the sections' tasks in this order).
  const plans = [aus, megc, ...datasets, timing];
  const estimates = bootstrapEstimates(cases.length, plans.flatMap((p) => p.tasks), boot);
  let at = 0;
  const finish = <T>(plan: SectionPlan<T>): T => {
    const mine = estimates.slice(at, at + plan.tasks.length);
    at += plan.tasks.length;
    return plan.finish(mine);
  };
  return {
    labelled: cases.length,
    analysed: cases.length - missingAnalysis.length - unreadableAnalysis.length,
    missingAnalysis,
    unreadableAnalysis,
    aus: finish(aus),
    megc: finish(megc),
    datasetClasses: datasets.map(finish),
    timing: finish(timing),
    spotting: spottingSection(cases, boot),
  };
}

export function checkOptions(options: EvaluationOptions): EvaluationReport['settings'] {
  const predMin = options.predMin ?? 'B';
  const labelMin = options.labelMin ?? 'any';
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!FACS_INTENSITIES.includes(predMin)) throw new AppError('INVALID_INPUT', `--pred-min takes one of ${FACS_INTENSITIES.join(', ')} (got “${predMin}”).`);
  if (labelMin !== 'any' && !FACS_INTENSITIES.includes(labelMin)) throw new AppError('INVALID_INPUT', `--label-min takes any or one of ${FACS_INTENSITIES.join(', ')} (got “${labelMin}”).`);
  if (!Number.isInteger(resamples) || resamples < 0 || resamples > MAX_RESAMPLES) throw new AppError('INVALID_INPUT', `--resamples takes 0 to ${MAX_RESAMPLES} (got ${resamples}).`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new AppError('INVALID_INPUT', `--seed takes an integer from 0 to ${0xffffffff} (got ${seed}).`);
  return { predMin, labelMin, resamples, seed, iou: SPOTTING_IOU, by: options.by ?? null };
}

/**
 * Scores a model's analyses against labels: AU detection, MEGC and dataset classes,
 * timing, interval spotting, each with its count and a seeded bootstrap 95 % interval,
 * overall and per group. Labelled events without an analysis are counted and named;
 * with nothing to compare it refuses with a clear error.
 */
export function evaluate(cases: readonly EvaluationCase[], options: EvaluationOptions = {}): EvaluationReport {
  const settings = checkOptions(options);
  if (cases.length === 0) throw new AppError('NOT_FOUND', 'Nothing to evaluate: no labelled events in this reference.');
  if (!cases.some((c) => c.prediction)) {
    throw new AppError('NOT_FOUND', `Nothing to evaluate: none of the ${cases.length} labelled events has a readable analysis (run “mellm analyze --workspace w --all” first).`);
  }
  const boot = { resamples: settings.resamples, seed: settings.seed };
  const overall = figures(cases, settings, boot);
  const groups: EvaluationReport['groups'][number][] = [];
  if (settings.by) {
    const by = settings.by;
    const keyed = new Map<string, EvaluationCase[]>();
    for (const c of cases) {
      const key = groupKey(by, c);
      (keyed.get(key) ?? keyed.set(key, []).get(key))?.push(c);
    }
    for (const key of [...keyed.keys()].sort()) groups.push({ key, ...figures(keyed.get(key) as EvaluationCase[], settings, boot) });
  }
  return { settings, ...overall, groups };
}
