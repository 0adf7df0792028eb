/**
 * A clip's stored spotting run → what Annotate's queue, set-aside list and timeline draw
 * (pure mapping, api/analysis-view.ts), and when the suggestion panel says that a stored
 * run offered nothing.
 */
import { describe, expect, it } from 'vitest';
import { SpottingRunSchema, type SpottingRun } from '../../src/shared/api/analysis';
import { toSpottingRunView } from '../../src/renderer/src/api/analysis-view';

function run(spotting: Partial<SpottingRun['spotting']> = {}): SpottingRun {
  return SpottingRunSchema.parse({
    clipId: 4,
    createdAt: '2026-12-06T19:00:00.000Z',
    createdBy: 'ana',
    appVersion: '0.28.0',
    current: true,
    models: [],
    settings: { captureFps: 30 },
    spotting: {
      onset: null, apex: null, offset: null, source: 'none', curve: [1, 2, 9, 1], threshold: 6, curve_unit: 'quiet_deviations', lag: 3,
      intervals: [],
      blinks: [{ onset: 30, apex: 33, offset: 36 }],
      confounders: [
        { cause: 'blink', onset: 31, apex: 33, offset: 37, reason: 'lids closed and reopened' },
        { cause: 'saccade', onset: 90, apex: 91, offset: 94, reason: 'gaze shift' },
        { cause: 'speech', onset: 10, apex: 12, offset: 20, reason: 'jaw and lips' },
      ],
      capture_fps: 30,
      ...spotting,
    },
  });
}

describe('stored spotting run → Annotate', () => {
  it('a run that offered nothing keeps its set-aside list by onset (a blink both spotters found listed once), its curve and threshold', () => {
    const view = toSpottingRunView(run());
    expect(view.candidates).toEqual([]);
    expect(view.nonExpressions.map((n) => [n.kind, n.onset])).toEqual([['speech', 10], ['blink', 30], ['saccade', 90]]);
    expect(view).toMatchObject({ clipId: 4, current: true, curve: [1, 2, 9, 1], curveUnit: 'deviations', threshold: 6, captureFps: 30 });
  });

  it('lists what a run offered with its class, score and AUs (null when the interval was not analysed)', () => {
    const view = toSpottingRunView(
      run({
        intervals: [
          { onset: 3, apex: 6, offset: 9, kind: 'micro', strength: 2, score: 0.7, duration_ms: 200, facs: 'L12B' },
          { onset: 40, apex: 50, offset: 70, kind: 'macro', strength: 1.5, score: 0.2 },
        ],
        curve: [],
        curve_unit: 'face_height_percent',
        threshold: 0,
      }),
    );
    expect(view.candidates).toEqual([
      { onset: 3, apex: 6, offset: 9, kind: 'micro', strength: 2, score: 0.7, durationMs: 200, facs: 'L12B' },
      { onset: 40, apex: 50, offset: 70, kind: 'macro', strength: 1.5, score: 0.2, durationMs: null, facs: null },
    ]);
    // No curve and no threshold recorded: the timeline draws none rather than a flat line at 0.
    expect(view).toMatchObject({ curve: null, curveUnit: 'face', threshold: null });
  });
});
