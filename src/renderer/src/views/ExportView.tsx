/**
 * Export: pick formats and options, a target folder, run the export as a job (progress,
 * cancel) and list the files written. Existing files are only replaced when asked. The
 * choices are remembered for the next export (state/export-choices.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMATS, type ExportFormat, type ExportOutcome } from '@shared/api';
import { DEFAULT_PROMPT_FORMAT, PROMPT_FORMATS, type PromptFormat } from '@shared/prompt-format';
import { errorMessage } from '../api/backend';
import { ApiCallError, api } from '../api/client';
import { reviewApi } from '../api/review';
import { readExportChoices, writeExportChoices } from '../state/export-choices';
import { browserStorage } from '../state/saved-state';
import { useSession } from '../state/session';
import { ErrorAlert, Guidance, NoWorkspace } from '../components/ErrorAlert';
import { BrowseButton } from '../components/BrowseButton';
import { PICKS } from '../api/files';

const OPTIONS = ['onlyApproved', 'anonymise', 'includeImages', 'force'] as const;
type Option = (typeof OPTIONS)[number];
/** The format whose prompt text the user picks. */
const INSTRUCTIONS: ExportFormat = 'jsonl';
/** A full path on any desktop: a relative one would land wherever the main process runs. */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;
/** The formats whose file holds one entry per event (the motion rows, the session report's events), not one per label. */
const PER_EVENT: ReadonlySet<ExportFormat> = new Set<ExportFormat>(['frames-csv', 'report']);

export function ExportView() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const [saved] = useState(() => readExportChoices(browserStorage(), EXPORT_FORMATS, PROMPT_FORMATS));
  const [formats, setFormats] = useState<ReadonlySet<ExportFormat>>(() => new Set(saved ? (saved.formats as ExportFormat[]) : ['casme2-csv', 'report']));
  const [options, setOptions] = useState<Record<Option, boolean>>(() => ({
    onlyApproved: saved?.onlyApproved ?? false,
    anonymise: saved?.anonymise ?? false,
    includeImages: saved?.includeImages ?? false,
    force: false,
  }));
  const [folder, setFolder] = useState(saved?.folder ?? '');
  const [promptFormat, setPromptFormat] = useState<PromptFormat>(() => (saved?.promptFormat as PromptFormat | undefined) ?? DEFAULT_PROMPT_FORMAT);

  useEffect(() => {
    const { onlyApproved, anonymise, includeImages } = options;
    writeExportChoices(browserStorage(), { formats: [...formats], folder, promptFormat, onlyApproved, anonymise, includeImages });
  }, [formats, folder, promptFormat, options]);
  const [progress, setProgress] = useState<{ jobId: string; done: number; total: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ExportOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Expected refusals (files already there, a folder without its full path): what to do, in the window's words.
  const [guidance, setGuidance] = useState<string | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // Beside the form in a wide window; below it in a narrow one, where the result is brought into sight.
  useEffect(() => {
    if (result || error || guidance) outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [result, error, guidance]);

  useEffect(
    () =>
      api.on('job.progress', (event) => {
        if (event.kind === 'export') setProgress({ jobId: event.jobId, done: event.done, total: event.total });
      }),
    [],
  );

  const toggle = (format: ExportFormat, on: boolean) =>
    setFormats((current) => {
      const next = new Set(current);
      if (on) next.add(format);
      else next.delete(format);
      return next;
    });

  const run = () => {
    setError(null);
    setGuidance(null);
    setResult(null);
    setProgress(null);
    if (!ABSOLUTE.test(folder.trim())) {
      setGuidance(t('export.absolute'));
      return;
    }
    setRunning(true);
    reviewApi
      .exportRun({ formats: EXPORT_FORMATS.filter((f) => formats.has(f)), folder: folder.trim(), promptFormat, ...options })
      .then(setResult, (failure: unknown) => {
        if (failure instanceof ApiCallError && failure.code === 'EXPORT_TARGET_EXISTS') setGuidance(t('export.exists'));
        else setError(errorMessage(failure));
      })
      .finally(() => setRunning(false));
  };

  if (!workspace) return <NoWorkspace className="view export" title={t('export.title')} />;

  return (
    <section className="view export" aria-labelledby="export-title">
      <h1 id="export-title">{t('export.title')}</h1>
      <form className="form" onSubmit={(e) => (e.preventDefault(), run())}>
        <fieldset>
          <legend>{t('export.formats')}</legend>
          {EXPORT_FORMATS.map((format) => (
            <label key={format} className="check">
              <input type="checkbox" name={`format-${format}`} checked={formats.has(format)} onChange={(e) => toggle(format, e.target.checked)} /> {t(`export.targets.${format}`)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('export.options')}</legend>
          {OPTIONS.map((option) => (
            <label key={option} className="check">
              <input type="checkbox" name={option} checked={options[option]} onChange={(e) => setOptions((o) => ({ ...o, [option]: e.target.checked }))} /> {t(`export.option.${option}`)}
            </label>
          ))}
        </fieldset>
        {formats.has(INSTRUCTIONS) && (
          <label>
            <span>{t('export.promptFormat')}</span>
            <select name="prompt-format" value={promptFormat} onChange={(e) => setPromptFormat(e.target.value as PromptFormat)}>
              {PROMPT_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {t(`export.promptFormats.${format}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span>{t('export.folder')}</span>
          <input name="export-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={t('export.folderPlaceholder')} spellCheck={false} />
        </label>
        <BrowseButton request={PICKS.exportFolder} current={folder} onPick={setFolder} />
        <div className="row">
          <button type="submit" disabled={running || formats.size === 0 || !folder.trim()}>
            {t('export.run')}
          </button>
          {running && progress && (
            <button type="button" onClick={() => void reviewApi.cancelJob(progress.jobId)}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
      <div className="export-outcome" ref={outcome}>
        {running && (
          <p data-testid="export-progress">
            <progress max={progress?.total || 1} value={progress?.done ?? 0} /> {t('export.running')}
          </p>
        )}
        <ErrorAlert error={error} />
        <Guidance text={guidance} />
        {result && (
          <>
            <h2>{t('export.result', { records: t('counts.labels', { count: result.records }), files: t('counts.files', { count: result.files.length }) })}</h2>
            <ul className="recent" data-testid="export-files">
              {result.files.map((file) => (
                <li key={file.path} data-records={file.records}>
                  <code>{file.format}</code> · {t(PER_EVENT.has(file.format) ? 'counts.events' : 'counts.labels', { count: file.records })}
                  <div className="export-path">{file.path}</div>
                  {file.records === 0 && (
                    <div role="status" data-testid="export-no-records">
                      {t('export.noRecords', {
                        reasons: result.labels === 0 ? t('export.noLabels') : file.skipped.map((skip) => t(`export.skipped.${skip.reason}`, { count: skip.count })).join('; '),
                      })}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
