/**
 * Evaluation: how the model's suggestions score against a reference's labels in the open
 * workspace — AU F1, MEGC UF1 / UAR, timing and spotting with their event counts and
 * bootstrap 95 % intervals, per-AU F1, the 3-class confusion matrix — on the same module
 * as `mellm evaluate` (docs/evaluation.md).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvaluationEstimate, EvaluationSummary } from '@shared/api/evaluation';
import { evaluationApi } from '../api/evaluation';
import { evaluationErrorText } from '../i18n/message-text';
import { BarChart } from '../components/BarChart';
import { ErrorAlert, Guidance, NoWorkspace } from '../components/ErrorAlert';
import { useSession } from '../state/session';

/** References the datalist offers (an annotator's name can be typed instead). */
const REFERENCES = ['dataset', 'approved'] as const;

const fmt = (value: number | null, digits = 3) => (value === null ? '—' : value.toFixed(digits));
const interval = (e: EvaluationEstimate, digits = 3) => (e.low === null ? '' : `[${fmt(e.low, digits)}, ${fmt(e.high, digits)}]`);

export function EvaluationView() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const [against, setAgainst] = useState('dataset');
  const [summary, setSummary] = useState<EvaluationSummary | null>(null);
  const [error, setError] = useState<{ readonly text: string; readonly expected: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = () => {
    setBusy(true);
    setError(null);
    evaluationApi
      .run({ against: against.trim() || 'dataset' })
      .then(setSummary, (failure: unknown) => setError(evaluationErrorText(t, failure)))
      .finally(() => setBusy(false));
  };

  const auSeries = (s: EvaluationSummary) => [
    { label: t('evaluation.f1'), values: s.perAu.map((a) => a.f1.value), color: '#4e79a7' },
    { label: t('evaluation.low'), values: s.perAu.map((a) => a.f1.low), color: '#a0cbe8' },
    { label: t('evaluation.high'), values: s.perAu.map((a) => a.f1.high), color: '#f28e2b' },
  ];

  if (!workspace) return <NoWorkspace className="view evaluation" title={t('evaluation.title')} />;

  return (
    <section className="view evaluation" aria-labelledby="evaluation-title">
      <h1 id="evaluation-title">{t('evaluation.title')}</h1>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), run())}>
        <label>
          {t('evaluation.against')}{' '}
          <input name="against" list="evaluation-references" value={against} onChange={(e) => setAgainst(e.target.value)} aria-label={t('evaluation.against')} data-testid="evaluation-against" />
          <datalist id="evaluation-references">
            {REFERENCES.map((reference) => (
              <option key={reference} value={reference}>
                {t(`evaluation.${reference}`)}
              </option>
            ))}
          </datalist>
        </label>
        <button type="submit" disabled={busy} data-testid="evaluation-run">
          {t('evaluation.run')}
        </button>
      </form>
      <p className="muted">{t('evaluation.zeroShot')}</p>
      <ErrorAlert error={error && !error.expected ? error.text : null} />
      <Guidance text={error?.expected ? error.text : null} />
      {summary && (
        <>
          <p data-testid="evaluation-events">
            {t('evaluation.events', { labelled: t('counts.labelledEvents', { count: summary.labelled }), analysed: summary.analysed, missing: summary.missingAnalysis.length, unreadable: summary.unreadableAnalysis })}
          </p>
          {summary.missingAnalysis.length > 0 && (
            <p className="muted" data-testid="evaluation-missing">
              {t('evaluation.missing', { ids: summary.missingAnalysis.slice(0, 50).join(', ') })}
            </p>
          )}
          <table className="queue" data-testid="evaluation-figures">
            <thead>
              <tr>
                <th>{t('evaluation.figure')}</th>
                <th>{t('evaluation.value')}</th>
                <th>{t('evaluation.interval')}</th>
                <th>{t('evaluation.n')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.figures.map((f) => (
                <tr key={f.key} data-testid={`evaluation-figure-${f.key}`}>
                  <td>{t(`evaluation.figures.${f.key}`)}</td>
                  <td>{fmt(f.value, f.key.endsWith('Frames') ? 1 : 3)}</td>
                  <td>{interval(f, f.key.endsWith('Frames') ? 1 : 3)}</td>
                  <td>{f.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted" data-testid="evaluation-au-counts">
            {t('evaluation.auCounts', {
              events: t('counts.events', { count: summary.auCounts.n }),
              uncertainLabels: t('counts.labels', { count: summary.auCounts.uncertainLabels }),
              alternatives: summary.auCounts.alternatives,
              uncertainCodes: t('counts.codes', { count: summary.auCounts.uncertainCodes }),
              resamples: t('counts.resamples', { count: summary.resamples }),
              seed: summary.seed,
            })}
          </p>
          <div className="charts">
            {summary.perAu.length > 0 && (
              <div data-testid="evaluation-chart-aus">
                <BarChart title={t('evaluation.auChart')} labels={summary.perAu.map((a) => `AU${a.au}`)} series={auSeries(summary)} />
              </div>
            )}
          </div>
          <table className="queue" data-testid="evaluation-confusion">
            <caption>{t('evaluation.confusion')}</caption>
            <thead>
              <tr>
                <th />
                {summary.megcClasses.map((c) => (
                  <th key={c.label}>{t(`evaluation.class.${c.label}`)}</th>
                ))}
                <th>{t('evaluation.class.none')}</th>
                <th>{t('evaluation.f1')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.megcClasses.map((c, i) => (
                <tr key={c.label}>
                  <th>{t(`evaluation.class.${c.label}`)}</th>
                  {(summary.megcConfusion[i] ?? []).map((count, k) => (
                    <td key={k}>{count}</td>
                  ))}
                  <td>{fmt(c.f1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
