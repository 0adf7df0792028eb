import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, DoctorReport } from '@shared/api';
import { api } from '../api/client';
import { errorMessage } from '../api/backend';
import { PICKS } from '../api/files';
import { workspaceApi } from '../api/workspace';
import { AnnotatorPrompt } from '../components/AnnotatorPrompt';
import { BrowseButton } from '../components/BrowseButton';
import { ErrorLine } from '../components/ErrorLine';
import { useSession } from '../state/session';
import { useSettings } from '../state/settings';

const FIRST_STEPS = ['open', 'annotate', 'analyse', 'submit'] as const;
const LABELS = { create: 'start.create', open: 'start.open' };
const DEMO = 'demo';
const OPEN = 'open';
const withExtension = (path: string) => (path.endsWith('.mellm') ? path : `${path}.mellm`);

/**
 * The start page: open a corpus (recent, create, open, the demo corpus), the first
 * steps, and the installation's report folded below.
 */
export function HomeView() {
  const { t } = useTranslation();
  const { setWorkspace, setView } = useSession();
  // The demo corpus is a file: its labels go under Settings' name, whatever workspace is open now.
  const annotator = useSettings().settings?.annotator ?? '';
  const [recent, setRecent] = useState<Array<{ path: string; openedAt: string }>>([]);
  const [busy, setBusy] = useState<'demo' | 'open' | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    workspaceApi.recent().then(setRecent, () => setRecent([]));
  }, []);

  const enter = (kind: 'demo' | 'open', action: () => ReturnType<typeof workspaceApi.open>) => {
    setBusy(kind);
    setError(null);
    action().then(
      (info) => {
        setBusy(null);
        setWorkspace(info);
        setView('corpus');
      },
      (failure: unknown) => {
        setBusy(null);
        setError(errorMessage(failure));
      },
    );
  };
  const openDemo = () => enter(DEMO, () => workspaceApi.openDemo());
  const openWorkspace = (path: string) => enter(OPEN, () => workspaceApi.open(path));
  const createWorkspace = (path: string) => enter(OPEN, () => workspaceApi.create(withExtension(path)));

  return (
    <section className="view home" aria-labelledby="home-title">
      <h1 id="home-title">{t('app.title')}</h1>
      <p className="tagline">{t('app.tagline')}</p>
      <div className="start-grid">
        <section className="start-actions" aria-labelledby="start-title">
          <h2 id="start-title">{t('start.title')}</h2>
          <div className="row">
            <button type="button" className="primary" data-testid="open-demo" disabled={busy !== null} onClick={() => (annotator ? openDemo() : setAsking(true))}>
              {busy === DEMO ? t('start.demoBusy') : t('start.openDemo')}
            </button>
            <BrowseButton request={PICKS.newWorkspace} label={LABELS.create} disabled={busy !== null} onPick={createWorkspace} onError={setError} />
            <BrowseButton request={PICKS.workspace} label={LABELS.open} disabled={busy !== null} onPick={openWorkspace} onError={setError} />
          </div>
          {busy === DEMO && <p className="muted">{t('start.demoNote')}</p>}
          <ErrorLine message={error} />
          <h3>{t('start.recent')}</h3>
          {recent.length ? (
            <ul className="recent" data-testid="recent-workspaces">
              {recent.map((entry) => (
                <li key={entry.path}>
                  <button type="button" className="link" title={entry.path} disabled={busy !== null} onClick={() => openWorkspace(entry.path)}>
                    {entry.path}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('start.noRecent')}</p>
          )}
        </section>
        <section className="first-steps" aria-labelledby="first-steps-title">
          <h2 id="first-steps-title">{t('start.firstSteps')}</h2>
          <ol>
            {FIRST_STEPS.map((step) => (
              <li key={step}>{t(`start.steps.${step}`)}</li>
            ))}
          </ol>
        </section>
      </div>
      <InstallationReport />
      {asking && (
        <AnnotatorPrompt
          onCancel={() => setAsking(false)}
          onDone={() => {
            setAsking(false);
            openDemo();
          }}
        />
      )}
    </section>
  );
}

/** What the pipeline does and what this installation can run, folded away until asked for. */
function InstallationReport() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.call('app.info', {}), api.call('app.doctor', {})]).then(
      ([loadedInfo, loadedReport]) => {
        setInfo(loadedInfo);
        setReport(loadedReport);
      },
      (failure: Error) => setError(failure.message),
    );
  }, []);

  const transportLabel = info
    ? t(info.transport === 'ipc' ? 'home.transportIpc' : info.transport === 'bridge' ? 'home.transportBridge' : 'home.transportDirect')
    : '';

  return (
    <details className="installation" data-testid="installation-report">
      <summary>{t('home.system')}</summary>
      <h2>{t('home.pipeline')}</h2>
      <p className="pipeline">{t('home.pipelineSteps')}</p>
      {error && <p role="alert">{t('common.error', { message: error })}</p>}
      {!report && !error && <p>{t('common.loading')}</p>}
      {report && info && (
        <dl className="facts" data-testid="system-facts">
          <dt>{t('home.transport')}</dt>
          <dd data-testid="transport">{transportLabel}</dd>
          <dt>{t('home.ffmpeg')}</dt>
          <dd>{report.ffmpeg.ok ? report.ffmpeg.version : t('home.ffmpegMissing')}</dd>
          <dt>{t('home.onnxruntime')}</dt>
          <dd data-testid="onnxruntime-version">{report.onnxruntime.version}</dd>
          <dt>{t('home.providers')}</dt>
          <dd>{report.onnxruntime.providers.filter((p) => p.available).map((p) => p.name).join(', ')}</dd>
          <dt>{t('home.sqlite')}</dt>
          <dd>{report.sqlite.version}</dd>
          <dt>{t('home.models')}</dt>
          <dd>
            <ul className="models">
              {report.models.map((model) => (
                <li key={model.id} className={model.present ? 'present' : 'missing'}>
                  <code>{model.id}</code> {model.present ? t('home.modelPresent') : t('home.modelMissing')}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
      )}
      {info && <p className="version">{t('home.version', { version: info.version })}</p>}
    </details>
  );
}
