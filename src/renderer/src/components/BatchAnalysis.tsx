/**
 * "Analyse all" (only the clips without an analysis under the current settings) and
 * "Re-analyse all" (every clip again): one job per event with progress, ETA and cancel,
 * and when the batch ends, what became of each clip (done, or failed and why).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Clip } from '@shared/workspace';
import { analysisApi } from '../api/analysis';
import { errorMessage } from '../api/backend';
import { uiLanguage } from '../i18n';
import { api } from '../api/client';
import { clipOutcomes, etaSeconds, type BatchJob, type ClipOutcome, type JobEnd } from '../state/batch-outcome';
import { ErrorLine } from './ErrorLine';

interface Job {
  readonly jobs: readonly BatchJob[];
  readonly ends: ReadonlyMap<string, { state: JobEnd; reason?: string | undefined }>;
  readonly started: number;
  readonly eta: number | null;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

export function BatchAnalysis({ clips, onFinished }: { clips: readonly Clip[]; onFinished?: () => void }) {
  const { t } = useTranslation();
  const [batch, setBatch] = useState<Job | null>(null);
  const [nothingLeft, setNothingLeft] = useState(false);
  const [pending, setPending] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A batch stays in state once every job has ended: its outcomes are what the summary shows.
  const finished = batch !== null && batch.ends.size >= batch.jobs.length;
  const job = finished ? null : batch;
  const outcomes: ClipOutcome[] | null = finished ? clipOutcomes(batch.jobs, batch.ends) : nothingLeft ? [] : null;
  const running = job !== null;

  const countPending = useCallback(() => {
    analysisApi.pending().then(({ clips: count }) => setPending(count), (failure: unknown) => setError(errorMessage(failure)));
  }, []);
  useEffect(countPending, [countPending, clips]);

  useEffect(() => {
    if (!running) return;
    return api.on('job.finished', (finished) => {
      setBatch((current) => {
        if (!current?.jobs.some((j) => j.jobId === finished.jobId) || current.ends.has(finished.jobId)) return current;
        const state: JobEnd = finished.state === 'done' || finished.state === 'failed' ? finished.state : 'cancelled';
        const ends = new Map(current.ends).set(finished.jobId, { state, reason: finished.error?.message ?? finished.message });
        return { ...current, ends, eta: etaSeconds({ started: current.started, done: ends.size, total: current.jobs.length }, performance.now()) };
      });
    });
  }, [running]);

  // When the batch ends, the counts and the queue change: read them again.
  useEffect(() => {
    if (!finished) return;
    countPending();
    onFinished?.();
  }, [finished, countPending, onFinished]);

  const start = (redo: boolean) => {
    setError(null);
    setBatch(null);
    setNothingLeft(false);
    analysisApi.runAll(uiLanguage(), redo).then(
      ({ jobIds, items }) => {
        const jobs = items ?? jobIds.map((jobId) => ({ jobId, clipId: 0 }));
        if (jobs.length) setBatch({ jobs, ends: new Map(), started: performance.now(), eta: null });
        else setNothingLeft(true);
      },
      (failure: unknown) => setError(errorMessage(failure)),
    );
  };
  const cancel = (current: Job) =>
    Promise.all(current.jobs.filter((j) => !current.ends.has(j.jobId)).map((j) => analysisApi.cancel(j.jobId))).catch((failure: unknown) => setError(errorMessage(failure)));
  const nameOf = (clipId: number) => {
    const clip = clips.find((c) => c.id === clipId);
    return clip ? baseName(clip.path) : `#${clipId}`;
  };
  const failed = outcomes?.filter((o) => o.state === 'failed').length ?? 0;

  return (
    <div className="batch" data-testid="batch">
      {!job && (
        <>
          <button type="button" data-testid="analyse-all" disabled={!pending} onClick={() => start(false)}>
            {t('corpus.analyseAll', { count: pending ?? 0 })}
          </button>
          <button type="button" data-testid="reanalyse-all" disabled={!clips.length} onClick={() => start(true)}>
            {t('corpus.reanalyseAll', { count: clips.length })}
          </button>
        </>
      )}
      {job && (
        <>
          <progress max={job.jobs.length || 1} value={job.ends.size} aria-label={t('corpus.analyseProgress')} />
          <span>{t('corpus.progress', { done: job.ends.size, total: job.jobs.length })}</span>
          {job.eta !== null && <span className="muted">{t('corpus.eta', { seconds: job.eta })}</span>}
          <button type="button" onClick={() => void cancel(job)}>
            {t('common.cancel')}
          </button>
        </>
      )}
      {outcomes && (
        <div className="batch-summary" role="status" data-testid="batch-summary">
          <p>{outcomes.length ? t('corpus.batchFinished', { clips: t('counts.clips', { count: outcomes.length }), failed }) : t('corpus.batchNothing')}</p>
          {outcomes.length > 0 && (
            <ul>
              {outcomes.map((outcome) => (
                <li key={outcome.clipId} data-state={outcome.state} className={outcome.state === 'failed' ? 'error' : undefined}>
                  {t(`corpus.batchOutcome.${outcome.state}`, { clip: nameOf(outcome.clipId), reason: outcome.reasons.join('; ') })}
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="link"
            onClick={() => {
              setBatch(null);
              setNothingLeft(false);
            }}
          >
            {t('corpus.batchDismiss')}
          </button>
        </div>
      )}
      <ErrorLine message={error} />
    </div>
  );
}
