/**
 * Workspace & corpus: create or open a workspace (path, recent list), add clips, import
 * a dataset sheet, and the clip queue — filtered by the store (status, subject, emotion,
 * annotator), sorted here — with batch analysis.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ANNOTATION_STATUSES, type Clip, type ClipFilter, type WorkspaceInfo } from '@shared/workspace';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import { BatchAnalysis } from '../components/BatchAnalysis';
import { ImportPanel } from '../components/ImportPanel';
import { OpenClipForm } from '../components/OpenClipForm';
import { useSession } from '../state/session';
import { ErrorLine } from '../components/ErrorLine';

type SortKey = 'id' | 'path' | 'subject' | 'frames' | 'fps';
const TEXT_FILTERS = ['subject', 'emotion', 'annotator'] as const;
const SORT_KEYS: readonly SortKey[] = ['id', 'path', 'subject', 'frames', 'fps'];

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

export function CorpusView() {
  const { t } = useTranslation();
  const { workspace, setWorkspace, openClip, clip: openedClip, deletions } = useSession();
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<Array<{ path: string; openedAt: string }>>([]);
  const [clips, setClips] = useState<Clip[]>([]);
  const [filter, setFilter] = useState<ClipFilter>({});
  const [sort, setSort] = useState<{ key: SortKey; ascending: boolean }>({ key: 'id', ascending: true });
  const [error, setError] = useState<string | null>(null);
  const [counts, setCounts] = useState<WorkspaceInfo['counts'] | null>(null);

  useEffect(() => {
    workspaceApi.recent().then(setRecent, () => setRecent([]));
  }, [workspace]);

  const refresh = useCallback(() => {
    if (!workspace) return;
    workspaceApi.listClips(filter).then(setClips, (failure: unknown) => setError(errorMessage(failure)));
    workspaceApi.info().then((info) => setCounts(info?.counts ?? null), () => undefined);
  }, [workspace, filter]);
  useEffect(refresh, [refresh]);
  // A clip deleted or brought back (here, by Undo, or by Ctrl+Z in Annotate): list anew.
  useEffect(() => deletions.onChange(({ target }) => target.kind === 'clip' && refresh()), [deletions, refresh]);

  const sorted = useMemo(() => {
    const direction = sort.ascending ? 1 : -1;
    return (workspace ? clips : []).slice().sort((a, b) => {
      const x = sort.key === 'path' ? baseName(a.path) : a[sort.key];
      const y = sort.key === 'path' ? baseName(b.path) : b[sort.key];
      return (x ?? '') < (y ?? '') ? -direction : (x ?? '') > (y ?? '') ? direction : 0;
    });
  }, [clips, sort, workspace]);

  const act = (action: () => Promise<void>) => {
    setError(null);
    action().catch((failure: unknown) => setError(errorMessage(failure)));
  };
  const open = (file: string, create: boolean) => act(async () => setWorkspace(await (create ? workspaceApi.create(file) : workspaceApi.open(file))));

  const setFilterField = (key: 'status' | 'subject' | 'emotion' | 'annotator', value: string) =>
    setFilter((f) => ({ ...f, [key]: value || undefined }));

  return (
    <section className="view corpus" aria-labelledby="corpus-title">
      <h1 id="corpus-title">{t('corpus.title')}</h1>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t('corpus.workspacePath')}</span>
          <input name="workspace-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('corpus.workspacePlaceholder')} spellCheck={false} />
        </label>
        <button type="button" disabled={!path.trim()} onClick={() => open(path.trim(), true)}>
          {t('corpus.create')}
        </button>
        <button type="button" disabled={!path.trim()} onClick={() => open(path.trim(), false)}>
          {t('corpus.open')}
        </button>
      </form>
      <ErrorLine message={error} />
      {!workspace && <OpenClipForm />}
      {workspace ? (
        <p className="workspace-info" data-testid="workspace-info">
          {t('corpus.workspaceInfo', { path: workspace.path, ...(counts ?? workspace.counts) })}
        </p>
      ) : (
        recent.length > 0 && (
          <>
            <h2>{t('corpus.recent')}</h2>
            <ul className="recent">
              {recent.map((entry) => (
                <li key={entry.path}>
                  <button type="button" className="link" onClick={() => open(entry.path, false)}>
                    {entry.path}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )
      )}
      {workspace && (
        <>
          <h2>{t('corpus.clips')}</h2>
          <OpenClipForm />
          <details>
            <summary>{t('corpus.import')}</summary>
            <ImportPanel onImported={refresh} />
          </details>
          <div className="filters" role="search">
            <select aria-label={t('corpus.status')} value={filter.status ?? ''} onChange={(e) => setFilterField('status', e.target.value)}>
              <option value="">{t('corpus.anyStatus')}</option>
              {ANNOTATION_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`statuses.${status}`)}
                </option>
              ))}
            </select>
            {TEXT_FILTERS.map((key) => (
              <input key={key} aria-label={t(`corpus.${key}`)} placeholder={t(`corpus.${key}`)} value={filter[key] ?? ''} onChange={(e) => setFilterField(key, e.target.value)} />
            ))}
            <BatchAnalysis clipIds={sorted.map((c) => c.id)} />
          </div>
          <table className="queue" data-testid="clip-queue">
            <thead>
              <tr>
                {SORT_KEYS.map((key) => (
                  <th key={key} aria-sort={sort.key === key ? (sort.ascending ? 'ascending' : 'descending') : 'none'}>
                    <button type="button" className="link" onClick={() => setSort((s) => ({ key, ascending: s.key === key ? !s.ascending : true }))}>
                      {t(`corpus.columns.${key}`)}
                    </button>
                  </th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody>
              {sorted.map((clip) => (
                <tr key={clip.id} aria-current={openedClip?.stored?.id === clip.id ? 'true' : undefined}>
                  <td>{clip.id}</td>
                  <td title={clip.path}>{baseName(clip.path)}</td>
                  <td>{clip.subject ?? '–'}</td>
                  <td>{clip.frames}</td>
                  <td>{clip.fps}</td>
                  <td>
                    <button type="button" onClick={() => act(() => openClip(clip.path, clip))}>
                      {t('corpus.annotate')}
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      data-testid="delete-clip"
                      aria-label={t('deletion.deleteClipLabel', { name: baseName(clip.path) })}
                      title={t('deletion.deleteClipLabel', { name: baseName(clip.path) })}
                      onClick={() => void deletions.delete({ kind: 'clip', clip })}
                    >
                      {t('deletion.deleteClip')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!sorted.length && <p className="empty">{t('corpus.noClips')}</p>}
        </>
      )}
    </section>
  );
}
