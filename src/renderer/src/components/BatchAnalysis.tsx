/** "Analyse all": one batch job over the listed clips with progress, ETA and cancel. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { analysisApi } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { uiLanguage } from '../i18n';
import { api } from '../api/client';
import { ErrorLine } from './ErrorLine';

interface Job {
  /** One job per clip (analysis.runAll), finished ones removed as job.finished arrives. */
  readonly pending: readonly string[];
  readonly started: number;
  readonly done: number;
  readonly total: number;
  readonly eta: number | null;
}

/** Remaining seconds from the average time per finished item so far. */
export function etaSeconds(job: Pick<Job, 'started' | 'done' | 'total'>, now: number): number | null {
  if (job.done <= 0 || job.total <= job.done) return null;
  return Math.round((((now - job.started) / job.done) * (job.total - job.done)) / 1000);
}

export function BatchAnalysis({ clipIds }: { clipIds: readonly number[] }) {
  const { t } = useTranslation();
  const [job, setJob] = useState<Job | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = job !== null;

  useEffect(() => {
    if (!running) return;
    return api.on('job.finished', (finished) => {
      setJob((current) => {
        if (!current?.pending.includes(finished.jobId)) return current;
        const next = { ...current, pending: current.pending.filter((id) => id !== finished.jobId), done: current.done + 1 };
        if (!next.pending.length) return null;
        return { ...next, eta: etaSeconds(next, performance.now()) };
      });
    });
  }, [running]);

  const start = () => {
    setError(null);
    analysisApi.runAll(uiLanguage()).then(
      ({ jobIds, skipped }) => {
        setNote(skipped ? t('corpus.analyseSkipped', { count: skipped }) : null);
        if (jobIds.length) setJob({ pending: jobIds, started: performance.now(), done: 0, total: jobIds.length, eta: null });
      },
      (failure: unknown) => setError(errorMessage(failure)),
    );
  };
  const cancel = (pending: readonly string[]) =>
    Promise.all(pending.map((id) => analysisApi.cancel(id))).then(
      () => setJob(null),
      (failure: unknown) => setError(errorMessage(failure)),
    );
  return (
    <div className="batch">
      {!job && (
        <button type="button" disabled={!clipIds.length} onClick={start}>
          {t('corpus.analyseAll', { count: clipIds.length })}
        </button>
      )}
      {job && (
        <>
          <progress max={job.total || 1} value={job.done} aria-label={t('corpus.analyseProgress')} />
          <span>{t('corpus.progress', { done: job.done, total: job.total })}</span>
          {job.eta !== null && <span className="muted">{t('corpus.eta', { seconds: job.eta })}</span>}
          <button type="button" onClick={() => void cancel(job.pending)}>
            {t('common.cancel')}
          </button>
        </>
      )}
      {note && <span className="muted">{note}</span>}
      <ErrorLine message={error} />
    </div>
  );
}
