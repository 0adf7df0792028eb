import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/src/i18n/locales/en.json';
import zhCN from '../../src/renderer/src/i18n/locales/zh-CN.json';
import { ANALYSIS_STAGES, analysisProgress } from '../../src/renderer/src/state/analysis-progress';

async function translator(lng: string) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, fallbackLng: 'en', resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } }, interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('the running analysis line', () => {
  it('names every stage the pipeline reports in the UI’s language, not in the pipeline’s English', async () => {
    const zh = await translator('zh-CN');
    const en = await translator('en');
    expect(analysisProgress(zh, { done: 4501, total: 4503, message: 'spotting' })).toBe('4501 / 4503 · 检测区间');
    expect(analysisProgress(en, { done: 4501, total: 4503, message: 'apex' })).toBe('4501 / 4503 · finding apexes');
    for (const stage of ANALYSIS_STAGES) {
      expect(analysisProgress(zh, { done: 1, total: 3, message: stage })).not.toMatch(new RegExp(`· ${stage}$|suggest\\.stage`));
      expect(analysisProgress(en, { done: 1, total: 3, message: stage })).not.toMatch(/suggest\.stage/);
    }
  });

  it('shows a stage it does not know as it came, and the count alone without one', async () => {
    const zh = await translator('zh-CN');
    expect(analysisProgress(zh, { done: 2, total: 9, message: 'warming up' })).toBe('2 / 9 · warming up');
    expect(analysisProgress(zh, { done: 2, total: 9 })).toBe('2 / 9');
  });
});
