/**
 * Submit, Submit & next, Withdraw and Resubmit for the selected label, its status, and
 * the reviewer's comment when a label comes back. Owns its shortcuts (Ctrl+Enter,
 * Ctrl+Shift+Enter by default) so stepping frames does not re-render it.
 */
import { useTranslation } from 'react-i18next';
import { chordsFor } from '../hotkeys/table';
import { useHotkeys } from '../hotkeys/useHotkeys';
import type { OpenClip } from '../state/session';
import { useSettings } from '../state/settings';
import { useLabelLifecycle } from '../state/use-label-lifecycle';
import { ErrorLine } from './ErrorLine';

const SHORTCUTS = ['label.submit', 'label.submitNext'] as const;
/** A decision is shown as the status it gave the label. */
const DECISION_STATUS = { approve: 'approved', request_changes: 'changes_requested', reject: 'rejected' } as const;

interface Props {
  readonly clip: OpenClip;
  readonly selected: number | null;
  onSelect(eventId: number): void;
}

export function LabelLifecycle({ clip, selected, onSelect }: Props) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const life = useLabelLifecycle(clip, selected, onSelect);
  useHotkeys({ 'label.submit': life.submit, 'label.submitNext': life.submitNext });
  if (selected === null) return null;
  const [submitChord, nextChord] = SHORTCUTS.map((id) => chordsFor(id, settings?.shortcuts ?? {})[0] ?? '');
  const { status, feedback } = life;
  return (
    <div className="label-lifecycle" data-testid="label-lifecycle" data-event={selected} data-status={status ?? 'none'}>
      {/* Status and actions on one line; the reviewer's comment below them. */}
      <div className="lifecycle-row">
        <span className={`badge status-${status ?? 'none'}`} data-testid="label-status">
          {status ? t(`statuses.${status}`) : t('lifecycle.notStarted')}
        </span>
        {status === 'submitted' ? (
          <>
            <button type="button" data-testid="withdraw" disabled={life.busy} onClick={life.withdraw}>
              {t('lifecycle.withdraw')}
            </button>
            <small className="muted">{t('lifecycle.readOnly')}</small>
          </>
        ) : (
          <>
            <button type="button" data-testid="submit" disabled={life.busy} title={submitChord} onClick={life.submit}>
              {life.resubmit ? t('lifecycle.resubmit') : t('lifecycle.submit')}
            </button>
            <button type="button" className="primary" data-testid="submit-next" disabled={life.busy} title={nextChord} onClick={life.submitNext}>
              {life.resubmit ? t('lifecycle.resubmitNext') : t('lifecycle.submitNext')}
            </button>
          </>
        )}
      </div>
      {feedback && (
        <div className="review-feedback" role="note" data-testid="review-feedback" data-decision={feedback.decision}>
          <strong>{t('lifecycle.feedback', { reviewer: feedback.reviewer, decision: t(`statuses.${DECISION_STATUS[feedback.decision]}`) })}</strong>
          <p>{feedback.comment || t('lifecycle.noComment')}</p>
        </div>
      )}
      {life.noneLeft && (
        <p className="muted" role="status" data-testid="none-left">
          {t('lifecycle.noneLeft')}
        </p>
      )}
      <ErrorLine message={life.error} />
    </div>
  );
}
