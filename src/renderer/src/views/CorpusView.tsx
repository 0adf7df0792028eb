/**
 * Workspace & corpus: create or open a workspace (path, recent list), add clips, import
 * a dataset sheet, and the clip queue — the acting annotator's worklist per clip (status,
 * emotion, FACS, annotators, analysed), filtered by substring and sorted through the
 * session's queue state, which Annotate's Submit & next follows — with batch analysis.
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { formatFps } from '@shared/fps';
import { ANNOTATION_STATUSES, type Clip, type WorkspaceInfo } from '@shared/workspace';
import { clipWork, worklistCounts, type QueueStatus, type WorklistRow } from '@shared/worklist';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import { BatchAnalysis } from '../components/BatchAnalysis';
import { ImportPanel } from '../components/ImportPanel';
import { OpenClipForm } from '../components/OpenClipForm';
import { useSession } from '../state/session';
import { ErrorLine } from '../components/ErrorLine';
import { QUEUE_SORT_KEYS, QUEUE_TEXT_FILTERS, baseName, queueOrder, type QueueTextFilter } from '../state/queue';
import { BrowseButton } from '../components/BrowseButton';
import { ClipDrop } from '../components/ClipDrop';
import { PICKS } from '../api/files';

const QUEUE_STATUSES: readonly QueueStatus[] = ['todo', ...ANNOTATION_STATUSES];

export function CorpusView() {
  const { t } = useTranslation();
  const { workspace, setWorkspace, openClip, clip: openedClip, deletions, queue, annotator } = useSession();
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<Array<{ path: string; openedAt: string }>>([]);
  const [clips, setClips] = useState<Clip[]>([]);
  const [rows, setRows] = useState<WorklistRow[]>([]);
  const view = useSyncExternalStore((listener) => queue.subscribe(listener), () => queue.view);
  const revision = useSyncExternalStore((listener) => queue.subscribe(listener), () => queue.revision);
  const [error, setError] = useState<string | null>(null);
  const [counts, setCounts] = useState<WorkspaceInfo['counts'] | null>(null);

  useEffect(() => {
    workspaceApi.recent().then(setRecent, () => setRecent([]));
  }, [workspace]);

  const refresh = useCallback(() => {
    if (!workspace) return;
    workspaceApi.listClips({}).then(setClips, (failure: unknown) => setError(errorMessage(failure)));
    workspaceApi.worklist().then(setRows, (failure: unknown) => setError(errorMessage(failure)));
    workspaceApi.info().then((info) => setCounts(info?.counts ?? null), () => undefined);
  }, [workspace]);
  // The worklist is the acting annotator's; a lifecycle step bumps the revision.
  useEffect(refresh, [refresh, annotator, revision]);
  // A clip deleted or brought back (here, by Undo, or by Ctrl+Z in Annotate): list anew.
  useEffect(() => deletions.onChange(({ target }) => target.kind === 'clip' && refresh()), [deletions, refresh]);

  const work = useMemo(() => clipWork(rows), [rows]);
  const totals = useMemo(() => worklistCounts(rows), [rows]);
  const sorted = useMemo(() => (workspace ? queueOrder(clips, work, view) : []), [clips, work, view, workspace]);

  const act = (action: () => Promise<void>) => {
    setError(null);
    action().catch((failure: unknown) => setError(errorMessage(failure)));
  };
  const open = (file: string, create: boolean) => act(async () => setWorkspace(await (create ? workspaceApi.create(file) : workspaceApi.open(file))));

  const setText = (key: QueueTextFilter, value: string) => queue.set({ ...queue.view, text: { ...queue.view.text, [key]: value } });

  return (
    <section className="view corpus" aria-labelledby="corpus-title">
      <h1 id="corpus-title">{t('corpus.title')}</h1>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t('corpus.workspacePath')}</span>
          <input name="workspace-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('corpus.workspacePlaceholder')} spellCheck={false} />
        </label>
        <BrowseButton request={PICKS.workspace} current={path} onPick={setPath} onError={setError} />
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
          {t('corpus.workspaceInfo', workspaceCounts(t, workspace.path, counts ?? workspace.counts))}
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
          <ClipDrop onAdded={refresh} />
          <details>
            <summary>{t('corpus.import')}</summary>
            <ImportPanel onImported={refresh} />
          </details>
          <p className="queue-counts" data-testid="queue-counts">
            {t('queue.counts', { todo: totals.todo, submitted: totals.submitted, changesRequested: totals.changesRequested })}
          </p>
          <div className="filters" role="search">
            <select
              aria-label={t('corpus.status')}
              name="queue-status"
              value={view.status ?? ''}
              onChange={(e) => queue.set({ ...queue.view, status: (e.target.value || null) as QueueStatus | null })}
            >
              <option value="">{t('corpus.anyStatus')}</option>
              {QUEUE_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(status === 'todo' ? 'queue.todo' : `statuses.${status}`)}
                </option>
              ))}
            </select>
            {QUEUE_TEXT_FILTERS.map((key) => (
              <input key={key} name={`queue-${key}`} aria-label={t(`queue.filters.${key}`)} placeholder={t(`queue.filters.${key}`)} value={view.text[key] ?? ''} onChange={(e) => setText(key, e.target.value)} />
            ))}
            <BatchAnalysis clips={sorted} onFinished={refresh} />
          </div>
          <table className="queue" data-testid="clip-queue">
            <thead>
              <tr>
                {QUEUE_SORT_KEYS.map((key) => (
                  <th key={key} data-column={key} aria-sort={view.sort.key === key ? (view.sort.ascending ? 'ascending' : 'descending') : 'none'}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => queue.set({ ...queue.view, sort: { key, ascending: queue.view.sort.key === key ? !queue.view.sort.ascending : true } })}
                    >
                      {t(`corpus.columns.${key}`)}
                    </button>
                  </th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody>
              {sorted.map((clip) => {
                const w = work.get(clip.id);
                return (
                <tr key={clip.id} data-clip={clip.id} aria-current={openedClip?.stored?.id === clip.id ? 'true' : undefined}>
                  <td>{clip.id}</td>
                  <td title={clip.path}>{baseName(clip.path)}</td>
                  <td>{clip.subject ?? '–'}</td>
                  <td data-column="status" data-status={w?.status ?? 'none'}>
                    {w?.status ? t(w.status === 'todo' ? 'queue.todo' : `statuses.${w.status}`) : t('queue.noEvents')}
                  </td>
                  <td data-column="emotion" data-emotion={w?.emotion || undefined}>{w?.emotion ? t(`emotions.${w.emotion}`, { defaultValue: w.emotion }) : '–'}</td>
                  <td data-column="aus">{w?.aus || '–'}</td>
                  <td data-column="annotators">{w?.annotators || '–'}</td>
                  <td data-column="analysed" data-spotted={w?.spotted || undefined}>{w?.events ? `${w.analysed}/${w.events}` : w?.spotted ? t('queue.spottedNone') : '–'}</td>
                  <td>{clip.frames}</td>
                  <td title={String(clip.fps)} data-column="fps">
                    {/* One rate when the clip was filmed at its file's rate; the file's beside it only when they differ. */}
                    <CaptureFpsField
                      key={`${clip.id}:${clip.captureFps}`}
                      clip={clip}
                      onSet={(captureFps) => act(async () => {
                        const updated = await workspaceApi.setCaptureFps(clip.id, captureFps);
                        setClips((list) => list.map((c) => (c.id === updated.id ? updated : c)));
                      })}
                    />
                    {clip.captureFps !== clip.fps && <span className="muted file-fps" data-testid="file-fps">{t('corpus.fileFps', { fps: formatFps(clip.fps) })}</span>}
                  </td>
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
                );
              })}
            </tbody>
          </table>
          {!sorted.length && <p className="empty">{t('corpus.noClips')}</p>}
        </>
      )}
    </section>
  );
}

/**
 * A clip's capture rate, edited in its queue row: saved on blur or Enter; empty sets it
 * back to the container's rate. A value the store would refuse is not sent.
 */
function CaptureFpsField({ clip, onSet }: { readonly clip: Clip; readonly onSet: (captureFps: number | null) => void }) {
  const { t } = useTranslation();
  const save = (text: string) => {
    const value = text.trim() === '' ? null : Number(text);
    if (value !== null && !(value > 0 && value <= 10_000)) return;
    if ((value ?? clip.fps) !== clip.captureFps) onSet(value);
  };
  return (
    <input
      className="capture-fps"
      name={`captureFps-${clip.id}`}
      type="number"
      min={1}
      max={10000}
      step="any"
      aria-label={`${t('corpus.captureFps')} (${baseName(clip.path)})`}
      title={t('corpus.captureFpsHint')}
      data-differs={clip.captureFps !== clip.fps || undefined}
      defaultValue={clip.captureFps}
      onBlur={(event) => save(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') save(event.currentTarget.value);
      }}
    />
  );
}

/** The workspace line's counts, each with its noun in the right number. */
function workspaceCounts(t: TFunction, path: string, counts: { clips: number; events: number; annotations: number }) {
  return { path, clips: t('counts.clips', { count: counts.clips }), events: t('counts.events', { count: counts.events }), annotations: t('counts.annotations', { count: counts.annotations }) };
}
