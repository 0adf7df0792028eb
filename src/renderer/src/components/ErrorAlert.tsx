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

/**
 * An expected condition (nothing to evaluate yet, and the like): what to do next, said
 * as guidance in a polite status, never with the error's "Something went wrong" prefix.
 */
export function Guidance({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="status" className="guidance" data-testid="guidance">
      {text}
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
