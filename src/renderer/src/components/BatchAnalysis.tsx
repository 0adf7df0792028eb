/** "Analyse all": one batch job over the listed clips with progress, ETA and cancel. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { analysisApi } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { api } from '../api/client';
import { ErrorLine } from './ErrorLine';

interface Job {
  readonly id: string;
  readonly started: number;
  readonly done: number;
  readonly total: number;
  readonly eta: number | null;
}

/** Remaining seconds from the average time per finished item so far. */
export function etaSeconds(job: Omit<Job, 'eta'>, now: number): number | null {
  if (job.done <= 0 || job.total <= job.done) return null;
  return Math.round((((now - job.started) / job.done) * (job.total - job.done)) / 1000);
}

export function BatchAnalysis({ clipIds }: { clipIds: readonly number[] }) {
  const { t } = useTranslation();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!job) return;
    return api.on('job.progress', (progress) => {
      if (progress.jobId !== job.id) return;
      setJob((current) => {
        if (!current) return null;
        const next = { ...current, done: progress.done, total: progress.total };
        return { ...next, eta: etaSeconds(next, performance.now()) };
      });
      if (progress.total > 0 && progress.done >= progress.total) setJob(null);
    });
  }, [job]);

  if (!analysisApi.batchAvailable()) {
    return <p className="empty">{t('corpus.analyseUnavailable')}</p>;
  }
  return (
    <div className="batch">
      {!job && (
        <button
          type="button"
          disabled={!clipIds.length}
          onClick={() =>
            analysisApi.runAll(clipIds).then(
              ({ jobId }) => setJob({ id: jobId, started: performance.now(), done: 0, total: clipIds.length, eta: null }),
              (failure: unknown) => setError(errorMessage(failure)),
            )
          }
        >
          {t('corpus.analyseAll', { count: clipIds.length })}
        </button>
      )}
      {job && (
        <>
          <progress max={job.total || 1} value={job.done} aria-label={t('corpus.analyseProgress')} />
          <span>{t('corpus.progress', { done: job.done, total: job.total })}</span>
          {job.eta !== null && <span className="muted">{t('corpus.eta', { seconds: job.eta })}</span>}
          <button type="button" onClick={() => analysisApi.cancel(job.id).then(() => setJob(null), (failure: unknown) => setError(errorMessage(failure)))}>
            {t('common.cancel')}
          </button>
        </>
      )}
      <ErrorLine message={error} />
    </div>
  );
}
