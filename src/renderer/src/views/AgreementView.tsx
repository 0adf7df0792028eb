/**
 * Agreement panel: inter-coder agreement of the open workspace — corpus figures, κ per
 * coder pair and α per label (emotion, 3-class), per-AU α and FACS ratio — as a table and
 * chart.js charts, with the full table as a CSV download, and how AU codes were compared.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgreementSummary } from '@shared/api';
import { errorMessage } from '../api/backend';
import { reviewApi } from '../api/review';
import { BarChart } from '../components/BarChart';
import { useSession } from '../state/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { NoWorkspace } from '../components/ErrorAlert';

const fmt = (value: number | null) => (value === null ? '—' : value.toFixed(3));

function downloadCsv(csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'agreement.csv';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AgreementView() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const [ignoreSide, setIgnoreSide] = useState(false);
  const [includeDataset, setIncludeDataset] = useState(false);
  const [summary, setSummary] = useState<AgreementSummary | null>(null);
  /** Whether the shown summary was computed with sides ignored (the checkbox may have changed since). */
  const [sidesIgnored, setSidesIgnored] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const compute = () => {
    setBusy(true);
    setError(null);
    reviewApi
      .agreement(ignoreSide, includeDataset)
      .then(
        (result) => {
          setSummary(result);
          setSidesIgnored(ignoreSide);
        },
        (failure: unknown) => setError(errorMessage(failure)),
      )
      .finally(() => setBusy(false));
  };

  const labelChart = useMemo(() => {
    if (!summary) return null;
    const pairs = summary.pairs.map((p) => `${p.coderA} × ${p.coderB}`);
    return {
      labels: [t('agreement.corpusAlpha'), ...pairs],
      series: [
        { label: t('agreement.emotion'), values: [summary.emotionAlpha.alpha, ...summary.pairs.map((p) => p.emotionKappa)], color: '#4e79a7' },
        { label: t('agreement.label3'), values: [summary.label3Alpha.alpha, ...summary.pairs.map((p) => p.label3Kappa)], color: '#f28e2b' },
      ],
    };
  }, [summary, t]);
  const auChart = useMemo(() => {
    if (!summary) return null;
    return {
      labels: summary.perAu.map((au) => (/^\d+$/.test(au.au) ? `AU${au.au}` : au.au)),
      series: [
        { label: t('agreement.alpha'), values: summary.perAu.map((au) => au.alpha), color: '#59a14f' },
        { label: t('agreement.ratio'), values: summary.perAu.map((au) => au.ratio), color: '#b07aa1' },
      ],
    };
  }, [summary, t]);

  if (!workspace) return <NoWorkspace className="view agreement" title={t('agreement.title')} />;

  return (
    <section className="view agreement" aria-labelledby="agreement-title">
      <h1 id="agreement-title">{t('agreement.title')}</h1>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), compute())}>
        <label className="check">
          <input type="checkbox" name="ignore-side" checked={ignoreSide} onChange={(e) => setIgnoreSide(e.target.checked)} /> {t('agreement.ignoreSide')}
        </label>
        <label className="check">
          <input type="checkbox" name="include-dataset" checked={includeDataset} onChange={(e) => setIncludeDataset(e.target.checked)} /> {t('agreement.includeDataset')}
        </label>
        <button type="submit" disabled={busy}>
          {t('agreement.compute')}
        </button>
        {summary && (
          <button type="button" onClick={() => downloadCsv(summary.csv)}>
            {t('agreement.downloadCsv')}
          </button>
        )}
      </form>
      <ErrorAlert error={error} />
      {summary && (
        <>
          <p data-testid="agreement-summary">
            {t('agreement.summary', { coders: summary.coders.join(', ') || '—', events: t('counts.events', { count: summary.events }), shared: t('counts.pairEvents', { count: summary.sharedEvents }), auEvents: summary.auEvents })}
          </p>
          <p className="muted" data-testid="agreement-rule">
            {t(sidesIgnored ? 'agreement.sidesIgnored' : 'agreement.sidesCompared')} {t('agreement.auScored')}
          </p>
          <table className="queue" data-testid="agreement-table">
            <thead>
              <tr>
                <th>{t('agreement.scope')}</th>
                <th>{t('agreement.emotion')}</th>
                <th>{t('agreement.label3')}</th>
                <th>{t('agreement.facsRatio')}</th>
                <th>{t('agreement.auF1')}</th>
                <th>{t('agreement.iou')}</th>
                <th>{t('agreement.events')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{t('agreement.corpus')}</td>
                <td>α {fmt(summary.emotionAlpha.alpha)}</td>
                <td>α {fmt(summary.label3Alpha.alpha)}</td>
                <td>{fmt(summary.facsRatio)}</td>
                <td>{fmt(summary.auF1)}</td>
                <td>{fmt(summary.meanIoU)}</td>
                <td>{summary.sharedEvents}</td>
              </tr>
              {summary.pairs.map((pair) => (
                <tr key={`${pair.coderA}\u0000${pair.coderB}`}>
                  <td>
                    {pair.coderA} × {pair.coderB}
                  </td>
                  <td>κ {fmt(pair.emotionKappa)}</td>
                  <td>κ {fmt(pair.label3Kappa)}</td>
                  <td>{fmt(pair.facsRatio)}</td>
                  <td>{fmt(pair.auF1)}</td>
                  <td>{fmt(pair.meanIoU)}</td>
                  <td>{pair.sharedEvents}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="charts">
            {labelChart && (
              <div data-testid="chart-labels">
                <BarChart title={t('agreement.labelChart')} labels={labelChart.labels} series={labelChart.series} />
              </div>
            )}
            {auChart && (
              <div data-testid="chart-aus">
                <BarChart title={t('agreement.auChart')} labels={auChart.labels} series={auChart.series} />
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}
