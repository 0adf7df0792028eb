import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MediaRootNameSchema, type AdoptReport, type MediaRoots } from '@shared/media-roots';
import { errorMessage } from '../api/backend';
import { api } from '../api/client';
import { useSession } from '../state/session';
import { useSettings } from '../state/settings';

interface Row {
  readonly name: string;
  readonly folder: string;
}

const rowsOf = (roots: MediaRoots): Row[] => Object.entries(roots).map(([name, folder]) => ({ name, folder }));

/**
 * Settings → Media roots: this workstation's folder for each named root of a shared
 * corpus. Clips stored under a root open from the folder mapped here; main refuses a
 * local copy whose content differs from the workspace's.
 */
export function MediaRootsSection() {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const { workspace } = useSession();
  // The rows being edited; null shows the saved roots.
  const [draft, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [adopted, setAdopted] = useState<AdoptReport | null>(null);
  if (!settings) return null;
  const rows = draft ?? rowsOf(settings.mediaRoots);

  const edit = (index: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  };
  const save = () => {
    setError(null);
    const kept = rows.filter((row) => row.name.trim() || row.folder.trim());
    const names = kept.map((row) => row.name.trim());
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice) return setError(t('mediaRoots.duplicate', { name: twice }));
    const bad = names.find((name) => !MediaRootNameSchema.safeParse(name).success);
    if (bad !== undefined) return setError(t('mediaRoots.badName', { name: bad }));
    const mediaRoots = Object.fromEntries(kept.map((row) => [row.name.trim(), row.folder.trim()]));
    api.call('settings.update', { mediaRoots }).then(
      (next) => {
        setRows(rowsOf(next.mediaRoots));
        setSaved(true);
      },
      (failure: unknown) => setError(errorMessage(failure)),
    );
  };
  const adopt = () => {
    setError(null);
    api.call('clips.adoptMediaRoots', {}).then(setAdopted, (failure: unknown) => setError(errorMessage(failure)));
  };

  return (
    <section className="media-roots" aria-labelledby="media-roots-title">
      <h2 id="media-roots-title">{t('mediaRoots.title')}</h2>
      <p className="hint">{t('mediaRoots.hint')}</p>
      <form className="form" onSubmit={(event) => (event.preventDefault(), save())}>
        <table className="media-roots-table">
          <thead>
            <tr>
              <th scope="col">{t('mediaRoots.name')}</th>
              <th scope="col">{t('mediaRoots.folder')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('mediaRoots.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td>
                  <input aria-label={t('mediaRoots.nameOf', { n: index + 1 })} value={row.name} placeholder={t('mediaRoots.namePlaceholder')} spellCheck={false} onChange={(event) => edit(index, { name: event.target.value })} />
                </td>
                <td>
                  <input aria-label={t('mediaRoots.folderOf', { n: index + 1 })} value={row.folder} placeholder={t('mediaRoots.folderPlaceholder')} spellCheck={false} onChange={(event) => edit(index, { folder: event.target.value })} />
                </td>
                <td>
                  <button type="button" aria-label={t('mediaRoots.remove', { n: index + 1 })} onClick={() => (setSaved(false), setRows(rows.filter((_, i) => i !== index)))}>
                    {t('mediaRoots.removeShort')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="buttons">
          <button type="button" onClick={() => (setSaved(false), setRows([...rows, { name: '', folder: '' }]))}>
            {t('mediaRoots.add')}
          </button>
          <button type="submit">{t('mediaRoots.save')}</button>
          {workspace && (
            <button type="button" onClick={adopt} title={t('mediaRoots.adoptHint')}>
              {t('mediaRoots.adopt')}
            </button>
          )}
        </div>
        {saved && <p role="status">{t('mediaRoots.saved')}</p>}
        {adopted && (
          <p role="status" data-testid="media-roots-adopted">
            {t('mediaRoots.adopted', { adopted: t('counts.clips', { count: adopted.adopted }), unchanged: adopted.unchanged, conflicts: t('counts.conflicts', { count: adopted.conflicts.length }) })}
          </p>
        )}
        {error && <p role="alert">{error}</p>}
      </form>
    </section>
  );
}
