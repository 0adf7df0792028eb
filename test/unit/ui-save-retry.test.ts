import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosaver, type AutosaveState } from '../../src/renderer/src/state/autosave';
import { RETRY_MAX_MS, retryDelayMs } from '../../src/renderer/src/state/backoff';
import { saveFailure } from '../../src/renderer/src/state/save-failure';

describe('the retry back-off schedule', () => {
  it('doubles from half a second and never waits more than 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(retryDelayMs)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(RETRY_MAX_MS).toBe(30_000);
    // Far attempts stay finite and capped (2^n overflows to Infinity past ~1024).
    expect(retryDelayMs(5000)).toBe(30_000);
    expect(retryDelayMs(0)).toBe(500);
  });
});

describe('which save failures retry', () => {
  it('retries a network failure and a busy database, holds a conflict, and stops on a refusal', () => {
    expect(saveFailure(new TypeError('Failed to fetch'))).toEqual({ kind: 'transient' });
    expect(saveFailure(Object.assign(new Error('busy'), { code: 'BUSY' }))).toEqual({ kind: 'transient' });
    expect(saveFailure(Object.assign(new Error('slow down'), { code: 'RATE_LIMITED' }))).toEqual({ kind: 'transient' });
    expect(saveFailure(Object.assign(new Error('locked'), { code: 'FORBIDDEN' }))).toEqual({ kind: 'refused' });
    expect(saveFailure(new Error('plain'))).toEqual({ kind: 'refused' });
    // A conflict whose facts are malformed cannot offer a choice: it is a refusal with its message.
    expect(saveFailure(Object.assign(new Error('x'), { code: 'EDIT_CONFLICT', detail: { theirs: 1 } }))).toEqual({ kind: 'refused' });
  });
});

describe('Autosaver retries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a transient failure after 0.5 s, 1 s, 2 s and says when, then reports saved', async () => {
    const calls: number[] = [];
    let failures = 3;
    const saver = new Autosaver<number>({
      delayMs: 100,
      classify: () => 'retry',
      save: async (_key, value) => {
        calls.push(Date.now());
        if (failures-- > 0) throw new TypeError('Failed to fetch');
        expect(value).toBe(2);
      },
    });
    const states: AutosaveState[] = [];
    saver.subscribe((s) => states.push(s));
    const start = Date.now();
    saver.schedule('k', 1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(1);
    expect(saver.state).toMatchObject({ status: 'retrying', dirty: 1, retryAt: start + 100 + 500, error: 'Failed to fetch' });
    // A new edit while waiting does not cut the back-off short; it is saved by the retry.
    saver.schedule('k', 2);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(saver.state.retryAt).toBe(start + 600 + 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    expect(saver.state.retryAt).toBe(start + 1600 + 2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.map((at) => at - start)).toEqual([100, 600, 1600, 3600]);
    expect(saver.state).toEqual({ status: 'saved', error: null, dirty: 0, retryAt: null });
    expect(states.map((s) => s.status)).toContain('retrying');
  });

  it('starts the back-off afresh after a success', async () => {
    let fail = true;
    const calls: number[] = [];
    const saver = new Autosaver<number>({
      delayMs: 10,
      classify: () => 'retry',
      save: async () => {
        calls.push(Date.now());
        if (fail) {
          fail = false;
          throw new TypeError('Failed to fetch');
        }
      },
    });
    saver.schedule('k', 1);
    await vi.advanceTimersByTimeAsync(10 + 500);
    expect(saver.state.status).toBe('saved');
    fail = true;
    const again = Date.now();
    saver.schedule('k', 2);
    await vi.advanceTimersByTimeAsync(10);
    expect(saver.state.retryAt).toBe(again + 10 + 500);
  });

  it('holds a conflicting key without retrying until resumed or discarded, and keeps saving the others', async () => {
    const saved: Array<[string, number]> = [];
    let conflict = true;
    const saver = new Autosaver<number>({
      delayMs: 10,
      classify: () => 'hold',
      save: async (key, value) => {
        if (key === 'a' && conflict) throw new Error('conflict');
        saved.push([key, value]);
      },
    });
    saver.schedule('a', 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(saver.state).toMatchObject({ status: 'conflict', dirty: 1, retryAt: null });
    expect(saver.unsavedKeys()).toEqual(['a']);
    // Later edits of the held key stay held (no failing call per keystroke); other keys save.
    saver.schedule('a', 2);
    saver.schedule('b', 9);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(saved).toEqual([['b', 9]]);
    expect(saver.state).toMatchObject({ status: 'conflict', dirty: 1 });
    conflict = false;
    saver.resume('a');
    await vi.advanceTimersByTimeAsync(0);
    await saver.flush();
    expect(saved).toEqual([['b', 9], ['a', 2]]);
    expect(saver.state.status).toBe('saved');

    conflict = true;
    saver.schedule('a', 3);
    await vi.advanceTimersByTimeAsync(10);
    expect(saver.state.status).toBe('conflict');
    saver.discard('a');
    expect(saver.state).toMatchObject({ status: 'saved', dirty: 0 });
    expect(saver.unsavedKeys()).toEqual([]);
  });
});
