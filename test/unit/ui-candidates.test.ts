import { describe, expect, it } from 'vitest';
import { SpottingReportSchema, type StoredAnalysis } from '../../src/shared/api/analysis';
import { spottingReport } from '../../src/main/analysis/pipeline/report';
import { DEFAULT_CLASS_THRESHOLDS } from '../../src/main/analysis/spotting';
import { toAnalysisView } from '../../src/renderer/src/api/analysis-view';
import type { Candidate } from '../../src/renderer/src/api/analysis-types';
import { candidateDecisions, candidateEvent, candidateKey, candidateQueue, clockTime, stepCandidate, type CandidateDecision } from '../../src/renderer/src/state/candidates';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const c = (onset: number, strength: number, kind: Candidate['kind'] = 'micro', score = 0): Candidate => ({ onset, apex: onset + 5, offset: onset + 20, kind, score, strength, durationMs: 100, facs: '' });

describe('the decisions the workspace keeps', () => {
  const analysed = c(10, 9);
  const unanalysed = { ...c(40, 5), facs: null };
  const macro = { ...c(100, 4, 'macro'), offset: 160 };
  const inside = c(130, 2);
  const spotted = (onset: number, offset = onset + 20) => ({ onset, offset, source: 'spotting' });

  it('reads an analysed interval whose event is gone as dismissed, and one on an event the user made as accepted', () => {
    const decisions = candidateDecisions([analysed, unanalysed, macro], [{ ...spotted(40), source: 'manual' }, spotted(100, 160)], new Map());
    expect(decisions.get(candidateKey(analysed))).toBe('dismissed');
    expect(decisions.get(candidateKey(unanalysed))).toBe('accepted');
    expect(decisions.has(candidateKey(macro))).toBe(false);
  });

  it('reads nothing from the events before they are listed, and keeps the session’s own decisions', () => {
    const session = new Map<string, CandidateDecision>([[candidateKey(macro), 'accepted']]);
    expect([...candidateDecisions([analysed, macro], null, session)]).toEqual([[candidateKey(macro), 'accepted']]);
    // An interval never analysed had no event: its absence is no dismissal.
    expect(candidateDecisions([unanalysed], [], new Map()).size).toBe(0);
  });

  it('matches an interval to the event on its onset, never to a longer event it lies inside', () => {
    expect(candidateEvent(inside, [spotted(100, 160)])).toBeUndefined();
    expect(candidateDecisions([inside], [spotted(100, 160)], new Map()).get(candidateKey(inside))).toBe('dismissed');
    expect(candidateEvent(macro, [spotted(130), spotted(100, 160)])?.onset).toBe(100);
  });
});

describe('the spotted-interval review queue', () => {
  const queue = candidateQueue([c(100, 2), c(10, 9), c(50, 2), c(70, 5, 'macro')]);

  it('lists the strongest first, equal strengths by onset', () => {
    expect(queue.map((x) => x.onset)).toEqual([10, 70, 50, 100]);
  });

  it('puts the most likely first: a higher score (motion and AU evidence) before a stronger motion', () => {
    expect(candidateQueue([c(10, 9, 'micro', 0.4), c(50, 2, 'micro', 0.9), c(70, 5, 'macro', 0.4)]).map((x) => x.onset)).toEqual([50, 10, 70]);
  });

  it('steps through those still to review, both ways, wrapping, and stops when none is left', () => {
    const decisions = new Map<string, CandidateDecision>([[candidateKey(queue[1]!), 'dismissed']]);
    expect(stepCandidate(queue, decisions, null, 1)).toBe(0);
    expect(stepCandidate(queue, decisions, 0, 1)).toBe(2); // 1 was dismissed
    expect(stepCandidate(queue, decisions, 3, 1)).toBe(0);
    expect(stepCandidate(queue, decisions, null, -1)).toBe(3);
    expect(stepCandidate(queue, decisions, 2, -1)).toBe(0);
    const all = new Map(queue.map((x) => [candidateKey(x), 'accepted' as const]));
    expect(stepCandidate(queue, all, 0, 1)).toBeNull();
    expect(stepCandidate([], new Map(), null, 1)).toBeNull();
  });

  it('reads the class, duration, AUs and blinks of a stored run; an analysis stored before classes claims none', () => {
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] });
    const base = { id: 1, eventId: 1, createdAt: '', models: [], timingsMs: {}, ...row } as unknown as StoredAnalysis;
    const spotting = {
      ...row.spotting,
      capture_fps: 200,
      intervals: [{ onset: 10, apex: 20, offset: 40, kind: 'micro' as const, strength: 3, score: 0.8, duration_ms: 150, offset_unclear: false, facs: '1C+2C' }],
      blinks: [{ onset: 60, apex: 64, offset: 70 }],
    };
    const view = toAnalysisView({ ...base, spotting, expression: { ...row.expression, kind: 'micro', duration_ms: 150 } });
    expect(view.candidates).toEqual([{ onset: 10, apex: 20, offset: 40, kind: 'micro', score: 0.8, strength: 3, durationMs: 150, facs: '1C+2C' }]);
    expect(view.nonExpressions).toEqual([{ kind: 'blink', onset: 60, apex: 64, offset: 70 }]);
    expect(view.expressionClass).toEqual({ kind: 'micro', durationMs: 150, captureFps: 200 });
    const { kind: _k, duration_ms: _d, ...old } = row.expression;
    expect(toAnalysisView({ ...base, expression: old }).expressionClass).toBeNull();
  });

  it('offers each spotted event its own frames, not the run’s strongest interval that every event of a recording stores', () => {
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, { onset: 2793, apex: 2797, offset: 2802 });
    const base = { id: 2, eventId: 7, createdAt: '', models: [], timingsMs: {}, ...row } as unknown as StoredAnalysis;
    // The run's report: its primary interval is the strongest (667–673), whichever event this row belongs to.
    const spotting = { ...row.spotting, source: 'spotting' as const, onset: 667, apex: 671, offset: 673 };
    expect(toAnalysisView({ ...base, spotting }).spotted).toEqual({ onset: 2793, apex: 2797, offset: 2802, source: 'spotting' });
    // User frames stay as the run was asked for them: the stale check compares them with the markers.
    const user = { ...row.spotting, source: 'user' as const, onset: 2790, apex: 2797, offset: null };
    expect(toAnalysisView({ ...base, spotting: user }).spotted).toEqual({ onset: 2790, apex: 2797, offset: null, source: 'user' });
  });

  it('lists gaze shifts and speech beside blinks, by onset, with why; a classed blink the lid spotter found is listed once', () => {
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] });
    const base = { id: 1, eventId: 1, createdAt: '', models: [], timingsMs: {}, ...row } as unknown as StoredAnalysis;
    const spotting = {
      ...row.spotting,
      blinks: [{ onset: 60, apex: 64, offset: 70 }],
      confounders: [
        { cause: 'speech' as const, onset: 80, apex: 90, offset: 120, reason: 'speech: the lips and jaw opened and closed 5 times' },
        { cause: 'blink' as const, onset: 61, apex: 64, offset: 72, reason: 'blink: both upper eyelids closed and reopened' },
        { cause: 'saccade' as const, onset: 30, apex: 32, offset: 36, reason: 'gaze shift: only the eye region moved, once, and held' },
      ],
    };
    expect(toAnalysisView({ ...base, spotting }).nonExpressions).toEqual([
      { kind: 'saccade', onset: 30, apex: 32, offset: 36, reason: 'gaze shift: only the eye region moved, once, and held' },
      { kind: 'blink', onset: 60, apex: 64, offset: 70 },
      { kind: 'speech', onset: 80, apex: 90, offset: 120, reason: 'speech: the lips and jaw opened and closed 5 times' },
    ]);
  });
});

describe('a spotted interval read as a blink', () => {
  it('is written with its AUs apart from the offered intervals, and only when there is one', () => {
    const run = { intervals: [], blinks: [{ onset: 40, apex: 44, offset: 50, peak: 3 }], confounders: [], faceSignal: new Float32Array(60), threshold: 1, signalUnit: 'face-height' as const };
    const rate = { fps: 200, thresholds: DEFAULT_CLASS_THRESHOLDS };
    const report = spottingReport(run, null, false, 6, rate, [{ onset: 38, apex: 44, offset: 52, facs: '1B+2B+45D' }]);
    expect(report.intervals).toEqual([]);
    expect(report.read_as_blink).toEqual([{ onset: 38, apex: 44, offset: 52, facs: '1B+2B+45D' }]);
    expect(SpottingReportSchema.parse(report).read_as_blink).toHaveLength(1);
    expect(spottingReport(run, null, false, 6, rate)).not.toHaveProperty('read_as_blink');
  });

  it('is listed among what was set aside at its onset with the AUs read, never as a candidate', () => {
    const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] });
    const base = { id: 1, eventId: 1, createdAt: '', models: [], timingsMs: {}, ...row } as unknown as StoredAnalysis;
    const spotting = { ...row.spotting, intervals: [], blinks: [{ onset: 40, apex: 44, offset: 50 }], read_as_blink: [{ onset: 38, apex: 44, offset: 52, facs: '1B+2B+45D' }] };
    const view = toAnalysisView({ ...base, spotting });
    expect(view.candidates).toEqual([]);
    expect(view.nonExpressions).toEqual([
      { kind: 'readAsBlink', onset: 38, apex: 44, offset: 52, facs: '1B+2B+45D' },
      { kind: 'blink', onset: 40, apex: 44, offset: 50 },
    ]);
  });
});

describe('a moment of a recording as a clock time', () => {
  it('reads m:ss.s, h:mm:ss.s from an hour on, rounded to the tenth', () => {
    expect(clockTime(0, 30)).toBe('0:00.0');
    expect(clockTime(30, 30)).toBe('0:01.0');
    expect(clockTime(830, 30)).toBe('0:27.7');
    expect(clockTime(1799, 30)).toBe('1:00.0');
    expect(clockTime(18_000, 30)).toBe('10:00.0');
    expect(clockTime(30 * 3725.25, 30)).toBe('1:02:05.3');
    expect(clockTime(100, 200)).toBe('0:00.5');
  });

  it('reads 0:00.0 for a rate it cannot use rather than Infinity or NaN', () => {
    expect(clockTime(10, 0)).toBe('0:00.0');
    expect(clockTime(Number.NaN, 30)).toBe('0:00.0');
  });
});
