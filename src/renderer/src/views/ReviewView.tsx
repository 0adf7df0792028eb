/**
 * Review: the queue of events with submitted labels; per event every annotator's labels,
 * the dataset's and the model's side by side; a decision with a comment per label.
 * Approval signs the label off (locked: further edits become a new version).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewEvent, ReviewQueueItem } from '@shared/api';
import { REVIEW_DECISIONS, type Annotator, type Review } from '@shared/workspace';
import { errorMessage } from '../api/backend';
import { reviewApi } from '../api/review';
import { AnnotatorProfiles } from '../components/AnnotatorProfiles';
import { conflictOf } from '@shared/annotation-conflict';
import { ApiCallError } from '../api/client';
import { useSession } from '../state/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/ErrorAlert';

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;

function LabelColumn({ title, aus, emotion, label3, description, children }: { title: string; aus: string | null; emotion: string | null; label3: string | null; description: string | null; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="panel label-column" data-testid="label-column">
      <h2>{title}</h2>
      <dl className="facts">
        <dt>{t('review.aus')}</dt>
        <dd>{aus || '—'}</dd>
        <dt>{t('review.emotion')}</dt>
        <dd>{emotion ? t(`emotions.${emotion}`, { defaultValue: emotion }) : '—'}</dd>
        <dt>{t('review.label3')}</dt>
        <dd>{label3 ? t(`labels3.${label3}`) : '—'}</dd>
        <dt>{t('review.description')}</dt>
        <dd>{description || '—'}</dd>
      </dl>
      {children}
    </div>
  );
}

/** A decision on the label version shown: a label changed since is refused, and the view reloads to show the change. */
function Decision({ annotationId, version, disabled, onDecided }: { annotationId: number; version: number; disabled: boolean; onDecided: () => void }) {
  const { queue } = useSession();
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Not an error: the label moved on, and is shown again as it is now.
  const [changed, setChanged] = useState<string | null>(null);
  const decide = (decision: Review['decision']) => {
    setError(null);
    setChanged(null);
    reviewApi.decide(annotationId, decision, comment, version).then(
      () => {
        setComment('');
        queue.touch();
        onDecided();
      },
      (failure: unknown) => {
        const conflict = failure instanceof ApiCallError ? conflictOf({ code: failure.code, detail: failure.detail }) : null;
        if (!conflict) return setError(errorMessage(failure));
        setChanged(t('review.changedSince', { who: conflict.changedBy, version: conflict.theirs.version, fields: conflict.changedFields.map((field) => t(`conflict.fields.${field}`)).join(', ') || t('conflict.noFields') }));
        onDecided();
      },
    );
  };
  return (
    <div className="decision">
      <textarea aria-label={t('review.comment')} placeholder={t('review.comment')} value={comment} disabled={disabled} onChange={(e) => setComment(e.target.value)} rows={2} />
      <div className="row">
        {REVIEW_DECISIONS.map((decision) => (
          <button
            key={decision}
            type="button"
            data-decision={decision}
            disabled={disabled || (decision === 'request_changes' && !comment.trim())}
            title={decision === 'request_changes' && !comment.trim() ? t('review.commentNeeded') : undefined}
            onClick={() => decide(decision)}
          >
            {t(`review.decisions.${decision}`)}
          </button>
        ))}
      </div>
      {changed && (
        <p role="alert" className="warn" data-testid="decision-changed">
          {changed}
        </p>
      )}
      <ErrorAlert error={error} />
    </div>
  );
}

export function ReviewView() {
  const { t } = useTranslation();
  const { workspace, identity } = useSession();
  const [profiles, setProfiles] = useState<Annotator[]>([]);
  const [queue, setQueue] = useState<ReviewQueueItem[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [detail, setDetail] = useState<ReviewEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = identity.name ? profiles.find((p) => p.name === identity.name) : undefined;
  const isReviewer = me?.role === 'reviewer';

  const refresh = useCallback(() => {
    if (!workspace || !isReviewer) return;
    reviewApi.queue().then(setQueue, (failure: unknown) => setError(errorMessage(failure)));
    if (selected !== null) reviewApi.event(selected).then(setDetail, (failure: unknown) => setError(errorMessage(failure)));
  }, [workspace, isReviewer, selected]);
  useEffect(refresh, [refresh]);

  if (!workspace) return <NoWorkspace className="view review" title={t('review.title')} />;

  return (
    <section className="view review" aria-labelledby="review-title">
      <h1 id="review-title">{t('review.title')}</h1>
      <AnnotatorProfiles onChange={setProfiles} />
      {!isReviewer && <p className="warn">{identity.source === 'database-role' ? t('identity.needReviewerRole', { name: identity.name }) : t('review.needReviewer')}</p>}
      <ErrorAlert error={error} />
      {isReviewer && (
        <div className="review-layout">
          <table className="queue" data-testid="review-queue">
            <thead>
              <tr>
                <th>{t('review.event')}</th>
                <th>{t('review.clip')}</th>
                <th>{t('review.frames')}</th>
                <th>{t('review.pending')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.length === 0 && (
                <tr>
                  <td colSpan={4} className="empty">
                    {t('review.emptyQueue')}
                  </td>
                </tr>
              )}
              {queue.map((item) => (
                <tr key={item.eventId} aria-current={item.eventId === selected ? 'true' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(item.eventId)}>
                      #{item.eventId}
                    </button>
                  </td>
                  <td title={item.clipPath}>
                    {baseName(item.clipPath)} {item.subject ? `(${item.subject})` : ''}
                  </td>
                  <td>
                    {item.onset} / {item.apex ?? '–'} / {item.offset}
                  </td>
                  <td>{t('review.counts', { submitted: item.submitted, approved: item.approved, total: item.annotations })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail && (
            <div className="side-by-side" data-testid="review-event" data-event={detail.event.id}>
              <p className="muted">
                {t('review.eventHeader', { id: detail.event.id, clip: baseName(detail.clip.path), onset: detail.event.onset, apex: detail.event.apex ?? '–', offset: detail.event.offset })}
              </p>
              <div className="columns">
                {detail.labels.map(({ annotation, review }) => (
                  <LabelColumn key={annotation.id} title={annotation.annotator} aus={annotation.aus} emotion={annotation.emotion} label3={annotation.label3} description={annotation.description}>
                    <p data-testid="sign-off">
                      <span className="badge">{t(`statuses.${annotation.status}`)}</span> {annotation.locked && <span className="badge locked">{t('review.locked')}</span>}{' '}
                      <small>{t('review.version', { version: annotation.version })}</small>
                    </p>
                    {review && <p className="muted">{t('review.lastDecision', { reviewer: review.reviewer, decision: t(`review.decisions.${review.decision}`), comment: review.comment || '—' })}</p>}
                    {annotation.annotator === identity.name ? (
                      <p className="warn" role="note" data-testid="own-label">
                        {t('review.ownLabel')}
                      </p>
                    ) : (
                      <Decision annotationId={annotation.id} version={annotation.version} disabled={annotation.status === 'draft'} onDecided={refresh} />
                    )}
                  </LabelColumn>
                ))}
                {(detail.event.datasetAus !== null || detail.event.datasetEmotion !== null) && (
                  <LabelColumn title={t('review.dataset')} aus={detail.event.datasetAus} emotion={detail.event.datasetEmotion} label3={null} description={null}>
                    {detail.event.flags.length > 0 && (
                      <p data-testid="import-flags" title={t('importFlags.title')}>
                        {detail.event.flags.map((flag) => (
                          <span key={flag} className="badge warn" data-flag={flag}>
                            {t(`importFlags.${flag}`, { defaultValue: flag })}
                          </span>
                        ))}
                      </p>
                    )}
                  </LabelColumn>
                )}
                {detail.model ? (
                  <LabelColumn title={t('review.model')} aus={detail.model.aus} emotion={detail.model.emotion} label3={detail.model.label3} description={detail.model.description}>
                    {detail.model.flowModel && (
                      <p data-testid="review-flow-model">
                        <small>{t('review.flowModel', { model: detail.model.flowModel })}</small>
                      </p>
                    )}
                  </LabelColumn>
                ) : (
                  <div className="panel label-column">
                    <h2>{t('review.model')}</h2>
                    <p className="empty">{t('review.noAnalysis')}</p>
                  </div>
                )}
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
