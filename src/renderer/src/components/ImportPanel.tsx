/** Dataset-sheet import: preview (per-row problems) before committing to the workspace. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DATASETS } from '@shared/workspace';
import { errorMessage } from '../api/backend';
import { workspaceApi, type ImportReport, type ImportRequest } from '../api/workspace';
import { ErrorLine } from './ErrorLine';

export function ImportPanel({ onImported }: { onImported(): void }) {
  const { t } = useTranslation();
  const [request, setRequest] = useState<ImportRequest>({ sheet: '', root: '', dataset: 'casme2', skipFlagged: false });
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!workspaceApi.importAvailable()) return <p className="empty">{t('corpus.importUnavailable')}</p>;
  const run = (action: (r: ImportRequest) => Promise<ImportReport>, after?: () => void) => {
    setBusy(true);
    setError(null);
    action(request).then(
      (result) => {
        setBusy(false);
        setPreview(result);
        after?.();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(errorMessage(failure));
      },
    );
  };
  const edit = (patch: Partial<ImportRequest>) => {
    setRequest((r) => ({ ...r, ...patch }));
    setPreview(null);
  };
  return (
    <div className="import">
      <div className="inline-form">
        <label>
          <span>{t('corpus.sheet')}</span>
          <input name="import-sheet" value={request.sheet} onChange={(e) => edit({ sheet: e.target.value })} spellCheck={false} />
        </label>
        <label>
          <span>{t('corpus.mediaRoot')}</span>
          <input name="import-root" value={request.root} onChange={(e) => edit({ root: e.target.value })} spellCheck={false} />
        </label>
        <label>
          <span>{t('corpus.dataset')}</span>
          <select name="import-dataset" value={request.dataset} onChange={(e) => edit({ dataset: e.target.value as ImportRequest['dataset'] })}>
            {DATASETS.map((dataset) => (
              <option key={dataset} value={dataset}>
                {t(`datasets.${dataset}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={request.skipFlagged ?? false} onChange={(e) => edit({ skipFlagged: e.target.checked })} />
          {t('corpus.skipFlagged')}
        </label>
        <button type="button" disabled={busy || !request.sheet || !request.root} onClick={() => run(workspaceApi.importPreview)}>
          {t('corpus.preview')}
        </button>
        <button type="button" disabled={busy || !preview} onClick={() => run(workspaceApi.importCommit, onImported)}>
          {t('corpus.commit')}
        </button>
      </div>
      <ErrorLine message={error} />
      {preview && (
        <div data-testid="import-preview">
          <p>{preview.committed
              ? t('corpus.committedSummary', { clips: preview.clipsAdded, events: preview.eventsAdded, skipped: preview.skippedRows.length })
              : t('corpus.previewSummary', { rows: preview.totalRows, valid: preview.rows.filter((row) => row.ok).length, problems: preview.problems.length })}</p>
          {preview.problems.length > 0 && (
            <table className="problems">
              <thead>
                <tr>
                  <th>{t('corpus.row')}</th>
                  <th>{t('corpus.column')}</th>
                  <th>{t('corpus.severity')}</th>
                  <th>{t('corpus.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.problems.map((problem, i) => (
                  <tr key={i}>
                    <td>{problem.row}</td>
                    <td>{problem.column}</td>
                    <td className={problem.severity === 'error' ? 'error' : 'warn'}>{t(`corpus.severities.${problem.severity}`)}</td>
                    <td>{problem.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
