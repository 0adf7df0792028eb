import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '@shared/api';
import { api } from '../api/client';
import { useSettings } from '../state/settings';
import { afterFirstFrame } from '../state/first-frame';

type SpeedReport = ChannelOutput<'llm.speed'>;

/**
 * What a description will cost on this machine before it starts: "≈ N s for up to M
 * tokens", from the active model folder's measured speed (llm.speed). With `calibrate`, a
 * button measures it (llm.calibrate: a 16-token run). Renders nothing without a model.
 */
export function LlmEstimate(props: { readonly calibrate?: boolean }) {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const activeLlm = settings?.activeLlm ?? null;
  const maxNewTokens = settings?.llmMaxNewTokens;
  const [report, setReport] = useState<SpeedReport | null>(null);
  const [measuring, setMeasuring] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    if (maxNewTokens === undefined) return;
    api.call('llm.speed', { maxNewTokens }).then(
      (next) => setReport(next),
      // No model configured or the folder is unusable: the estimate has nothing to say.
      () => setReport(null),
    );
  }, [maxNewTokens]);
  // Not the frame: asked once a clip's first frame is painted.
  useEffect(() => afterFirstFrame(refresh), [refresh, activeLlm]);

  if (!report?.folder) return null;
  const measure = async () => {
    setMeasuring(true);
    setError(null);
    try {
      await api.call('llm.calibrate', {});
      refresh();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setMeasuring(false);
    }
  };
  const estimate = report.estimate;
  return (
    <p className="muted llm-estimate" data-testid="llm-estimate" data-seconds={estimate ? Math.round(estimate.seconds) : undefined}>
      {estimate
        ? t('llm.estimate', { time: formatDuration(estimate.seconds, t), tokens: estimate.maxNewTokens, rate: report.speed?.tokensPerSecond.toFixed(1) })
        : t('llm.estimateUnknown')}
      {props.calibrate && (
        <>
          {' '}
          <button type="button" disabled={measuring} onClick={() => void measure()}>
            {measuring ? t('llm.measuring') : t('llm.measure')}
          </button>
        </>
      )}
      {error && <span role="alert"> {t('common.error', { message: error })}</span>}
    </p>
  );
}

function formatDuration(seconds: number, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (seconds < 90) return t('llm.seconds', { count: Math.max(1, Math.round(seconds)) });
  if (seconds < 90 * 60) return t('llm.minutes', { count: Math.round(seconds / 60) });
  return t('llm.hours', { count: Number((seconds / 3600).toFixed(1)) });
}
