/**
 * The line a running analysis shows: "done / total" and, when the worker names it, the
 * stage it is in, in the UI's language. The stage names are the pipeline's own words
 * (`analysis/pipeline/pipeline.ts`); a name without a translation is shown as it came.
 */
import type { TFunction } from 'i18next';

/** The stages the pipeline reports, in the order it reports them. */
export const ANALYSIS_STAGES = ['face', 'spotting', 'apex', 'expression', 'done'] as const;

export function analysisProgress(t: TFunction, progress: { readonly done: number; readonly total: number; readonly message?: string | undefined }): string {
  const count = t('suggest.progress', { done: progress.done, total: progress.total });
  if (!progress.message) return count;
  const known = (ANALYSIS_STAGES as readonly string[]).includes(progress.message);
  return `${count} · ${known ? t(`suggest.stage.${progress.message}`) : progress.message}`;
}
