/**
 * Settings' annotator name, or, on a team server, who the server knows is signed in: there
 * the name cannot be edited, because the server records every label under the login role.
 */
import { useTranslation } from 'react-i18next';
import { useIdentity } from '../state/session';
import { useSettings } from '../state/settings';

export function AnnotatorField() {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  const identity = useIdentity();
  if (identity.source === 'database-role') {
    return (
      <label>
        <span>{t('settings.annotator')}</span>
        <input name="annotator" value={identity.name} readOnly aria-readonly="true" />
        <small data-testid="server-identity">{t('identity.signedIn', { name: identity.name })}</small>
      </label>
    );
  }
  return (
    <label>
      <span>{t('settings.annotator')}</span>
      <input name="annotator" defaultValue={settings?.annotator ?? ''} maxLength={120} onBlur={(event) => void update({ annotator: event.target.value.trim() })} />
      <small>{t('settings.annotatorHint')}</small>
    </label>
  );
}
