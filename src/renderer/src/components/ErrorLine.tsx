import { useTranslation } from 'react-i18next';

/** A failed action's message, announced to screen readers; nothing when there is none. */
export function ErrorLine({ message }: { message: string | null }) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <p role="alert" className="error">
      {t('common.error', { message })}
    </p>
  );
}
