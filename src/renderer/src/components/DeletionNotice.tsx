/**
 * The notice of the latest deletion ("Event deleted — Undo"), over every view while its
 * step is the latest in the session's history, or why a deletion or restore failed.
 * Fixed at the bottom of the window: it never moves the page or needs a scroll.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../state/session';

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;

export function DeletionNotice() {
  const { t } = useTranslation();
  const { deletions } = useSession();
  const notice = useSyncExternalStore(
    (listener) => deletions.onNotice(listener),
    () => deletions.notice,
  );
  if (!notice) return null;
  const dismiss = (
    <button type="button" className="link" aria-label={t('deletion.dismiss')} title={t('deletion.dismiss')} onClick={() => deletions.dismiss()}>
      ×
    </button>
  );
  if (notice.kind === 'failed') {
    return (
      <div className="deletion-notice failed" role="alert" data-testid="deletion-notice">
        <span>{t('deletion.failed', { message: notice.message })}</span>
        {dismiss}
      </div>
    );
  }
  const { target } = notice;
  const text =
    target.kind === 'event'
      ? t('deletion.eventDeleted', { onset: target.event.onset, offset: target.event.offset })
      : t('deletion.clipDeleted', { name: baseName(target.clip.path) });
  return (
    <div className="deletion-notice" role="status" data-testid="deletion-notice">
      <span>{text}</span>
      <button type="button" data-testid="deletion-undo" onClick={() => deletions.undo()}>
        {t('deletion.undo')}
      </button>
      {dismiss}
    </div>
  );
}
