import { describe, expect, it } from 'vitest';
import { FLOW_CONFIGURATIONS, FLOW_PRESETS, SCAN_FLOW, spottingFlow } from '../../src/main/inference/flow/variational-presets';

/**
 * The spotting scan's flow is the pipeline's own configuration: its spotting thresholds,
 * lighting match and evaluation goldens were set with these parameters, so they are pinned
 * here (the Middlebury-tuned fast preset they were copied from) and the user-facing fast
 * preset may change without moving the spotting. The spotting, lighting, confounder and
 * golden tests run through it unchanged; this test names what they depend on.
 */
describe('the spotting scan flow', () => {
  it('keeps the parameters the spotting was validated with', () => {
    expect(SCAN_FLOW).toEqual({
      levels: 5, scale: 0.55, finestLevel: 1, warps: 1, rounds: 1, iterations: 10,
      alpha: 0.01, gamma: 16, epsilon: 0.01, median: 5, interpolation: 'bicubic', presmooth: 0.6,
    });
    expect(FLOW_CONFIGURATIONS.scan).toBe(SCAN_FLOW);
  });

  it('is what the default spotting choice runs with; the other choices are their presets', () => {
    expect(spottingFlow('fast')).toBe('scan');
    expect(spottingFlow('balanced')).toBe('balanced');
    expect(spottingFlow('accurate')).toBe('accurate');
    for (const preset of ['fast', 'balanced', 'accurate'] as const) expect(FLOW_CONFIGURATIONS[preset]).toBe(FLOW_PRESETS[preset]);
  });
});
