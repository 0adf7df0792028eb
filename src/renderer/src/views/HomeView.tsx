import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, DoctorReport } from '@shared/api';
import { api } from '../api/client';

/** The start page: what the pipeline does and what this installation can run. */
export function HomeView() {
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
    <section className="view home" aria-labelledby="home-title">
      <h1 id="home-title">{t('app.title')}</h1>
      <p className="tagline">{t('app.tagline')}</p>
      <h2>{t('home.pipeline')}</h2>
      <p className="pipeline">{t('home.pipelineSteps')}</p>
      <h2>{t('home.system')}</h2>
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
    </section>
  );
}
