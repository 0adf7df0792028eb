import { AppError } from '@shared/errors';
import { auSection } from './au-section';
import { bootstrapEstimates, type BootstrapTask, type UnitCounts } from './bootstrap';
import { megcSection } from './class-section';
import { checkOptions } from './evaluate';
import type { Estimate, EvaluationCase, EvaluationOptions, EvaluationReport } from './types';

/**
 * Two analysis runs of the same events side by side: each headline figure for run A, for
 * run B, and A − B with a paired bootstrap interval (both runs scored on the same draw of
 * events), so a user can tell whether a change helped on their data. Only events both
 * runs analysed are compared.
 */

export interface RunDifference {
  readonly metric: string;
  readonly a: Estimate;
  readonly b: Estimate;
  /** A − B; an interval that excludes 0 means the runs differ at the 95 % level. */
  readonly difference: Estimate;
}

export interface RunComparison {
  readonly settings: EvaluationReport['settings'];
  /** Labelled events both runs analysed: the events compared. */
  readonly paired: number;
  /** Labelled events left out because one run (or both) has no analysis of them. */
  readonly unpaired: number;
  readonly rows: readonly RunDifference[];
}

/** One task scoring A and B on the same members: A's counts first, B's after, statistics `pick`ed from each and subtracted. */
function pairedTask(a: BootstrapTask, b: BootstrapTask, pick: readonly number[]): BootstrapTask {
  const units = a.units.map((ua, i): UnitCounts | null => {
    const ub = b.units[i];
    if (!ua && !ub) return null;
    return {
      dims: [...(ua?.dims ?? []), ...(ub?.dims ?? []).map((d) => d + a.size)],
      values: [...(ua?.dims ?? []).map((_, k) => ua?.values?.[k] ?? 1), ...(ub?.dims ?? []).map((_, k) => ub?.values?.[k] ?? 1)],
    };
  });
  return {
    units,
    size: a.size + b.size,
    statistics: (sums) => {
      const sa = a.statistics(sums.subarray(0, a.size));
      const sb = b.statistics(sums.subarray(a.size));
      return pick.flatMap((m) => [sa[m] as number, sb[m] as number, (sa[m] as number) - (sb[m] as number)]);
    },
  };
}

export function compareRuns(runA: readonly EvaluationCase[], runB: readonly EvaluationCase[], options: EvaluationOptions = {}): RunComparison {
  const settings = checkOptions(options);
  if (runA.length !== runB.length || runA.some((c, i) => c.label.eventId !== runB[i]?.label.eventId)) {
    throw new AppError('INVALID_INPUT', 'The two runs must be scored on the same labelled events, in the same order.');
  }
  const keep = runA.map((c, i) => c.prediction !== null && runB[i]?.prediction !== null && runB[i]?.prediction !== undefined);
  const a = runA.filter((_, i) => keep[i]);
  const b = runB.filter((_, i) => keep[i]);
  if (a.length === 0) throw new AppError('NOT_FOUND', `Nothing to compare: no labelled event has an analysis from both runs (${runA.length} labelled).`);
  const [auA, auB] = [auSection(a, settings.predMin, settings.labelMin), auSection(b, settings.predMin, settings.labelMin)];
  const [megcA, megcB] = [megcSection(a), megcSection(b)];
  const tasks = [pairedTask(auA.tasks[0] as BootstrapTask, auB.tasks[0] as BootstrapTask, [0, 1]), pairedTask(megcA.tasks[0] as BootstrapTask, megcB.tasks[0] as BootstrapTask, [0, 1])];
  const [au = [], megc = []] = bootstrapEstimates(a.length, tasks, { resamples: settings.resamples, seed: settings.seed });
  const rows = (names: readonly string[], e: readonly Estimate[]): RunDifference[] =>
    names.map((metric, i) => ({ metric, a: e[3 * i] as Estimate, b: e[3 * i + 1] as Estimate, difference: e[3 * i + 2] as Estimate }));
  return {
    settings,
    paired: a.length,
    unpaired: runA.length - a.length,
    rows: [...rows(['AU macro F1', 'AU + side macro F1'], au), ...rows(['MEGC UF1', 'MEGC UAR'], megc)],
  };
}
