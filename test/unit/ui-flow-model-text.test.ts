import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../src/renderer/src/i18n/resources';
import { flowModelText } from '../../src/renderer/src/i18n/message-text';

/**
 * The flow model an analysis recorded, as the suggestions panel says it: a built-in preset
 * in the window's language (its id is no word in 简体中文), a learned model by its own id.
 */
describe('the flow model a suggestion names', () => {
  const translator = async (lng: 'en' | 'zh-CN') => {
    const instance = i18next.createInstance();
    await instance.init({ lng, resources, interpolation: { escapeValue: false } });
    return instance.t;
  };

  it('a built-in preset in zh-CN and en', async () => {
    expect(flowModelText(await translator('zh-CN'), 'flow-variational:balanced')).toBe('内置生成 — 均衡');
    expect(flowModelText(await translator('en'), 'flow-variational:accurate')).toBe('Generated — accurate');
  });

  it('a learned model, or an unknown preset, by its id', async () => {
    const t = await translator('zh-CN');
    expect(flowModelText(t, 'raft-small')).toBe('raft-small');
    expect(flowModelText(t, 'flow-variational:other')).toBe('flow-variational:other');
  });
});
