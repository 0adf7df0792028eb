/** Dataset-sheet import: preview (per-row problems) before committing to the workspace. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { IMPORT_LAYOUTS, type ImportProblem, type ImportProblemGroup } from '@shared/corpus-import';
import { importRefusalOf } from '@shared/import-refusal';
import { errorMessage } from '../api/backend';
import { workspaceApi, type ImportReport, type ImportRequest } from '../api/workspace';
import { importText } from '../i18n/message-text';
import { ErrorLine } from './ErrorLine';
import { BrowseButton } from './BrowseButton';
import { PICKS } from '../api/files';

export function ImportPanel({ onImported }: { onImported(): void }) {
  const { t } = useTranslation();
  const [request, setRequest] = useState<ImportRequest>({ sheet: '', root: '', dataset: 'auto', skipFlagged: false });
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
        // A refused sheet is said in the window's language; its rows' problems are in the preview below.
        const refusal = importRefusalOf(failure);
        setError(refusal ? t(`importRefusals.${refusal.key}`, refusal.params) : errorMessage(failure));
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
        <BrowseButton request={PICKS.sheet} current={request.sheet} onPick={(sheet) => edit({ sheet })} />
        <label>
          <span>{t('corpus.mediaRoot')}</span>
          <input name="import-root" value={request.root} onChange={(e) => edit({ root: e.target.value })} spellCheck={false} />
        </label>
        <BrowseButton request={PICKS.datasetRoot} current={request.root} onPick={(root) => edit({ root })} />
        <label>
          <span>{t('corpus.dataset')}</span>
          <select name="import-dataset" value={request.dataset} onChange={(e) => edit({ dataset: e.target.value as ImportRequest['dataset'] })}>
            {IMPORT_LAYOUTS.map((dataset) => (
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
              ? t('corpus.committedSummary', { clips: t('counts.newClips', { count: preview.clipsAdded }), events: t('counts.events', { count: preview.eventsAdded }), skipped: t('counts.rows', { count: preview.skippedRows.length }) })
              : t('corpus.previewSummary', {
                  rows: t('counts.rows', { count: preview.totalRows }),
                  valid: preview.rows.filter((row) => row.ok).length,
                  // Errors refuse the sheet, warnings (a row already present, a missing apex) do not: counted apart.
                  errors: t('corpus.errorCount', { count: preview.problems.filter((p) => p.severity === 'error').length }),
                  warnings: t('corpus.warningCount', { count: preview.problems.filter((p) => p.severity !== 'error').length }),
                })}
            {preview.alreadyPresent > 0 && <> {t('corpus.alreadyPresent', { count: preview.alreadyPresent })}</>}</p>
          <p className="muted" data-testid="import-layout">
            {preview.detected
              ? t('corpus.layoutDetected', { layout: t(`datasets.${preview.dataset}`), reason: preview.detectedText ? importText(t, preview.detectedText) : preview.detected })
              : t('corpus.layoutGiven', { layout: t(`datasets.${preview.dataset}`) })}
          </p>
          {preview.groups.length > 0 && (
            <ul className="problem-groups" data-testid="import-groups">
              {preview.groups.map((group) => (
                <ProblemGroupLine key={`${group.severity}-${group.kind}`} group={group} />
              ))}
            </ul>
          )}
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
                    <td>{problemText(t, problem)}</td>
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

/** "12 rows: clip folder not found (first at row 17, Filename: …)". */
function ProblemGroupLine({ group }: { group: ImportProblemGroup }) {
  const { t } = useTranslation();
  const { first } = group;
  return (
    <li data-kind={group.kind} className={group.severity === 'error' ? 'error' : 'warn'}>
      <strong>{t('corpus.groupRows', { count: group.rows })}</strong> {t(`corpus.problemKinds.${group.kind}`)}{' '}
      <span className="muted">{t('corpus.groupFirst', { row: first.row, column: first.column, message: problemText(t, first) })}</span>
    </li>
  );
}

/** A problem in the window's language from its key, or as main wrote it when it carries none. */
function problemText(t: TFunction, problem: ImportProblem): string {
  return problem.text ? importText(t, problem.text) : problem.message;
}
