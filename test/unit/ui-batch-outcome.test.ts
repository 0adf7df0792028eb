import { describe, expect, it } from 'vitest';
import { clipOutcomes, etaSeconds } from '../../src/renderer/src/state/batch-outcome';

describe('a batch analysis per clip', () => {
  it('a clip is done when all its events are, failed (with each reason once) when any failed', () => {
    const jobs = [
      { jobId: 'a', clipId: 1 },
      { jobId: 'b', clipId: 1 },
      { jobId: 'c', clipId: 2 },
      { jobId: 'd', clipId: 2 },
      { jobId: 'e', clipId: 2 },
      { jobId: 'f', clipId: 3 },
    ];
    const ends = new Map([
      ['a', { state: 'done' as const }],
      ['b', { state: 'done' as const }],
      ['c', { state: 'failed' as const, reason: 'No face found on frame 12' }],
      ['d', { state: 'failed' as const, reason: 'No face found on frame 12' }],
      ['e', { state: 'done' as const }],
      ['f', { state: 'cancelled' as const }],
    ]);
    expect(clipOutcomes(jobs, ends)).toEqual([
      { clipId: 1, state: 'done', reasons: [] },
      { clipId: 2, state: 'failed', reasons: ['No face found on frame 12'] },
      { clipId: 3, state: 'cancelled', reasons: [] },
    ]);
  });

  it('a job that never reported its end counts as cancelled, never as done', () => {
    expect(clipOutcomes([{ jobId: 'x', clipId: 4 }], new Map())).toEqual([{ clipId: 4, state: 'cancelled', reasons: [] }]);
  });

  it('estimates the time left from the finished jobs', () => {
    expect(etaSeconds({ started: 0, done: 2, total: 6 }, 10_000)).toBe(20);
    expect(etaSeconds({ started: 0, done: 0, total: 6 }, 10_000)).toBeNull();
    expect(etaSeconds({ started: 0, done: 6, total: 6 }, 10_000)).toBeNull();
  });
});
