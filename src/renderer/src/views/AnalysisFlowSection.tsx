import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FLOW_PRESETS, type AnalysisFlow, type FlowPresetName } from '@shared/api';
import { errorMessage } from '../api/backend';
import { api } from '../api/client';
import { useSettings } from '../state/settings';

/** The onset → apex flow choice: a generated preset, or the learned model folder. */
const LEARNED = 'learned';

/**
 * Settings → Analysis: the flow an analysis runs with. A learned model folder is checked
 * by main (flow.json and its ONNX file, inside the folder) before it is kept; the choice
 * is recorded with each analysis, so "Analyse all" runs again when it changes.
 */
export function AnalysisFlowSection() {
  const { t } = useTranslation();
  const { settings } = useSettings();
  const [folder, setFolder] = useState<string | null>(null);
  const [learned, setLearned] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!settings) return null;
  const flow = settings.analysisFlow;
  const showFolder = learned || flow.model !== null;
  const save = (next: AnalysisFlow) => {
    setError(null);
    // Called directly (not through useSettings' update) so a refused folder is reported here.
    api.call('settings.update', { analysisFlow: next }).then(
      () => setLearned(next.model !== null),
      (failure: unknown) => setError(errorMessage(failure)),
    );
  };
  const chooseExpression = (value: string) => {
    setLearned(value === LEARNED);
    if (value !== LEARNED) save({ ...flow, model: null, expression: value as FlowPresetName });
  };
  const path = folder ?? flow.model ?? '';

  return (
    <section className="analysis-settings" aria-labelledby="analysis-flow-title">
      <h2 id="analysis-flow-title">{t('analysisFlow.title')}</h2>
      <form className="form" onSubmit={(event) => (event.preventDefault(), path.trim() && save({ ...flow, model: path.trim() }))}>
        <label>
          <span>{t('analysisFlow.expression')}</span>
          <select name="flowExpression" value={showFolder ? LEARNED : flow.expression} onChange={(event) => chooseExpression(event.target.value)}>
            {FLOW_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                {t('analysisFlow.generated', { preset: t(`analysisFlow.presets.${preset}`) })}
              </option>
            ))}
            <option value={LEARNED}>{t('analysisFlow.learned')}</option>
          </select>
        </label>
        {showFolder && (
          <>
            <label>
              <span>{t('analysisFlow.folder')}</span>
              <input name="flowModelFolder" value={path} placeholder={t('analysisFlow.folderPlaceholder')} onChange={(event) => setFolder(event.target.value)} />
              {flow.model && <small data-testid="flow-model-active">{t('analysisFlow.active', { folder: flow.model })}</small>}
            </label>
            <button type="submit" data-testid="flow-model-use" disabled={!path.trim()}>
              {t('analysisFlow.use')}
            </button>
          </>
        )}
        <label>
          <span>{t('analysisFlow.spotting')}</span>
          <select name="flowSpotting" value={flow.spotting} onChange={(event) => save({ ...flow, spotting: event.target.value as FlowPresetName })}>
            {FLOW_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                {/* fast spots with the scan's own flow, not the fast preset above. */}
                {preset === 'fast' ? t('analysisFlow.spottingScan') : t(`analysisFlow.presets.${preset}`)}
              </option>
            ))}
          </select>
        </label>
        <small>{t('analysisFlow.hint')}</small>
        {error && (
          <p role="alert" data-testid="flow-model-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
