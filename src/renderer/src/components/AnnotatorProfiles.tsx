/**
 * Annotator profiles of the open workspace. On a file: create one, switch a profile's role,
 * pick who you are (Settings' name). On a team server the login role is who you are and
 * roles are granted in the database, so the profiles are shown, not edited.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ANNOTATOR_ROLES, type Annotator } from '@shared/workspace';
import { errorMessage } from '../api/backend';
import { reviewApi } from '../api/review';
import { useIdentity } from '../state/session';
import { useSettings } from '../state/settings';
import { ErrorAlert } from './ErrorAlert';

function RoleSelect({ value, onChange }: { value: Annotator['role']; onChange: (role: Annotator['role']) => void }) {
  const { t } = useTranslation();
  return (
    <select aria-label={t('review.role')} value={value} onChange={(e) => onChange(e.target.value as Annotator['role'])}>
      {ANNOTATOR_ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`review.roles.${r}`)}
        </option>
      ))}
    </select>
  );
}

export function AnnotatorProfiles({ onChange }: { onChange?: (profiles: Annotator[]) => void }) {
  const { t } = useTranslation();
  const { update } = useSettings();
  const identity = useIdentity();
  const server = identity.source === 'database-role';
  const [profiles, setProfiles] = useState<Annotator[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Annotator['role']>('annotator');
  const [error, setError] = useState<string | null>(null);
  // Folded or not is the user's choice; the panel unfolds by itself only when the first list
  // it loads is empty (someone must create a profile), and only then, so a reload never moves it.
  const [open, setOpen] = useState<boolean | null>(null);

  const refresh = useCallback(() => {
    reviewApi.annotators().then((list) => {
      setProfiles(list);
      setOpen((chosen) => chosen ?? list.length === 0);
      onChange?.(list);
    }, (failure: unknown) => setError(errorMessage(failure)));
  }, [onChange]);
  useEffect(refresh, [refresh]);

  const act = (work: () => Promise<unknown>) => {
    setError(null);
    work().then(refresh, (failure: unknown) => setError(errorMessage(failure)));
  };

  return (
    <details className="profiles" open={open === true} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('review.profiles', { name: identity.name || '—' })}</summary>
      {server && (
        <p className="muted" data-testid="server-identity">
          {t('identity.signedIn', { name: identity.name })}
        </p>
      )}
      <table className="queue" data-testid="profiles">
        <tbody>
          {profiles.map((profile) => (
            <tr key={profile.id} aria-current={profile.name === identity.name ? 'true' : undefined}>
              <td>{profile.name}</td>
              <td>
                {server ? t(`review.roles.${profile.role}`) : <RoleSelect value={profile.role} onChange={(next) => act(() => reviewApi.setRole(profile.id, next))} />}
              </td>
              {!server && (
                <td>
                  <button type="button" disabled={profile.name === identity.name} onClick={() => act(() => update({ annotator: profile.name }))}>
                    {t('review.workAs')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {server ? (
        <p className="muted">{t('identity.rolesOnServer')}</p>
      ) : (
        <form className="inline-form" onSubmit={(e) => (e.preventDefault(), name.trim() && act(() => reviewApi.createAnnotator(name.trim(), role).then(() => setName(''))))}>
          <input name="profile-name" aria-label={t('review.profileName')} placeholder={t('review.profileName')} value={name} onChange={(e) => setName(e.target.value)} />
          <RoleSelect value={role} onChange={setRole} />
          <button type="submit" disabled={!name.trim()}>
            {t('review.addProfile')}
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
    </details>
  );
}
