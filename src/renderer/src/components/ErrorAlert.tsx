/** A failed call's message, announced to screen readers; nothing when there is no error. */
import { useTranslation } from 'react-i18next';

export function ErrorAlert({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {t('common.error', { message: error })}
    </p>
  );
}

/** What a workspace-bound view shows before a workspace is open. */
export function NoWorkspace({ className, title }: { className: string; title: string }) {
  const { t } = useTranslation();
  return (
    <section className={className} aria-label={title}>
      <h1>{title}</h1>
      <p className="empty">{t('review.noWorkspace')}</p>
    </section>
  );
}
