/**
 * The notice of the latest deletion ("Event deleted — Undo"), above every view while its
 * step is the latest in the session's history, or why a deletion or restore failed.
 * It lives in the top bar's free space, right of the view tabs: there it covers no row
 * or button of any view and takes no height from them, at the smallest window too.
 * A text too long for the bar ends in an ellipsis; its title holds the whole of it. An
 * event's frame range never shrinks: only the words before it give way, since the range is
 * what tells which event went.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../state/session';

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;

function NoticeText({ text }: { readonly text: string }) {
  return (
    <span className="deletion-notice-text" title={text}>
      {text}
    </span>
  );
}

/** "Deleted: frames 12–1234", the range kept whole; title and label hold the sentence. */
function EventDeleted(span: { readonly onset: number; readonly offset: number }) {
  const { t } = useTranslation();
  const whole = t('deletion.eventDeleted', span);
  return (
    <span className="deletion-notice-text event" title={whole} aria-label={whole}>
      <span className="deletion-notice-lead">{t('deletion.eventDeletedLead')}</span>
      <span className="deletion-notice-range" data-testid="deletion-range">
        {t('deletion.eventDeletedFrames', span)}
      </span>
    </span>
  );
}

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
        <NoticeText text={t('deletion.failed', { message: notice.message })} />
        {dismiss}
      </div>
    );
  }
  const { target } = notice;
  return (
    <div className="deletion-notice" role="status" data-testid="deletion-notice">
      {target.kind === 'event' ? <EventDeleted onset={target.event.onset} offset={target.event.offset} /> : <NoticeText text={t('deletion.clipDeleted', { name: baseName(target.clip.path) })} />}
      <button type="button" data-testid="deletion-undo" onClick={() => deletions.undo()}>
        {t('deletion.undo')}
      </button>
      {dismiss}
    </div>
  );
}
